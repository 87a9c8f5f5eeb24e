//! Failures: exit code 1 with one `error[CODE]: message` line on stderr,
//! usage errors with exit code 2, and no change to the vault file when a
//! command is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

fn init_args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut a = vec!["init"];
    a.extend_from_slice(extra);
    a
}

#[test]
fn init_twice_does_not_overwrite_the_vault() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "sk_test_keep", &[]);
    let before = v.snapshot();
    let msg = v.fail(&init_args(&FAST_KDF), "vault.exists");
    assert!(msg.contains("vault.db"), "{msg}");
    // Even with another password, the existing file is left alone.
    let other = v.write_password("other", "another password");
    v.run_with_password(&other, &init_args(&FAST_KDF), "")
        .expect_error("vault.exists");
    v.assert_unchanged(&before, "init over an existing vault");
    assert_eq!(v.get("stripe"), "sk_test_keep");
}

#[test]
fn init_refuses_kdf_params_below_the_floor() {
    let v = TestVault::uninitialized();
    for weak in [
        [
            "--kdf-memory-mib",
            "18",
            "--kdf-iterations",
            "2",
            "--kdf-parallelism",
            "1",
        ],
        [
            "--kdf-memory-mib",
            "19",
            "--kdf-iterations",
            "1",
            "--kdf-parallelism",
            "1",
        ],
        [
            "--kdf-memory-mib",
            "19",
            "--kdf-iterations",
            "2",
            "--kdf-parallelism",
            "0",
        ],
    ] {
        let msg = v.fail(&init_args(&weak), "input.invalid");
        assert!(msg.contains("floor") || msg.contains("below"), "{weak:?}: {msg}");
        assert!(!v.path.exists(), "{weak:?} left a vault file behind");
    }
}

#[test]
fn init_refuses_an_empty_password() {
    let v = TestVault::uninitialized();
    let empty = v.file("empty", b"\n");
    v.run_with_password(&empty, &init_args(&FAST_KDF), "")
        .expect_error("input.invalid");
    assert!(!v.path.exists());
}

#[test]
fn a_missing_vault_is_vault_not_found() {
    let v = TestVault::uninitialized();
    for args in [&["list"][..], &["get", "x"], &["audit", "--verify"]] {
        let msg = v.fail(args, "vault.not_found");
        assert!(msg.contains("tessera init"), "{msg}");
    }
    v.fail_stdin(&["add", "secret", "x", "--value-stdin"], "v\n", "vault.not_found");
    assert!(!v.path.exists(), "a read created the vault file");
}

#[test]
fn a_file_that_is_not_a_vault_is_vault_corrupt() {
    let v = TestVault::uninitialized();
    std::fs::create_dir_all(v.vault_dir()).unwrap();

    std::fs::write(&v.path, b"this is a text file, not a database\n".repeat(200)).unwrap();
    let before = std::fs::read(&v.path).unwrap();
    v.fail(&["list"], "vault.corrupt");
    assert_eq!(std::fs::read(&v.path).unwrap(), before);

    // Another program's SQLite database is refused, not given our schema.
    std::fs::remove_file(&v.path).unwrap();
    sql_on(&v.path, "CREATE TABLE notes (body TEXT)", &[]);
    v.fail(&["list"], "vault.corrupt");
    let tables = v.sql("SELECT name FROM sqlite_master WHERE type = 'table'", &[]);
    assert_eq!(tables, vec![vec![serde_json::json!("notes")]]);
}

#[test]
fn refusing_a_foreign_database_leaves_it_byte_for_byte_unchanged() {
    let v = TestVault::uninitialized();
    std::fs::create_dir_all(v.vault_dir()).unwrap();
    sql_on(&v.path, "CREATE TABLE notes (body TEXT)", &[]);
    sql_on(&v.path, "INSERT INTO notes VALUES ('keep me')", &[]);
    let before = v.snapshot();
    v.fail(&["list"], "vault.corrupt");
    v.assert_unchanged(&before, "`list` on another program's database");
}

#[test]
fn opening_an_empty_file_does_not_write_a_schema_into_it() {
    let v = TestVault::uninitialized();
    std::fs::create_dir_all(v.vault_dir()).unwrap();
    std::fs::write(&v.path, b"").unwrap();
    v.fail(&["list"], "vault.corrupt");
    assert_eq!(
        std::fs::metadata(&v.path).unwrap().len(),
        0,
        "`list` wrote into an empty file"
    );
}

#[test]
fn a_vault_with_its_header_removed_is_vault_corrupt() {
    let v = TestVault::new();
    v.sql("DELETE FROM vault_header", &[]);
    v.fail(&["list"], "vault.corrupt");
}

