//! `tessera export` and `tessera import tessera-backup`: an encrypted backup
//! restores every item with its whole history into a new vault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// A vault with several kinds of items, metadata, custom fields, expiry dates
/// and rotated values.
fn rich_vault() -> TestVault {
    let v = TestVault::new();
    v.add(
        "api-key",
        "stripe-live",
        "sk_test_EXAMPLE_v1",
        &[
            "--service",
            "Stripe",
            "--env",
            "STRIPE_API_KEY",
            "--scope",
            "charges:write",
            "--tag",
            "billing",
            "--expires",
            "2031-01-31",
            "--notes",
            "Rotate after each offboarding.",
            "--username",
            "billing@example.com",
            "--url",
            "https://dashboard.stripe.com",
        ],
    );
    v.ok_stdin(
        &["rotate", "stripe-live", "--value-stdin", "--reason", "scheduled"],
        "sk_test_EXAMPLE_v2\n",
    );
    v.ok_stdin(
        &["rotate", "stripe-live", "--value-stdin"],
        "sk_test_EXAMPLE_v3\n",
    );
    v.add("token", "github-ci", "ghp_EXAMPLEci", &["--tag", "ci"]);
    v.ok(&["edit", "github-ci", "--name", "GitHub CI", "--service", "GitHub"]);
    v.add(
        "secret",
        "db-password",
        "EXAMPLE db pass\nwith a second line",
        &[],
    );
    v.ok(&["import", "bitwarden", fixture("bitwarden.json").to_str().unwrap()]);
    v
}

