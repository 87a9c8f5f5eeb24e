//! The vault through its public API, on real SQLite files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sqlx::{Connection, SqliteConnection};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tessera_core::crypto::KdfParams;
use tessera_core::{
    Error, Field, ItemDetails, ItemEdit, ItemKind, ItemMeta, LockedVault, NewItem, Query, Vault, Zeroizing,
};

const PW: &str = "correct horse battery staple";

fn new_item(kind: ItemKind, name: &str, value: &str) -> NewItem {
    NewItem {
        kind,
        meta: ItemMeta {
            name: name.into(),
            service: Some("Example".into()),
            tags: vec!["work".into()],
            env_var: Some("EXAMPLE_KEY".into()),
            scopes: vec!["read".into()],
            ..Default::default()
        },
        details: ItemDetails {
            notes: Some("a note".into()),
            username: None,
            url: None,
            fields: vec![],
        },
        value: Zeroizing::new(value.into()),
        expires_at: None,
    }
}

async fn fresh(dir: &Path) -> (PathBuf, Vault) {
    let path = dir.join("vault.db");
    let vault = Vault::create(&path, PW, KdfParams::FLOOR).await.unwrap();
    (path, vault)
}

async fn reopen(path: &Path, pw: &str) -> Result<Vault, Error> {
    LockedVault::open(path).await?.unlock(pw).await
}

async fn raw(path: &Path) -> SqliteConnection {
    SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap()
}

#[tokio::test]
async fn items_survive_close_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    v.add(new_item(ItemKind::ApiKey, "stripe", "sk_test_1"))
        .await
        .unwrap();
    v.add(new_item(ItemKind::Token, "github", "ghp_1")).await.unwrap();
    v.close().await.unwrap();

    let mut v = reopen(&path, PW).await.unwrap();
    assert_eq!(*v.value("stripe").await.unwrap(), "sk_test_1");
    assert_eq!(*v.value("GITHUB").await.unwrap(), "ghp_1", "lookup ignores case");
    let view = v.item("stripe").await.unwrap();
    assert_eq!(view.summary.kind, ItemKind::ApiKey);
    assert_eq!(view.summary.service.as_deref(), Some("Example"));
    assert_eq!(view.details.notes.as_deref(), Some("a note"));
    assert_eq!(*v.field("stripe", &Field::Env).await.unwrap(), "EXAMPLE_KEY");
    // By id as well as by name.
    assert_eq!(*v.value(&view.summary.id).await.unwrap(), "sk_test_1");
    assert_eq!(v.list(&Query::default()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn names_are_unique_ignoring_case_and_unicode_form() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    v.add(new_item(ItemKind::Secret, "Café", "1")).await.unwrap();
    for dup in ["café", "CAFÉ", "Cafe\u{301}"] {
        let e = v.add(new_item(ItemKind::Secret, dup, "2")).await.unwrap_err();
        assert_eq!(e.code(), "item.exists", "{dup}");
    }
    v.add(new_item(ItemKind::Secret, "other", "3")).await.unwrap();
    let e = v
        .edit(
            "other",
            ItemEdit {
                name: Some("CAFÉ".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "item.exists");
    assert_eq!(*v.value("café").await.unwrap(), "1");
}

#[tokio::test]
async fn rotation_appends_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    v.add(new_item(ItemKind::ApiKey, "k", "v1")).await.unwrap();
    v.rotate("k", "v2", "scheduled").await.unwrap();
    v.rotate("k", "v3", "").await.unwrap();
    v.close().await.unwrap();
    let mut v = reopen(&path, PW).await.unwrap();
    let (_, history) = v.history("k").await.unwrap();
    let values: Vec<&str> = history.iter().map(|h| h.value.as_str()).collect();
    assert_eq!(values, ["v1", "v2", "v3"]);
    assert!(history[0].retired_at.is_some() && history[1].retired_at.is_some());
    assert!(history[2].retired_at.is_none());
    assert_eq!(*v.value("k").await.unwrap(), "v3");
}

#[tokio::test]
async fn wrong_password_is_refused_after_the_full_kdf_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    v.add(new_item(ItemKind::Secret, "s", "value")).await.unwrap();
    v.close().await.unwrap();
    let before = std::fs::read(&path).unwrap();

    let mut right = Vec::new();
    let mut wrong = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        reopen(&path, PW).await.unwrap().close().await.unwrap();
        right.push(t.elapsed());
        let t = Instant::now();
        let e = reopen(&path, "incorrect horse").await.err().unwrap();
        wrong.push(t.elapsed());
        assert_eq!(e.code(), "crypto.wrong_password");
    }
    right.sort();
    wrong.sort();
    assert!(
        wrong[0] >= right[2],
        "a wrong password ({wrong:?}) must never be faster than a right one ({right:?})"
    );
    assert_eq!(before, std::fs::read(&path).unwrap());
}

