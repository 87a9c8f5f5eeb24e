//! Crashes and contention: writers killed with SIGKILL at random moments
//! never leave a damaged vault, and a writer blocked by another process's
//! write lock gives up with `vault.busy` after the busy timeout.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// xorshift64*: enough randomness for kill delays, and reproducible from the
/// printed seed (set TESSERA_KILL_SEED to replay a run).
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let seed = std::env::var("TESSERA_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            })
            | 1;
        eprintln!("kill loop seed: TESSERA_KILL_SEED={seed}");
        Rng(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

enum Op {
    Add { name: String, value: String },
    Rotate { value: String },
}

/// How long to wait before the SIGKILL.
enum Kill {
    At(Duration),
    Never,
}

#[cfg(unix)]
#[test]
fn killing_writers_at_random_moments_never_damages_the_vault() {
    use std::os::unix::process::ExitStatusExt;

    let v = TestVault::new();
    v.add("secret", "rotating", "rot-0", &[]);
    // Spread the kills over the whole life of a writer on this machine, from
    // start-up through the key derivation to the commit and exit.
    let start = Instant::now();
    v.add("secret", "warm-up", "warm", &[]);
    let lifetime = start.elapsed();
    let window = (lifetime * 5 / 4).max(Duration::from_millis(30));
    let mut rng = Rng::new();
    let runs: u32 = std::env::var("TESSERA_KILL_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);

    let mut outcomes: Vec<(Op, bool)> = Vec::new();
    for i in 1..=runs {
        let op = if i % 4 == 0 {
            Op::Rotate {
                value: format!("rot-{i}"),
            }
        } else {
            Op::Add {
                name: format!("item-{i}"),
                value: format!("value-{i}-EXAMPLE"),
            }
        };
        let (args, value): (Vec<&str>, &str) = match &op {
            Op::Add { name, value } => (vec!["add", "secret", name, "--value-stdin"], value),
            Op::Rotate { value } => (vec!["rotate", "rotating", "--value-stdin"], value),
        };
        // Every tenth run is killed at once, and every tenth runs to the end;
        // the rest die at a random moment, a third of them late in their life
        // (while writing, committing or closing).
        let random = |rng: &mut Rng, from: Duration, to: Duration| {
            from + Duration::from_micros(rng.below((to - from).as_micros() as u64))
        };
        let kill = match (i % 10, i % 3) {
            (1, _) => Kill::At(Duration::ZERO),
            (5, _) => Kill::Never,
            (_, 0) => Kill::At(random(&mut rng, lifetime * 3 / 5, lifetime * 11 / 10)),
            _ => Kill::At(random(&mut rng, Duration::ZERO, window)),
        };
        let mut child = v
            .std_command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        {
            let mut stdin = child.stdin.take().unwrap();
            // The child may already be gone; that is what this test is about.
            let _ = stdin.write_all(format!("{value}\n").as_bytes());
        }
        if let Kill::At(delay) = kill {
            std::thread::sleep(delay);
            // SIGKILL; harmless if it has already exited.
            let _ = child.kill();
        }
        let out = child.wait_with_output().unwrap();
        let finished = out.status.success();
        assert!(
            finished || out.status.signal() == Some(9),
            "run {i} ({args:?}) failed on its own: {:?}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        outcomes.push((op, finished));
    }
    let finished = outcomes.iter().filter(|(_, ok)| *ok).count();
    eprintln!(
        "{finished} of {} writers finished before SIGKILL (a writer lives about {lifetime:?})",
        outcomes.len()
    );
    assert!(finished >= 1 && finished < outcomes.len(), "{finished} finished");

    // The vault opens and its audit chain is whole.
    v.ok(&["audit", "--verify"]);
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let p = std::path::PathBuf::from(format!("{}{suffix}", v.path.display()));
        if p.exists() {
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600,
                "{}",
                p.display()
            );
        }
    }

    // Every add that reported success is there with its value; anything else
    // that is there (killed after its commit) is whole too.
    let present: Vec<String> = v.names();
    let killed_after_commit = outcomes
        .iter()
        .filter(|(op, ok)| !ok && matches!(op, Op::Add { name, .. } if present.contains(name)))
        .count();
    eprintln!("{killed_after_commit} adds were killed after their commit");
    let mut expected_adds: BTreeMap<&str, &str> = BTreeMap::new();
    for (op, ok) in &outcomes {
        if let Op::Add { name, value } = op {
            expected_adds.insert(name, value);
            if *ok {
                assert!(present.contains(name), "{name} was added (exit 0) but is missing");
            }
        }
    }
    for name in &present {
        match name.as_str() {
            "rotating" | "warm-up" => {}
            other => {
                let value = expected_adds
                    .get(other)
                    .unwrap_or_else(|| panic!("unexpected item {other}"));
                assert_eq!(v.get(other), *value, "{other} holds the wrong value");
            }
        }
    }

    // The rotations that landed are in order; every successful one is there.
    let history = v.history("rotating");
    let versions = history["versions"].as_array().unwrap();
    let values: Vec<&str> = versions.iter().map(|x| x["value"].as_str().unwrap()).collect();
    let numbers: Vec<u32> = values
        .iter()
        .map(|s| {
            s.strip_prefix("rot-")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("odd value {s}"))
        })
        .collect();
    assert_eq!(numbers[0], 0);
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "history out of order: {values:?}"
    );
    for (op, ok) in &outcomes {
        if let (Op::Rotate { value }, true) = (op, ok) {
            assert!(
                values.contains(&value.as_str()),
                "{value} was rotated in (exit 0) but is missing: {values:?}"
            );
        }
    }
    let current: Vec<&Value> = versions.iter().filter(|x| x["current"] == true).collect();
    assert_eq!(current.len(), 1, "{history}");
    assert_eq!(v.get("rotating"), *values.last().unwrap());

    // Each change and its audit entry landed together, or neither did.
    let audit = v.json(&["audit"]);
    let count = |action: &str| {
        audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .count()
    };
    assert_eq!(count("item_added"), present.len(), "{audit}");
    assert_eq!(count("item_rotated"), versions.len() - 1, "{audit}");

    // And it still takes writes.
    v.add("secret", "after-the-storm", "EXAMPLE-after", &[]);
    assert_eq!(v.get("after-the-storm"), "EXAMPLE-after");
}

