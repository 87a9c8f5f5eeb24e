//! Nothing a user stores reaches the disk in the clear: values, names, notes,
//! env var names, tags, usernames, URLs, imported records, rotation reasons.
//! Every file in the vault's directory (the database, its WAL and shared
//! memory index) is searched byte for byte for unique canary strings, and
//! commands (failing or not) never print a value they were not asked for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

const VALUE: &str = "CanaryValueA7x9Q2zz";
const ROTATED: &str = "CanaryRotatedB3k8W1zz";
const NAME: &str = "canary-name-C5m2Z8";
const RENAMED: &str = "canary-renamed-D4p7Y6";
const NOTES: &str = "canary notes E9r3T5";
const EDITED_NOTES: &str = "canary edited notes F2s6U4";
const ENV: &str = "CANARY_ENV_G8v1X3";
const SERVICE: &str = "CanaryService H6w4V2";
const TAG: &str = "canarytag-J3y5N7";
const SCOPE: &str = "canary:scope:K1z8M4";
const USERNAME: &str = "canary-user-L7b2P9";
const URL: &str = "https://canary-url-M5c3R1.example";
const REASON: &str = "canary reason N2d9S6";
const GEN_PREFIX: &str = "CanaryPrefixX1q4";
const DOTENV_KEY: &str = "CANARY_DOTENV_P4f6H8";
const DOTENV_VALUE: &str = "CanaryDotenvValueQ8g1J5";
const BW_NAME: &str = "Canary Bitwarden R3h7K2";
const BW_PASSWORD: &str = "CanaryBitwardenPassS9j4L6";
const BW_USERNAME: &str = "canary-bw-user-T1k5M3";
const BW_FIELD: &str = "Canary Field V6l8N9";
const BW_HIDDEN: &str = "CanaryHiddenFieldW2m7P5";
const BW_TOTP: &str = "otpauth://totp/Canary:X4n1Q8?secret=CANARYTOTPSEEDY9o3R6";
const BW_FOLDER: &str = "Canary Folder Z5p2S4";
const FAILED_VALUE: &str = "CanaryRefusedValueA1r8T3";
const FAILED_IMPORT: &str = "CanaryRefusedImportB6s2U7";

/// Values: never printed unless asked for with `get`, `--reveal`.
const VALUES: [&str; 6] = [VALUE, ROTATED, DOTENV_VALUE, BW_PASSWORD, BW_HIDDEN, FAILED_VALUE];

fn all_canaries(generated: &str) -> Vec<String> {
    [
        VALUE,
        ROTATED,
        NAME,
        RENAMED,
        NOTES,
        EDITED_NOTES,
        ENV,
        SERVICE,
        TAG,
        SCOPE,
        USERNAME,
        URL,
        REASON,
        GEN_PREFIX,
        DOTENV_KEY,
        DOTENV_VALUE,
        BW_NAME,
        BW_PASSWORD,
        BW_USERNAME,
        BW_FIELD,
        BW_HIDDEN,
        BW_TOTP,
        BW_FOLDER,
        FAILED_VALUE,
        FAILED_IMPORT,
        generated,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn bitwarden_export() -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "encrypted": false,
        "folders": [{ "id": "11111111-2222-4333-8444-555555555555", "name": BW_FOLDER }],
        "items": [{
            "passwordHistory": null,
            "revisionDate": "2024-03-01T10:15:42.517Z",
            "creationDate": "2023-11-20T08:00:12.004Z",
            "deletedDate": null,
            "id": "66666666-7777-4888-9999-000000000000",
            "organizationId": null,
            "folderId": "11111111-2222-4333-8444-555555555555",
            "type": 1,
            "reprompt": 0,
            "name": BW_NAME,
            "notes": null,
            "favorite": false,
            "fields": [{ "name": BW_FIELD, "value": BW_HIDDEN, "type": 1, "linkedId": null }],
            "login": {
                "fido2Credentials": [],
                "uris": [{ "match": null, "uri": "https://example.com" }],
                "username": BW_USERNAME,
                "password": BW_PASSWORD,
                "totp": BW_TOTP
            },
            "collectionIds": null
        }]
    }))
    .unwrap()
}