#[test]
fn wrong_password_fails_and_leaves_the_file_unchanged() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "sk_test_wrongpw", &[]);
    let backup = v.dir.path().join("backup.tessera");
    let dotenv = v.file("x.env", b"NEW_KEY=EXAMPLE-new\n");
    let new_pw = v.write_password("new", "new password");
    let wrong = v.write_password("wrong", "correct horse battery stapler");
    let before = v.snapshot();
    let backup_s = backup.to_str().unwrap().to_owned();
    let dotenv_s = dotenv.to_str().unwrap().to_owned();
    let new_s = new_pw.to_str().unwrap().to_owned();

    let commands: Vec<(Vec<&str>, &str)> = vec![
        (vec!["get", "stripe"], ""),
        (vec!["list"], ""),
        (vec!["show", "stripe", "--reveal"], ""),
        (
            vec!["add", "secret", "new", "--value-stdin"],
            "sk_test_should_not_land\n",
        ),
        (
            vec!["rotate", "stripe", "--value-stdin"],
            "sk_test_should_not_land\n",
        ),
        (vec!["edit", "stripe", "--service", "x"], ""),
        (vec!["rm", "stripe", "--yes"], ""),
        (vec!["history", "stripe", "--reveal"], ""),
        (vec!["passwd", "--new-password-file", &new_s], ""),
        (vec!["import", "dotenv", &dotenv_s], ""),
        (vec!["export", "--out", &backup_s], ""),
        (vec!["audit", "--verify"], ""),
    ];
    for (args, stdin) in commands {
        let r = v.run_with_password(&wrong, &args, stdin);
        let msg = r.expect_error("crypto.wrong_password");
        assert!(!r.all_output().contains("sk_test_wrongpw"), "{args:?}: {r:#?}");
        assert!(!msg.contains(PASSWORD), "{args:?}: {msg}");
        v.assert_unchanged(&before, &format!("`{args:?}` with a wrong password"));
    }
    assert!(!backup.exists(), "export wrote a file with a wrong password");
    assert_eq!(v.get("stripe"), "sk_test_wrongpw");
}

#[test]
fn a_missing_password_file_is_input_invalid() {
    let v = TestVault::new();
    let missing = v.dir.path().join("no-such-password-file");
    v.run_with_password(&missing, &["list"], "")
        .expect_error("input.invalid");
}

#[test]
fn unknown_items_are_item_not_found() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "x", &[]);
    for args in [
        &["get", "strip"][..],
        &["show", "nope"],
        &["history", "nope"],
        &["edit", "nope", "--service", "s"],
        &["rm", "nope", "--yes"],
        &["get", "00000000-0000-4000-8000-000000000000"],
    ] {
        let msg = v.fail(args, "item.not_found");
        assert!(msg.contains(args[1]), "{msg}");
    }
    v.fail_stdin(&["rotate", "nope", "--value-stdin"], "v\n", "item.not_found");
}

#[test]
fn bad_input_is_input_invalid() {
    let v = TestVault::new();
    let cases: &[&[&str]] = &[
        &["add", "api-key", "a", "--value-stdin", "--expires", "2030-13-01"],
        &["add", "api-key", "a", "--value-stdin", "--expires", "tomorrow"],
        &[
            "add",
            "api-key",
            "a",
            "--value-stdin",
            "--env",
            "1STARTS_WITH_DIGIT",
        ],
        &["add", "api-key", "a", "--value-stdin", "--env", "HAS-DASH"],
        &["add", "api-key", "a", "--value-stdin", "--env", "HAS SPACE"],
        &["add", "passkey", "a", "--value-stdin"],
        &["add", "banana", "a", "--value-stdin"],
        &["add", "api-key", " padded ", "--value-stdin"],
        &["add", "api-key", "   ", "--value-stdin"],
        &["add", "api-key", "a", "--generate", "--alphabet", "emoji"],
        &["get", "a", "--field", ""],
        &["import", "csv", "whatever.csv"],
    ];
    for args in cases {
        v.fail_stdin(args, "EXAMPLE-value\n", "input.invalid");
    }
    assert!(v.names().is_empty());
    assert_eq!(v.audit_len(), 1, "a refused command was audited");
}

#[test]
fn usage_errors_exit_with_code_2() {
    let v = TestVault::new();
    let cases: &[&[&str]] = &[
        &["add", "api-key", "a"],
        &["add", "api-key", "a", "--value-stdin", "--generate"],
        &["add", "api-key"],
        &["frobnicate"],
        &["get"],
        &["list", "--colour"],
        &["edit", "a", "--expires", "2030-01-01", "--no-expires"],
        &["rotate", "a", "--value-stdin", "--generate"],
        &["add", "secret", "a", "--generate", "--length", "many"],
    ];
    for args in cases {
        v.run_stdin(args, "x\n").expect_usage_error();
    }
    assert!(v.names().is_empty());
}
