//! Times, in one process, each step of opening a vault and making it
//! searchable, and splits `load_index` into its parts.
//!
//! ```text
//! cargo build --release -p tessera-core --example vault_profile
//! target/release/examples/vault_profile VAULT PASSWORD_FILE [REPEATS] [ITEM_NAME]
//! ```
//!
//! Steps timed on the real vault: `LockedVault::open`, `unlock` (the KDF plus
//! key unwrapping), the KDF alone at the vault's parameters, `load_index`,
//! `search`, and `value` of one item. Then the parts of `load_index`, each
//! measured on its own over as many items as the vault holds:
//! 1. the SQLite query (sqlx `fetch_all` of the `items` columns it reads),
//!    and, for comparison, the same data fetched as one JSON row built by
//!    SQLite (`json_group_array`, blobs in hex), decoded back to bytes,
//! 2. AES-256-GCM `open` of a `meta` blob of the same size, AAD included,
//! 3. `serde_json` parse of the meta JSON into `ItemMeta`,
//! 4. building the `ItemSummary` (uuid formatting, copies),
//! 5. `Index::build` of the summaries.
//!
//! Parts 2-4 run on synthetic blobs of the vault's average sizes under a
//! random key (the vault's field key is not public), which does the same work.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tessera_core::crypto::{self, derive_password_key, Sealer, SecretKey};
use tessera_core::items::id_to_string;
use tessera_core::{Index, ItemKind, ItemMeta, ItemSummary, LockedVault, Query};

type Row = (Vec<u8>, String, i64, i64, Option<i64>, Vec<u8>);

/// Upper-case hex, as SQLite's `hex()` writes it.
fn unhex(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if s.len() % 2 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 2);
    for p in s.as_bytes().chunks_exact(2) {
        out.push(nibble(p[0])? << 4 | nibble(p[1])?);
    }
    Some(out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Min and median of a set of timings, in ms.
fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    (ms(v[0]), ms(v[v.len() / 2]))
}

fn report(label: &str, v: Vec<Duration>) -> f64 {
    let n = v.len();
    let (min, med) = stats(v);
    println!("{label:<44} min {min:>9.2} ms   median {med:>9.2} ms   (n = {n})");
    med
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: vault_profile VAULT PASSWORD_FILE [REPEATS] [ITEM_NAME]");
        std::process::exit(2);
    }
    let path = PathBuf::from(&args[0]);
    let password = std::fs::read_to_string(&args[1]).expect("read the password file");
    let password = password.strip_suffix('\n').unwrap_or(&password).to_owned();
    let repeats: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5).max(1);
    let item_name = args.get(3).cloned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(path, password, repeats, item_name));
}

