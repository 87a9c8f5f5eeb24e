//! `tessera import` on realistic export files (tests/fixtures), what lands,
//! what is reported as skipped or renamed, and malformed files that must be
//! refused as a whole with `import.invalid` naming the line or record.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{json, Value};

fn import_json(v: &TestVault, format: &str, file: &std::path::Path) -> Value {
    v.json(&["import", format, file.to_str().unwrap()])
}

fn skipped(report: &Value) -> Vec<(String, String)> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["record"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn field_names(v: &TestVault, name: &str) -> Vec<(String, bool)> {
    v.json(&["show", name])["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_owned(),
                f["hidden"].as_bool().unwrap(),
            )
        })
        .collect()
}

// ---- dotenv -------------------------------------------------------------------

#[test]
fn dotenv_import_reads_the_common_forms() {
    let v = TestVault::new();
    let report = import_json(&v, "dotenv", &fixture("dotenv.env"));
    assert_eq!(report["imported"], 7, "{report}");
    assert_eq!(report["renamed"], json!([]));
    let mut sk = skipped(&report);
    sk.sort();
    assert_eq!(sk.len(), 2, "{report}");
    assert_eq!(sk[0].0, "line 12");
    assert!(
        sk[0].1.contains("SENTRY_DSN") && sk[0].1.contains("empty"),
        "{sk:?}"
    );
    assert_eq!(sk[1].0, "line 5");
    assert!(
        sk[1].1.contains("GITHUB_TOKEN") && sk[1].1.contains("line 16"),
        "{sk:?}"
    );

    let expected = [
        ("STRIPE_SECRET_KEY", "api_key", "sk_test_51EXAMPLEdotenvStripeKey000000"),
        ("GITHUB_TOKEN", "token", "ghp_EXAMPLEsecondTokenValueWins00000"),
        ("SENDGRID_API_KEY", "api_key", "SG.EXAMPLE$literal#not-a-comment"),
        (
            "DATABASE_URL",
            "secret",
            "postgres://billing:EXAMPLE-db-pass@db.internal:5432/billing?sslmode=require",
        ),
        (
            "TLS_PRIVATE_KEY",
            "api_key",
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCEXAMPLEONLYnotarealkey\n-----END PRIVATE KEY-----",
        ),
        ("GREETING_SECRET", "secret", "tab\there \"quoted\" done"),
        ("WEBHOOK_SIGNING_SECRET", "secret", "whsec_EXAMPLEwebhookSecret00000000"),
    ];
    let mut names: Vec<&str> = expected.iter().map(|e| e.0).collect();
    names.sort();
    assert_eq!(v.names(), names);
    for (name, kind, value) in expected {
        let item = v.item(name);
        assert_eq!(item["kind"], kind, "{name}");
        assert_eq!(item["env"], name, "{name}");
        assert_eq!(v.get(name), value, "{name}");
        assert_eq!(v.history(name)["versions"].as_array().unwrap().len(), 1);
    }
    let audit = v.json(&["audit"]);
    let last = audit.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "items_imported");
    v.ok(&["audit", "--verify"]);
}