fn export(v: &TestVault, out: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["export", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    v.json(&args)
}

fn backup_path(v: &TestVault) -> PathBuf {
    // Somewhere other than the vault's directory.
    let dir = v.dir.path().join("backups").join("2024");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("vault.tessera")
}

/// Everything the CLI shows about every item, minus ids, by name.
fn full_dump(v: &TestVault) -> Vec<(String, Value, Value, Value)> {
    let mut out: Vec<(String, Value, Value, Value)> = v
        .list()
        .into_iter()
        .map(|summary| {
            let name = summary["name"].as_str().unwrap().to_owned();
            let shown = v.json(&["show", &name, "--reveal"]);
            let history = v.history(&name);
            (
                name,
                without_ids(summary),
                without_ids(shown),
                without_ids(history),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn a_backup_restores_every_item_with_its_history_into_a_new_vault() {
    let src = rich_vault();
    let expected = full_dump(&src);
    assert!(expected.len() >= 10, "{}", expected.len());
    let file = backup_path(&src);
    let report = export(&src, &file, &[]);
    assert_eq!(report["exported"], expected.len());

    let dst = TestVault::new();
    let restored = dst.json(&["import", "tessera-backup", file.to_str().unwrap()]);
    assert_eq!(restored["imported"], expected.len(), "{restored}");
    assert_eq!(restored["skipped"], json!([]));
    assert_eq!(restored["renamed"], json!([]));

    let got = full_dump(&dst);
    assert_eq!(got.len(), expected.len());
    for (e, g) in expected.iter().zip(&got) {
        assert_eq!(e, g, "{} differs after the restore", e.0);
    }
    // Spot-check what the comparison covers.
    let h = dst.history("stripe-live");
    let values: Vec<&str> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        values,
        ["sk_test_EXAMPLE_v1", "sk_test_EXAMPLE_v2", "sk_test_EXAMPLE_v3"]
    );
    assert_eq!(dst.get_field("GitHub", "totp"), src.get_field("GitHub", "totp"));
    assert_eq!(dst.item("stripe-live")["expires_at"], "2031-01-31T00:00:00Z");
    dst.ok(&["audit", "--verify"]);
}

#[test]
fn the_backup_file_is_private_and_holds_no_plaintext() {
    let src = rich_vault();
    let file = backup_path(&src);
    export(&src, &file, &[]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "backup mode {mode:o}");
    }
    let bytes = std::fs::read(&file).unwrap();
    let envelope: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(envelope["format"], "tessera-backup");
    assert_eq!(envelope["version"], 1);
    for plain in [
        "sk_test_EXAMPLE",
        "stripe-live",
        "GitHub",
        "billing@example.com",
        "JBSWY3DPEHPK3PXP",
    ] {
        assert!(
            !contains_bytes(&bytes, plain.as_bytes()),
            "the backup holds {plain:?} in the clear"
        );
    }
    let audit = src.json(&["audit"]);
    let last = audit.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "vault_exported");
}

#[test]
fn export_does_not_overwrite_an_existing_file() {
    let v = rich_vault();
    let file = backup_path(&v);
    std::fs::write(&file, b"precious").unwrap();
    let msg = v.fail(&["export", "--out", file.to_str().unwrap()], "input.invalid");
    assert!(msg.contains("already exists"), "{msg}");
    assert_eq!(std::fs::read(&file).unwrap(), b"precious");
}

#[test]
fn a_backup_with_its_own_password_needs_that_password() {
    let src = rich_vault();
    let backup_pw = src.write_password("backup-password", "a separate backup passphrase");
    let file = backup_path(&src);
    export(
        &src,
        &file,
        &["--backup-password-file", backup_pw.to_str().unwrap()],
    );

    let dst = TestVault::new();
    dst.add("secret", "already-here", "EXAMPLE-here", &[]);
    let before = dst.snapshot();
    let file_s = file.to_str().unwrap();
    // The vault's own password is not the backup's.
    dst.fail(&["import", "tessera-backup", file_s], "crypto.wrong_password");
    let wrong = dst.write_password("wrong-backup-password", "a separate backup passphrasf");
    dst.fail(
        &[
            "import",
            "tessera-backup",
            file_s,
            "--backup-password-file",
            wrong.to_str().unwrap(),
        ],
        "crypto.wrong_password",
    );
    dst.assert_unchanged(&before, "a refused backup import");
    assert_eq!(dst.names(), ["already-here"]);

    let report = dst.json(&[
        "import",
        "tessera-backup",
        file_s,
        "--backup-password-file",
        backup_pw.to_str().unwrap(),
    ]);
    assert_eq!(report["imported"], src.list().len());
    assert_eq!(dst.get("stripe-live"), "sk_test_EXAMPLE_v3");
}

#[test]
fn restoring_into_the_same_vault_skips_every_existing_name() {
    let v = rich_vault();
    let file = backup_path(&v);
    export(&v, &file, &[]);
    let before = v.list();
    let report = v.json(&["import", "tessera-backup", file.to_str().unwrap()]);
    assert_eq!(report["imported"], 0, "{report}");
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), before.len());
    assert!(skipped
        .iter()
        .all(|s| s["reason"].as_str().unwrap().contains("already in the vault")));
    assert_eq!(v.list(), before);
}

#[test]
fn a_damaged_backup_is_refused_and_changes_nothing() {
    let src = rich_vault();
    let file = backup_path(&src);
    export(&src, &file, &[]);
    let mut envelope: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let ct = envelope["ciphertext"].as_str().unwrap().to_owned();
    // Change one base64 character in the middle of the ciphertext.
    let mid = ct.len() / 2;
    let swapped = if &ct[mid..=mid] == "A" { "B" } else { "A" };
    envelope["ciphertext"] = json!(format!("{}{}{}", &ct[..mid], swapped, &ct[mid + 1..]));
    std::fs::write(&file, serde_json::to_vec(&envelope).unwrap()).unwrap();

    let dst = TestVault::new();
    let before = dst.snapshot();
    let r = dst.run(&["import", "tessera-backup", file.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{r:#?}");
    // AES-GCM cannot tell a wrong password from a damaged file.
    assert!(
        r.stderr.starts_with("error[crypto.wrong_password]") || r.stderr.starts_with("error[import.invalid]"),
        "{r:#?}"
    );
    dst.assert_unchanged(&before, "a damaged backup");
    assert!(dst.names().is_empty());
}