/// Asserts that no canary (as UTF-8 in its own, lower and upper case, or as
/// UTF-16LE) occurs in any file of `dir`. Returns the files searched.
fn assert_no_canary_in_files(dir: &std::path::Path, canaries: &[String], when: &str) -> Vec<String> {
    let mut searched = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for c in canaries {
            for form in [c.clone(), c.to_lowercase(), c.to_uppercase()] {
                assert!(
                    !contains_bytes(&bytes, form.as_bytes()),
                    "{when}: {file} holds {form:?} in the clear"
                );
                assert!(
                    !contains_bytes(&bytes, &utf16le(&form)),
                    "{when}: {file} holds {form:?} as UTF-16"
                );
            }
        }
        searched.push(file);
    }
    searched.sort();
    searched
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn assert_prints_no_value(r: &Run, what: &str) {
    for value in VALUES {
        assert!(
            !r.all_output().contains(value),
            "{what} printed the value {value}: {r:#?}"
        );
    }
}

#[test]
fn no_canary_reaches_the_vault_files_and_no_command_prints_a_value_unasked() {
    // The vault's directory does not exist yet: init creates it, privately.
    let v = TestVault::uninitialized();
    v.init();
    // Keep a reader connected so the WAL and its index stay on disk with every
    // page written below, instead of being checkpointed away at exit.
    let holder = v.hold_connection("");

    let mut outputs: Vec<(String, Run)> = Vec::new();
    let mut run = |args: &[&str], stdin: &str| {
        let r = v.run_stdin(args, stdin);
        assert!(r.success(), "tessera {args:?}: {r:#?}");
        outputs.push((format!("{args:?}"), r));
    };

    run(
        &[
            "add",
            "api-key",
            NAME,
            "--value-stdin",
            "--service",
            SERVICE,
            "--env",
            ENV,
            "--scope",
            SCOPE,
            "--tag",
            TAG,
            "--notes",
            NOTES,
            "--username",
            USERNAME,
            "--url",
            URL,
            "--expires",
            "2030-01-01",
        ],
        &format!("{VALUE}\n"),
    );
    run(
        &["add", "token", "generated", "--generate", "--prefix", GEN_PREFIX],
        "",
    );
    run(
        &["rotate", NAME, "--value-stdin", "--reason", REASON],
        &format!("{ROTATED}\n"),
    );
    run(&["edit", NAME, "--name", RENAMED, "--notes", EDITED_NOTES], "");
    let dotenv = v.file(
        "canary.env",
        format!("# canary\n{DOTENV_KEY}=\"{DOTENV_VALUE}\"\n").as_bytes(),
    );
    run(&["import", "dotenv", dotenv.to_str().unwrap()], "");
    let bw = v.file("canary-bitwarden.json", bitwarden_export().as_bytes());
    run(&["--json", "import", "bitwarden", bw.to_str().unwrap()], "");
    let backups = v.dir.path().join("elsewhere").join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let backup = backups.join("canary.tessera");
    run(&["export", "--out", backup.to_str().unwrap()], "");
    for args in [
        &["list"][..],
        &["--json", "list"],
        &["show", RENAMED],
        &["--json", "show", RENAMED],
        &["show", BW_NAME],
        &["--json", "show", BW_NAME],
        &["history", RENAMED],
        &["--json", "history", RENAMED],
        &["audit"],
        &["--json", "audit"],
    ] {
        run(args, "");
    }
    for (what, r) in &outputs {
        assert_prints_no_value(r, what);
    }

    // The canaries really are in the vault (else this test proves nothing).
    let generated = v.get("generated");
    assert!(generated.starts_with(GEN_PREFIX), "{generated}");
    assert_eq!(v.get(RENAMED), ROTATED);
    assert!(v.history(RENAMED).to_string().contains(VALUE));
    assert_eq!(v.get_field(RENAMED, "notes"), EDITED_NOTES);
    assert_eq!(v.get_field(RENAMED, "env"), ENV);
    assert_eq!(v.get_field(RENAMED, "username"), USERNAME);
    assert_eq!(v.get(DOTENV_KEY), DOTENV_VALUE);
    assert_eq!(v.get(BW_NAME), BW_PASSWORD);
    assert_eq!(v.get_field(BW_NAME, "totp"), BW_TOTP);
    assert_eq!(v.get(&format!("{BW_NAME} / {BW_FIELD}")), BW_HIDDEN);
    assert!(v.json(&["audit"]).to_string().contains(REASON));

    // Failing commands do not echo the value they were given.
    let failing: Vec<(Vec<&str>, String, &str)> = vec![
        (
            vec!["add", "secret", RENAMED, "--value-stdin"],
            format!("{FAILED_VALUE}\n"),
            "item.exists",
        ),
        (
            vec!["add", "secret", "x", "--value-stdin", "--env", "BAD-ENV"],
            format!("{FAILED_VALUE}\n"),
            "input.invalid",
        ),
        (
            vec!["add", "secret", "y", "--value-stdin", "--expires", "soon"],
            format!("{FAILED_VALUE}\n"),
            "input.invalid",
        ),
        (
            vec!["add", "secret", " z", "--value-stdin"],
            format!("{FAILED_VALUE}\n"),
            "input.invalid",
        ),
        (
            vec!["rotate", "no-such-item", "--value-stdin"],
            format!("{FAILED_VALUE}\n"),
            "item.not_found",
        ),
        (
            vec!["get", RENAMED, "--field", "no-such-field"],
            String::new(),
            "item.field_not_found",
        ),
    ];
    for (args, stdin, code) in failing {
        let r = v.run_stdin(&args, &stdin);
        r.expect_error(code);
        assert_prints_no_value(&r, &format!("{args:?}"));
    }
    let wrong = v.write_password("wrong", "not the password");
    let r = v.run_with_password(
        &wrong,
        &["add", "secret", "w", "--value-stdin"],
        &format!("{FAILED_VALUE}\n"),
    );
    r.expect_error("crypto.wrong_password");
    assert_prints_no_value(&r, "add with a wrong password");
    for bad in [
        format!("OK_KEY={FAILED_IMPORT}\nnot a pair {FAILED_IMPORT}\n"),
        format!("OK_KEY=\"{FAILED_IMPORT}\nnever closed\n"),
    ] {
        let file = v.file("bad.env", bad.as_bytes());
        let r = v.run(&["import", "dotenv", file.to_str().unwrap()]);
        r.expect_error("import.invalid");
        assert!(!r.all_output().contains(FAILED_IMPORT), "{r:#?}");
    }
    let bad_bw = bitwarden_export().replace("\"type\": 1,", "\"type\": \"login\",");
    let file = v.file("bad-bitwarden.json", bad_bw.as_bytes());
    let r = v.run(&["import", "bitwarden", file.to_str().unwrap()]);
    r.expect_error("import.invalid");
    assert_prints_no_value(&r, "a refused Bitwarden import");
    let bad_csv = format!(
        "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\"\n\"Root\",\"t\",\"u\",\"{FAILED_IMPORT}\"\n"
    );
    let file = v.file("bad.csv", bad_csv.as_bytes());
    let r = v.run(&["import", "keepassxc", file.to_str().unwrap()]);
    r.expect_error("import.invalid");
    assert!(!r.all_output().contains(FAILED_IMPORT), "{r:#?}");

    let canaries = all_canaries(&generated);
    let vault_dir = v.vault_dir();

    // With the WAL still present: check the modes and search every file.
    let wal = vault_dir.join("vault.db-wal");
    let shm = vault_dir.join("vault.db-shm");
    assert!(
        wal.is_file() && shm.is_file(),
        "the holder should keep -wal and -shm"
    );
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 4096,
        "the WAL should hold the pages written"
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&vault_dir), 0o700, "vault directory mode");
        for p in [&v.path, &wal, &shm] {
            assert_eq!(mode(p), 0o600, "{} mode", p.display());
        }
    }
    let searched = assert_no_canary_in_files(&vault_dir, &canaries, "with the WAL");
    assert_eq!(searched, ["vault.db", "vault.db-shm", "vault.db-wal"]);

    // And after the last connection closes and the WAL is checkpointed.
    holder.release();
    let searched = assert_no_canary_in_files(&vault_dir, &canaries, "after the checkpoint");
    assert!(searched.contains(&"vault.db".to_owned()), "{searched:?}");
    #[cfg(unix)]
    assert_eq!(mode(&v.path), 0o600);

    // The backup elsewhere is sealed too.
    let searched = assert_no_canary_in_files(&backups, &canaries, "the backup");
    assert_eq!(searched, ["canary.tessera"]);
}

#[test]
fn side_files_of_a_running_tessera_are_private() {
    let v = TestVault::new();
    // `add --value-stdin` opens the vault, then waits for its value.
    let mut child = v
        .std_command(&["add", "secret", "waiting", "--value-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let wal = v.vault_dir().join("vault.db-wal");
    let shm = v.vault_dir().join("vault.db-shm");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !(wal.exists() && shm.exists()) {
        assert!(
            std::time::Instant::now() < deadline,
            "tessera never opened the vault"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    #[cfg(unix)]
    for p in [&v.path, &wal, &shm] {
        assert_eq!(mode(p), 0o600, "{} mode", p.display());
    }
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"EXAMPLE-waiting\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(v.get("waiting"), "EXAMPLE-waiting");
}