#[test]
fn import_without_json_summarises_on_stderr() {
    let v = TestVault::new();
    let r = v.run(&["import", "dotenv", fixture("dotenv.env").to_str().unwrap()]);
    assert!(r.success(), "{r:#?}");
    assert!(r.stdout.is_empty(), "{r:#?}");
    assert!(r.stderr.contains("Imported 7 item(s)."), "{}", r.stderr);
    assert!(r.stderr.contains("Skipped 2"), "{}", r.stderr);
    assert!(r.stderr.contains("line 12"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("EXAMPLE"),
        "the summary printed a value: {}",
        r.stderr
    );
}

// ---- Bitwarden ----------------------------------------------------------------

#[test]
fn bitwarden_import_report() {
    let v = TestVault::new();
    let report = import_json(&v, "bitwarden", &fixture("bitwarden.json"));
    assert_eq!(report["imported"], 7, "{report}");
    assert_eq!(report["renamed"], json!([["github", "github (2)"]]));
    let sk = skipped(&report);
    let records: Vec<&str> = sk.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(
        records,
        [
            "item 1 (\"GitHub\")",
            "item 3 (\"Company Visa\")",
            "item 4 (\"Alice Example\")",
            "item 6 (\"Vercel\")",
            "item 8 (\"Home router\")",
        ],
        "{report}"
    );
    assert!(
        sk[0].1.contains("linked field") && sk[0].1.contains("Login name"),
        "{sk:?}"
    );
    assert!(sk[1].1.contains("card"), "{sk:?}");
    assert!(sk[2].1.contains("identit"), "{sk:?}");
    assert!(sk[3].1.contains("passkey"), "{sk:?}");
    assert!(sk[4].1.contains("no password"), "{sk:?}");

    assert_eq!(
        v.names(),
        [
            "AWS root recovery codes",
            "GitHub",
            "GitHub / API token",
            "Stripe",
            "Stripe / Restricted API key",
            "deploy@build-01",
            "github (2)",
        ]
    );
    let raw = v.ok(&["--json", "list"]);
    for never in [
        "4111111111111111",
        "Company Visa",
        "Vercel",
        "EXAMPLE-github-Passw0rd",
    ] {
        assert!(!raw.contains(never), "{never} is in the list: {raw}");
    }
}

#[test]
fn bitwarden_login_keeps_username_urls_fields_totp_and_dates() {
    let v = TestVault::new();
    import_json(&v, "bitwarden", &fixture("bitwarden.json"));
    let gh = v.item("GitHub");
    assert_eq!(gh["kind"], "secret");
    assert_eq!(gh["tags"], json!(["Work"]));
    assert_eq!(gh["created_at"], "2023-11-20T08:00:12Z");
    assert_eq!(gh["updated_at"], "2024-03-01T10:15:42Z");
    assert_eq!(v.get("GitHub"), "EXAMPLE-github-Passw0rd-01");
    assert_eq!(v.get_field("GitHub", "username"), "octocat-example");
    assert_eq!(v.get_field("GitHub", "url"), "https://github.com/login");
    assert_eq!(v.get_field("GitHub", "url 2"), "https://github.example.com");
    assert_eq!(
        v.get_field("GitHub", "notes"),
        "Work account. SSO via Okta for the org."
    );
    assert_eq!(
        v.get_field("GitHub", "Recovery email"),
        "octo-recovery@example.com"
    );
    assert_eq!(v.get_field("GitHub", "Enforce 2FA"), "true");
    assert_eq!(
        v.get_field("GitHub", "totp"),
        "otpauth://totp/GitHub:octocat-example?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
    );
    assert_eq!(
        field_names(&v, "GitHub"),
        [
            ("Recovery email".to_owned(), false),
            ("Enforce 2FA".to_owned(), false),
            ("url 2".to_owned(), false),
            ("totp".to_owned(), true),
        ]
    );
    // The hidden TOTP seed is masked unless --reveal.
    let shown = v.json(&["show", "GitHub"]);
    let totp = shown["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "totp")
        .unwrap()
        .clone();
    assert_eq!(totp["value"], Value::Null);
    assert!(!v.ok(&["show", "GitHub"]).contains("JBSWY3DPEHPK3PXP"));
    assert!(v.ok(&["show", "GitHub", "--reveal"]).contains("JBSWY3DPEHPK3PXP"));

    // Bitwarden's password history becomes the item's retired versions.
    let history = v.history("GitHub");
    let versions = history["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["value"], "EXAMPLE-github-Passw0rd-old");
    assert_eq!(versions[0]["retired_at"], "2024-01-10T09:12:45Z");
    assert_eq!(versions[1]["value"], "EXAMPLE-github-Passw0rd-01");
    assert_eq!(versions[1]["current"], true);

    // The second "github" (another folder) was renamed, not merged.
    assert_eq!(v.get("github (2)"), "EXAMPLE-github-personal-03");
    assert_eq!(v.get_field("github (2)", "username"), "alice-personal");
    assert_eq!(v.item("github (2)")["tags"], json!(["Personal"]));

    assert_eq!(v.get("Stripe"), "EXAMPLE-stripe-Passw0rd-02");
    assert_eq!(v.item("Stripe")["tags"], json!([]));
}

#[test]
fn bitwarden_hidden_custom_fields_become_their_own_items() {
    let v = TestVault::new();
    import_json(&v, "bitwarden", &fixture("bitwarden.json"));
    let token = v.item("GitHub / API token");
    assert_eq!(token["kind"], "token");
    assert_eq!(token["tags"], json!(["Work"]));
    assert_eq!(
        v.get("GitHub / API token"),
        "ghp_EXAMPLEbitwardenHiddenField0000000000"
    );
    let key = v.item("Stripe / Restricted API key");
    assert_eq!(key["kind"], "api_key");
    assert_eq!(
        v.get("Stripe / Restricted API key"),
        "rk_test_EXAMPLEbitwardenRestrictedKey000000"
    );
    // Not also kept as a field of the login, and the empty hidden field is dropped.
    assert!(!field_names(&v, "GitHub")
        .iter()
        .any(|(n, _)| n == "API token" || n == "Unused hidden"));
    v.fail(&["get", "GitHub", "--field", "API token"], "item.field_not_found");
}

#[test]
fn bitwarden_secure_notes_and_ssh_keys_become_secrets() {
    let v = TestVault::new();
    import_json(&v, "bitwarden", &fixture("bitwarden.json"));
    let note = v.item("AWS root recovery codes");
    assert_eq!(note["kind"], "secret");
    assert_eq!(note["tags"], json!(["Infrastructure"]));
    assert_eq!(
        v.get("AWS root recovery codes"),
        "EXAMPLE-RECOVERY-1111-2222\nEXAMPLE-RECOVERY-3333-4444\nEXAMPLE-RECOVERY-5555-6666"
    );

    let ssh = v.item("deploy@build-01");
    assert_eq!(ssh["kind"], "secret");
    assert_eq!(ssh["tags"], json!(["Infrastructure"]));
    let key = v.get("deploy@build-01");
    assert!(key.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"), "{key}");
    assert!(key.ends_with("-----END OPENSSH PRIVATE KEY-----\n"), "{key:?}");
    assert_eq!(
        v.get_field("deploy@build-01", "public key"),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLEONLYnotarealpublickey000000000000 deploy@build-01"
    );
    assert_eq!(
        v.get_field("deploy@build-01", "fingerprint"),
        "SHA256:EXAMPLEfingerprintEXAMPLEfingerprint0000000"
    );
}

// ---- KeePassXC ----------------------------------------------------------------

#[test]
fn keepassxc_import_report_and_items() {
    let v = TestVault::new();
    let report = import_json(&v, "keepassxc", &fixture("keepassxc.csv"));
    assert_eq!(report["imported"], 4, "{report}");
    assert_eq!(report["renamed"], json!([]));
    let sk = skipped(&report);
    assert_eq!(sk.len(), 1, "{report}");
    assert_eq!(sk[0].0, "line 7 (\"Wiki\")");
    assert!(sk[0].1.contains("no password"), "{sk:?}");
    assert_eq!(v.names(), ["AWS console", "Home Wi-Fi", "Jira", "Personal email"]);
    assert!(v.list().iter().all(|i| i["kind"] == "secret"));

    assert_eq!(v.get("Personal email"), "EXAMPLE-mail-Passw0rd-01");
    assert_eq!(v.get_field("Personal email", "username"), "alice@example.com");
    assert_eq!(v.get_field("Personal email", "url"), "https://mail.example.com");
    assert_eq!(
        v.item("Personal email")["tags"],
        json!([]),
        "the root group is not a tag"
    );

    let jira = v.item("Jira");
    assert_eq!(jira["tags"], json!(["Work"]));
    assert_eq!(jira["created_at"], "2023-06-02T14:30:00Z");
    assert_eq!(jira["updated_at"], "2024-03-01T10:15:00Z");
    assert_eq!(v.get("Jira"), "EXAMPLE-jira-Passw0rd-02");
    assert_eq!(
        v.get_field("Jira", "notes"),
        "Team board login.\nAsk #it-help for access to new projects.\nRotated every quarter."
    );
    assert_eq!(
        v.get_field("Jira", "totp"),
        "otpauth://totp/Jira:alice.example?secret=JBSWY3DPEHPK3PXP&period=30&digits=6&issuer=Jira"
    );
    assert_eq!(field_names(&v, "Jira"), [("totp".to_owned(), true)]);

    assert_eq!(v.item("AWS console")["tags"], json!(["Work/Cloud"]));
    assert_eq!(v.get_field("AWS console", "username"), "alice.admin");

    assert_eq!(v.get("Home Wi-Fi"), "EXAMPLE \"quoted\", with comma");
    assert_eq!(v.item("Home Wi-Fi")["tags"], json!(["Personal"]));
    v.fail(
        &["get", "Home Wi-Fi", "--field", "username"],
        "item.field_not_found",
    );
    assert_eq!(v.json(&["list", "--tag", "work"]).as_array().unwrap().len(), 1);
}

#[test]
fn import_skips_names_already_in_the_vault_and_keeps_the_existing_item() {
    let v = TestVault::new();
    v.add("secret", "jira", "EXAMPLE-mine", &["--tag", "mine"]);
    let report = import_json(&v, "keepassxc", &fixture("keepassxc.csv"));
    assert_eq!(report["imported"], 3, "{report}");
    let sk = skipped(&report);
    let clash = sk
        .iter()
        .find(|s| s.0.contains("Jira"))
        .expect("Jira reported as skipped");
    assert!(clash.1.contains("already in the vault"), "{sk:?}");
    assert_eq!(v.get("Jira"), "EXAMPLE-mine");
    assert_eq!(v.item("jira")["tags"], json!(["mine"]));
}

// ---- malformed files: refused whole, the vault untouched ----------------------

/// Imports `contents` as `format`; asserts `import.invalid` with a message
/// containing `names`, no secret from the file in the output, and no change to
/// the vault. Returns the message.
fn refused(v: &TestVault, format: &str, contents: &[u8], names: &str, secrets: &[&str]) -> String {
    let file = v.file(&format!("bad-import.{format}"), contents);
    let list_before = v.list();
    let audit_before = v.audit_len();
    let files_before = v.snapshot();
    let r = v.run(&["import", format, file.to_str().unwrap()]);
    let msg = r.expect_error("import.invalid");
    assert!(msg.contains(names), "{format}: expected {names:?} in {msg:?}");
    for s in secrets {
        assert!(
            !r.all_output().contains(s),
            "{format}: the error printed the value {s}: {r:#?}"
        );
    }
    assert_eq!(v.list(), list_before);
    assert_eq!(v.audit_len(), audit_before);
    v.assert_unchanged(&files_before, &format!("a refused {format} import"));
    msg
}

fn vault_with_one_item() -> TestVault {
    let v = TestVault::new();
    v.add("api-key", "existing", "EXAMPLE-existing", &[]);
    v
}

#[test]
fn dotenv_with_a_bad_line_is_refused_whole() {
    let v = vault_with_one_item();
    let bytes = std::fs::read(fixture("dotenv-bad-line.env")).unwrap();
    refused(
        &v,
        "dotenv",
        &bytes,
        "line 4",
        &["EXAMPLE-deploy-key-0001", "EXAMPLE-stray-secret-0002"],
    );
    assert_eq!(
        v.names(),
        ["existing"],
        "the valid lines before the bad one were imported"
    );
}

#[test]
fn dotenv_syntax_errors_name_the_line() {
    let v = vault_with_one_item();
    refused(&v, "dotenv", b"A=1\n1BAD=EXAMPLE-x\n", "line 2", &["EXAMPLE-x"]);
    refused(
        &v,
        "dotenv",
        b"A=1\nB=\"EXAMPLE-open\nstill open\n",
        "line 2",
        &["EXAMPLE-open"],
    );
    refused(
        &v,
        "dotenv",
        b"A='EXAMPLE-unterminated\n",
        "line 1",
        &["EXAMPLE-unterminated"],
    );
    refused(
        &v,
        "dotenv",
        b"\n\nA='EXAMPLE-q' junk\n",
        "line 3",
        &["EXAMPLE-q"],
    );
    refused(&v, "dotenv", b"A=1\nB=\xff\xfe\n", "line 2", &[]);
}

#[test]
fn truncated_bitwarden_json_is_refused() {
    let v = vault_with_one_item();
    let full = std::fs::read(fixture("bitwarden.json")).unwrap();
    let cut = &full[..full.len() / 2];
    let msg = refused(&v, "bitwarden", cut, "line", &["EXAMPLE-github-Passw0rd-01"]);
    assert!(msg.contains("column"), "{msg}");
}

#[test]
fn encrypted_bitwarden_export_is_refused() {
    let v = vault_with_one_item();
    let bytes = std::fs::read(fixture("bitwarden-encrypted.json")).unwrap();
    let msg = refused(&v, "bitwarden", &bytes, "encrypted", &[]);
    assert!(
        msg.contains("not encrypted"),
        "the message should say how to export instead: {msg}"
    );
}

#[test]
fn bitwarden_item_of_the_wrong_shape_names_the_record() {
    let v = vault_with_one_item();
    let mut export: Value =
        serde_json::from_slice(&std::fs::read(fixture("bitwarden.json")).unwrap()).unwrap();
    export["items"][6]["type"] = json!("login");
    let bytes = serde_json::to_vec_pretty(&export).unwrap();
    refused(
        &v,
        "bitwarden",
        &bytes,
        "item 7",
        &["EXAMPLE-stripe-Passw0rd-02", "EXAMPLE-github-Passw0rd-01"],
    );
}

#[test]
fn keepassxc_csv_with_the_wrong_header_is_refused() {
    let v = vault_with_one_item();
    let bytes = std::fs::read(fixture("keepassxc-wrong-header.csv")).unwrap();
    let msg = refused(&v, "keepassxc", &bytes, "line 1", &["EXAMPLE-jira-Passw0rd-02"]);
    assert!(
        msg.contains("\"Group\",\"Title\""),
        "the message should show the expected header: {msg}"
    );
}

#[test]
fn keepassxc_csv_with_a_short_row_is_refused_whole() {
    let v = vault_with_one_item();
    let mut bytes = std::fs::read(fixture("keepassxc.csv")).unwrap();
    bytes.extend_from_slice(b"\"Root\",\"Cut off\",\"bob\",\"EXAMPLE-short-row-pw\"\n");
    refused(
        &v,
        "keepassxc",
        &bytes,
        "line 9",
        &["EXAMPLE-short-row-pw", "EXAMPLE-mail-Passw0rd-01"],
    );
    assert_eq!(v.names(), ["existing"]);
}

#[test]
fn a_file_of_another_format_is_refused() {
    let v = vault_with_one_item();
    let bw = std::fs::read(fixture("bitwarden.json")).unwrap();
    refused(
        &v,
        "tessera-backup",
        &bw,
        "not a Tessera backup",
        &["EXAMPLE-github-Passw0rd-01"],
    );
    let csv = std::fs::read(fixture("keepassxc.csv")).unwrap();
    refused(&v, "bitwarden", &csv, "line 1", &["EXAMPLE-mail-Passw0rd-01"]);
}

#[test]
fn a_missing_import_file_is_input_invalid() {
    let v = vault_with_one_item();
    let missing = v.dir.path().join("nope.env");
    let msg = v.fail(&["import", "dotenv", missing.to_str().unwrap()], "input.invalid");
    assert!(msg.contains("nope.env"), "{msg}");
}