async fn run(path: PathBuf, password: String, repeats: usize, item_name: Option<String>) {
    let (mut t_open, mut t_unlock, mut t_kdf, mut t_load, mut t_value) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut n_items = 0;
    let mut searches: Vec<(String, Vec<Duration>, usize)> = ["foo", "key_0500", "key 99", ""]
        .iter()
        .map(|q| (q.to_string(), vec![], 0))
        .collect();
    for _ in 0..repeats {
        let t = Instant::now();
        let locked = LockedVault::open(&path).await.expect("open the vault");
        t_open.push(t.elapsed());
        let params = locked.kdf_params();

        let t = Instant::now();
        derive_password_key(password.as_bytes(), &[7u8; crypto::SALT_LEN], &params).unwrap();
        t_kdf.push(t.elapsed());

        let t = Instant::now();
        let mut vault = locked.unlock(&password).await.expect("unlock");
        t_unlock.push(t.elapsed());

        let t = Instant::now();
        let index = vault.load_index().await.expect("load_index");
        t_load.push(t.elapsed());
        n_items = index.len();

        for (q, times, hits) in &mut searches {
            let query = Query {
                text: (!q.is_empty()).then(|| q.clone()),
                ..Default::default()
            };
            // Several runs per unlock: search is much faster than the rest.
            for _ in 0..5 {
                let t = Instant::now();
                *hits = index.search(&query).len();
                times.push(t.elapsed());
            }
        }

        if let Some(name) = &item_name {
            let t = Instant::now();
            vault.value(name).await.expect("value");
            t_value.push(t.elapsed());
        }
        vault.close().await.unwrap();
    }

    println!("vault {} with {n_items} items", path.display());
    let open = report("LockedVault::open", t_open);
    let unlock = report("unlock (KDF + unwrap + subkeys)", t_unlock);
    let kdf = report("KDF alone (derive_password_key)", t_kdf);
    println!("{:<44} ~{:>8.2} ms", "unlock minus KDF", unlock - kdf);
    let load = report("load_index", t_load);
    let after_kdf = open + (unlock - kdf).max(0.0) + load;
    println!(
        "{:<44} ~{:>8.2} ms",
        "open + unlock + load_index, minus the KDF", after_kdf
    );
    let (mut search_max, mut list_all) = (0.0f64, 0.0);
    for (q, times, hits) in searches {
        let med = report(&format!("search {q:?} ({hits} hits)"), times);
        if q.is_empty() {
            list_all = med;
        } else {
            search_max = search_max.max(med);
        }
    }
    let mut value = 0.0;
    if let Some(name) = &item_name {
        value = report(&format!("value({name:?}) (name-tag lookup + open)"), t_value);
    }

    // ---- the parts of load_index -------------------------------------------------
    println!("\nload_index split ({n_items} items):");
    let opts = SqliteConnectOptions::new()
        .filename(&path)
        .disable_statement_logging();
    let mut conn = opts.connect().await.expect("connect");
    let mut t_sql = vec![];
    let mut rows: Vec<Row> = vec![];
    for _ in 0..repeats {
        let t = Instant::now();
        rows = sqlx::query_as("SELECT id, kind, created_at, updated_at, expires_at, meta FROM items")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        t_sql.push(t.elapsed());
    }
    // The same columns fetched as one row (a JSON array built by SQLite, blobs
    // in hex), so that sqlx moves one row instead of one per item.
    let (mut t_agg, mut t_agg_sql, mut t_agg_parse) = (vec![], vec![], vec![]);
    let mut agg: Vec<(Vec<u8>, Vec<u8>)> = vec![];
    for _ in 0..repeats {
        let t = Instant::now();
        let (text,): (String,) = sqlx::query_as(
            "SELECT json_group_array(json_array(hex(id), kind, created_at, updated_at, expires_at, hex(meta))) FROM items",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        t_agg_sql.push(t.elapsed());
        let t2 = Instant::now();
        let parsed: Vec<(String, String, i64, i64, Option<i64>, String)> =
            serde_json::from_str(&text).unwrap();
        t_agg_parse.push(t2.elapsed());
        agg = parsed
            .iter()
            .map(|r| (unhex(&r.0).unwrap(), unhex(&r.5).unwrap()))
            .collect();
        t_agg.push(t.elapsed());
    }
    conn.close().await.unwrap();
    let mut a: Vec<_> = agg;
    let mut b: Vec<_> = rows.iter().map(|r| (r.0.clone(), r.5.clone())).collect();
    a.sort();
    b.sort();
    assert!(a == b, "the one-row fetch must return the same ids and blobs");
    let n = rows.len().max(1);
    let meta_bytes: usize = rows.iter().map(|r| r.5.len()).sum();
    let avg_blob = meta_bytes / n;
    let sql = report("1. sqlx fetch_all of the items rows", t_sql);
    let sql_one_row = report("1'. (alternative: one json_group_array row)", t_agg);
    report("   of which SQLite builds and sqlx moves it", t_agg_sql);
    report("   of which serde_json parses it", t_agg_parse);

    // Synthetic meta of the same size as the stored ones (blob = 1 + 12 + json + 16).
    let json_len = avg_blob.saturating_sub(29).max(16);
    let metas: Vec<ItemMeta> = (0..n)
        .map(|i| {
            let name = format!("KEY_{i:06}");
            let mut m = ItemMeta {
                env_var: Some(name.clone()),
                name,
                ..Default::default()
            };
            let base = serde_json::to_vec(&m).unwrap().len();
            if json_len > base + 14 {
                m.service = Some("s".repeat(json_len - base - 14));
            }
            m
        })
        .collect();
    let sealer = Sealer::new(&SecretKey::random().unwrap()).unwrap();
    let vault_id = [9u8; 16];
    let ids: Vec<[u8; 16]> = rows
        .iter()
        .map(|r| r.0.as_slice().try_into().unwrap_or([0; 16]))
        .chain(std::iter::repeat([0u8; 16]))
        .take(n)
        .collect();
    let blobs: Vec<Vec<u8>> = metas
        .iter()
        .zip(&ids)
        .map(|(m, id)| {
            let aad = crypto::aad(&vault_id, id, "api_key", "meta");
            sealer.seal(&serde_json::to_vec(m).unwrap(), &aad).unwrap()
        })
        .collect();
    println!(
        "   (stored meta blobs average {avg_blob} bytes; synthetic ones {} bytes)",
        blobs.iter().map(Vec::len).sum::<usize>() / n
    );

    let mut t_aead = vec![];
    let mut plains = vec![];
    for _ in 0..repeats {
        let t = Instant::now();
        plains = blobs
            .iter()
            .zip(&ids)
            .map(|(b, id)| {
                let aad = crypto::aad(&vault_id, id, "api_key", "meta");
                sealer.open(b, &aad).unwrap()
            })
            .collect();
        t_aead.push(t.elapsed());
    }
    let aead = report("2. AES-256-GCM open (+ AAD) of every meta", t_aead);

    let mut t_json = vec![];
    let mut parsed: Vec<ItemMeta> = vec![];
    for _ in 0..repeats {
        let t = Instant::now();
        parsed = plains
            .iter()
            .map(|p| serde_json::from_slice(p).unwrap())
            .collect();
        t_json.push(t.elapsed());
    }
    let json = report("3. serde_json parse into ItemMeta", t_json);

    let mut t_sum = vec![];
    let mut summaries: Vec<ItemSummary> = vec![];
    for _ in 0..repeats {
        let metas = parsed.clone();
        let t = Instant::now();
        summaries = metas
            .into_iter()
            .zip(&ids)
            .map(|(m, id)| ItemSummary {
                id: id_to_string(id),
                kind: "api_key".parse::<ItemKind>().unwrap(),
                name: m.name,
                service: m.service,
                tags: m.tags,
                env_var: m.env_var,
                scopes: m.scopes,
                created_at: 0,
                updated_at: 0,
                expires_at: None,
                policy: None,
                version: None,
                value_set_at: None,
                facts: None,
                needs_reauth: false,
            })
            .collect();
        t_sum.push(t.elapsed());
    }
    let sum = report("4. ItemSummary (uuid string, kind parse)", t_sum);

    let mut t_build = vec![];
    for _ in 0..repeats {
        let s = summaries.clone();
        let t = Instant::now();
        let index = Index::build(s, vec![]);
        t_build.push(t.elapsed());
        drop(index);
    }
    let build = report("5. Index::build", t_build);
    let total = sql + aead + json + sum + build;
    println!(
        "{:<44} ~{total:>8.2} ms   (load_index measured {load:.2} ms; {:.0}% SQL, {:.0}% AEAD, {:.0}% JSON, {:.0}% summary, {:.0}% index)",
        "sum of parts",
        100.0 * sql / total,
        100.0 * aead / total,
        100.0 * json / total,
        100.0 * sum / total,
        100.0 * build / total
    );
    // One line for scripts/bench/run.sh (medians, ms).
    println!(
        "RESULT items={n_items} open_ms={open:.2} unlock_ms={unlock:.2} kdf_ms={kdf:.2} load_index_ms={load:.2} \
         after_kdf_ms={after_kdf:.2} search_max_ms={search_max:.3} list_all_ms={list_all:.2} value_ms={value:.2} \
         sql_ms={sql:.2} aead_ms={aead:.2} json_ms={json:.2} summary_ms={sum:.2} index_build_ms={build:.2} sql_one_row_ms={sql_one_row:.2}"
    );
}