#[tokio::test]
async fn password_change_rewraps_the_key_and_reencrypts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    v.add(new_item(ItemKind::Secret, "s", "value")).await.unwrap();
    let blobs = |path: PathBuf| async move {
        let mut c = raw(&path).await;
        let rows: Vec<(Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT i.meta, v.value FROM items i JOIN item_values v ON v.item_id = i.id")
                .fetch_all(&mut c)
                .await
                .unwrap();
        rows
    };
    let before = blobs(path.clone()).await;
    let e = v
        .change_password("not it", "new password", None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "crypto.wrong_password");
    v.change_password(PW, "new password", None).await.unwrap();
    v.close().await.unwrap();
    assert_eq!(before, blobs(path.clone()).await, "items are not re-encrypted");
    assert_eq!(
        reopen(&path, PW).await.err().unwrap().code(),
        "crypto.wrong_password"
    );
    let mut v = reopen(&path, "new password").await.unwrap();
    assert_eq!(*v.value("s").await.unwrap(), "value");
}

#[tokio::test]
async fn equivalent_unicode_passwords_open_the_same_vault() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    Vault::create(&path, "p\u{00E5}ss", KdfParams::FLOOR)
        .await
        .unwrap()
        .close()
        .await
        .unwrap();
    reopen(&path, "pa\u{030A}ss").await.unwrap();
}

#[tokio::test]
async fn kdf_parameters_below_the_floor_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let weak = KdfParams {
        memory_kib: 8 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    let e = Vault::create(&dir.path().join("v.db"), PW, weak)
        .await
        .err()
        .unwrap();
    assert_eq!(e.code(), "input.invalid");
    assert!(!dir.path().join("v.db").exists());
}

#[tokio::test]
async fn a_damaged_item_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    let bad = v.add(new_item(ItemKind::Secret, "bad", "x")).await.unwrap();
    v.add(new_item(ItemKind::Secret, "good", "y")).await.unwrap();
    v.close().await.unwrap();
    let mut c = raw(&path).await;
    // Flip one bit in the sealed metadata of "bad".
    let id = uuid_bytes(&bad.id);
    let (mut meta,): (Vec<u8>,) = sqlx::query_as("SELECT meta FROM items WHERE id = ?")
        .bind(&id[..])
        .fetch_one(&mut c)
        .await
        .unwrap();
    meta[20] ^= 0x01;
    sqlx::query("UPDATE items SET meta = ? WHERE id = ?")
        .bind(&meta)
        .bind(&id[..])
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();

    let mut v = reopen(&path, PW).await.unwrap();
    let listed = v.list(&Query::default()).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["good"]
    );
    let damaged = v.load_index().await.unwrap().damaged().to_vec();
    assert_eq!(damaged.len(), 1);
    assert!(damaged[0].contains(&bad.id), "{damaged:?}");
    let e = v.value(&bad.id).await.unwrap_err();
    assert_eq!(e.code(), "vault.corrupt");
    assert!(e.to_string().contains(&bad.id));
    assert_eq!(*v.value("good").await.unwrap(), "y");
}

fn uuid_bytes(id: &str) -> Vec<u8> {
    let hex: String = id.chars().filter(|c| *c != '-').collect();
    (0..16)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[tokio::test]
async fn a_value_moved_to_another_item_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    let a = v.add(new_item(ItemKind::Secret, "a", "value-a")).await.unwrap();
    let b = v.add(new_item(ItemKind::Secret, "b", "value-b")).await.unwrap();
    v.close().await.unwrap();
    let mut c = raw(&path).await;
    sqlx::query(
        "UPDATE item_values SET value = (SELECT value FROM item_values WHERE item_id = ?) WHERE item_id = ?",
    )
    .bind(uuid_bytes(&a.id))
    .bind(uuid_bytes(&b.id))
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let mut v = reopen(&path, PW).await.unwrap();
    assert_eq!(v.value("b").await.unwrap_err().code(), "vault.corrupt");
    assert_eq!(*v.value("a").await.unwrap(), "value-a");
}

#[tokio::test]
async fn the_schema_already_admits_later_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let (_, mut v) = fresh(dir.path()).await;
    for (i, kind) in [ItemKind::Passkey, ItemKind::Credential, ItemKind::Identity]
        .into_iter()
        .enumerate()
    {
        v.add(new_item(kind, &format!("later-{i}"), "opaque"))
            .await
            .unwrap();
    }
    let q = Query {
        kind: Some(ItemKind::Credential),
        ..Default::default()
    };
    assert_eq!(v.list(&q).await.unwrap().len(), 1);
}