#[cfg(unix)]
#[test]
fn an_import_killed_midway_lands_whole_or_not_at_all() {
    const ITEMS: usize = 2000;
    let v = TestVault::new();
    let dotenv = |round: usize| {
        let lines: Vec<String> = (0..ITEMS)
            .map(|n| format!("KEY_{round}_{n}=EXAMPLE-{round}-{n}"))
            .collect();
        v.file(&format!("round-{round}.env"), lines.join("\n").as_bytes())
    };
    let count = |round: usize| {
        let prefix = format!("KEY_{round}_");
        v.names().iter().filter(|n| n.starts_with(&prefix)).count()
    };
    // Round 0 runs to the end, to time an import on this machine.
    let start = Instant::now();
    v.ok(&["import", "dotenv", dotenv(0).to_str().unwrap()]);
    let lifetime = start.elapsed();
    assert_eq!(count(0), ITEMS);

    let mut rng = Rng::new();
    let mut landed = 0;
    for round in 1..=12 {
        let file = dotenv(round);
        let mut child = v
            .std_command(&["import", "dotenv", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(
            rng.below(lifetime.as_micros() as u64 * 6 / 5),
        ));
        let _ = child.kill();
        let finished = child.wait().unwrap().success();
        let n = count(round);
        assert!(n == 0 || n == ITEMS, "round {round}: {n} of {ITEMS} items landed");
        if finished {
            assert_eq!(n, ITEMS, "round {round} reported success");
        }
        if n == ITEMS {
            landed += 1;
        }
    }
    eprintln!("{landed} of 12 killed imports had committed");
    v.ok(&["audit", "--verify"]);
    let imports = v
        .json(&["audit"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "items_imported")
        .count();
    assert_eq!(imports, landed + 1, "an import and its audit entry landed apart");
}

#[test]
fn a_writer_blocked_by_another_process_fails_with_vault_busy() {
    let v = TestVault::new();
    v.add("secret", "before", "EXAMPLE-before", &[]);
    let list_before = v.list();
    let audit_before = v.audit_len();

    let holder = v.hold_connection("BEGIN IMMEDIATE");
    let start = Instant::now();
    let r = v.run_stdin(&["add", "secret", "during", "--value-stdin"], "EXAMPLE-during\n");
    let waited = start.elapsed();
    r.expect_error("vault.busy");
    assert!(!r.all_output().contains("EXAMPLE-during"), "{r:#?}");
    assert!(
        waited >= Duration::from_millis(4500),
        "gave up after {waited:?}, before the 5 s busy timeout"
    );
    holder.release();

    assert_eq!(v.list(), list_before, "the refused add changed the vault");
    assert_eq!(v.audit_len(), audit_before);
    v.add("secret", "after", "EXAMPLE-after", &[]);
    assert_eq!(v.names(), ["after", "before"]);
    assert_eq!(v.get("after"), "EXAMPLE-after");
}

#[test]
fn readers_are_not_blocked_by_another_process_writing() {
    let v = TestVault::new();
    v.add("secret", "readable", "EXAMPLE-readable", &[]);
    let holder = v.hold_connection("BEGIN IMMEDIATE");
    let start = Instant::now();
    let r = v.run(&["get", "readable"]);
    let took = start.elapsed();
    holder.release();
    assert!(
        r.success(),
        "a read failed while another process held the write lock: {r:#?}"
    );
    assert_eq!(r.stdout, "EXAMPLE-readable\n");
    assert!(
        took < Duration::from_secs(3),
        "the read waited {took:?} for the writer"
    );
}