#[tokio::test]
async fn refuses_to_create_over_or_open_what_is_not_a_vault() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = fresh(dir.path()).await;
    v.close().await.unwrap();
    let before = std::fs::read(&path).unwrap();
    assert_eq!(
        Vault::create(&path, PW, KdfParams::FLOOR)
            .await
            .err()
            .unwrap()
            .code(),
        "vault.exists"
    );
    assert_eq!(before, std::fs::read(&path).unwrap());

    let missing = dir.path().join("missing.db");
    assert_eq!(
        LockedVault::open(&missing).await.err().unwrap().code(),
        "vault.not_found"
    );
    assert!(!missing.exists());

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![0x42u8; 8192]).unwrap();
    assert_eq!(
        LockedVault::open(&junk).await.err().unwrap().code(),
        "vault.corrupt"
    );
    assert_eq!(std::fs::read(&junk).unwrap(), vec![0x42u8; 8192]);

    let other = dir.path().join("other.db");
    let mut c = SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", other.display()))
        .await
        .unwrap();
    sqlx::query("CREATE TABLE notes (x TEXT)")
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    assert_eq!(
        LockedVault::open(&other).await.err().unwrap().code(),
        "vault.corrupt"
    );
}

#[tokio::test]
async fn a_vault_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, v) = fresh(dir.path()).await;
    v.close().await.unwrap();
    let mut c = raw(&path).await;
    sqlx::query("UPDATE vault_header SET format_version = 99")
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    assert_eq!(
        LockedVault::open(&path).await.err().unwrap().code(),
        "vault.too_new"
    );
}

#[tokio::test]
async fn audit_log_records_every_change_and_detects_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    v.add(new_item(ItemKind::Secret, "s", "1")).await.unwrap();
    v.rotate("s", "2", "leaked").await.unwrap();
    v.edit(
        "s",
        ItemEdit {
            name: Some("t".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    v.remove("t").await.unwrap();
    let log = v.audit_log().await.unwrap();
    let actions: Vec<String> = log
        .iter()
        .map(|e| {
            serde_json::to_value(e.action)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        actions,
        [
            "vault_created",
            "item_added",
            "item_rotated",
            "item_edited",
            "item_removed"
        ]
    );
    assert!(log[2].detail.contains("leaked"));
    v.close().await.unwrap();

    for tamper in [
        "DELETE FROM audit_log WHERE seq = 3",
        "DELETE FROM audit_log WHERE seq = 5",
        "UPDATE audit_log SET at = at + 1 WHERE seq = 2",
        "UPDATE audit_log SET entry = (SELECT entry FROM audit_log WHERE seq = 4) WHERE seq = 3",
    ] {
        let copy = dir.path().join("copy.db");
        let _ = std::fs::remove_file(&copy);
        std::fs::copy(&path, &copy).unwrap();
        let mut c = raw(&copy).await;
        sqlx::query(tamper).execute(&mut c).await.unwrap();
        c.close().await.unwrap();
        let mut v = reopen(&copy, PW).await.unwrap();
        assert_eq!(
            v.audit_log().await.unwrap_err().code(),
            "audit.broken",
            "{tamper}"
        );
    }
}

#[tokio::test]
async fn vault_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/vault.db");
    let mut v = Vault::create(&path, PW, KdfParams::FLOOR).await.unwrap();
    v.add(new_item(ItemKind::Secret, "s", "1")).await.unwrap();
    for entry in std::fs::read_dir(path.parent().unwrap()).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{:?}", entry.path());
    }
    let mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700);
}

mod property {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
        /// Any name and value go in and come back out of the real file.
        #[test]
        fn round_trip_through_the_file(
            name in "[\\p{L}\\p{N}][\\p{L}\\p{N} _.-]{0,40}[\\p{L}\\p{N}]",
            values in proptest::collection::vec("\\PC{1,200}", 1..4),
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let dir = tempfile::tempdir().unwrap();
                let (path, mut v) = fresh(dir.path()).await;
                v.add(new_item(ItemKind::Secret, &name, &values[0])).await.unwrap();
                for val in &values[1..] {
                    v.rotate(&name, val, "").await.unwrap();
                }
                v.close().await.unwrap();
                let mut v = reopen(&path, PW).await.unwrap();
                let (s, history) = v.history(&name).await.unwrap();
                prop_assert_eq!(&s.name, &name);
                let got: Vec<String> = history.iter().map(|h| h.value.to_string()).collect();
                prop_assert_eq!(&got, &values);
                Ok(())
            })?;
        }
    }
}

#[tokio::test]
async fn the_fresh_index_follows_another_process_and_keeps_our_own_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut a) = fresh(dir.path()).await;
    a.add(new_item(ItemKind::ApiKey, "stripe", "sk_test_1"))
        .await
        .unwrap();
    let names = |v: &tessera_core::Index| {
        let mut n: Vec<String> = v
            .search(&Query::default())
            .iter()
            .map(|s| s.name.clone())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(a.fresh_index().await.unwrap()), ["stripe"]);
    // Another connection (as the CLI would be) adds an item.
    let mut b = reopen(&path, PW).await.unwrap();
    b.add(new_item(ItemKind::Token, "github", "ghp_1")).await.unwrap();
    b.close().await.unwrap();
    assert_eq!(names(a.fresh_index().await.unwrap()), ["github", "stripe"]);
    // Our own write is in the index at once, without a reload.
    a.add(new_item(ItemKind::Secret, "db", "pw")).await.unwrap();
    assert_eq!(names(a.fresh_index().await.unwrap()), ["db", "github", "stripe"]);
    a.close().await.unwrap();
}
