//! The everyday commands, run through the real binary on a real vault file:
//! init, add, get, list, show, edit, rm, rotate, history, passwd, and the
//! global --vault / --password-file / --json options.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

#[test]
fn add_then_get_prints_the_value_and_a_newline() {
    let v = TestVault::new();
    v.add(
        "api-key",
        "stripe-live",
        "sk_test_EXAMPLE123",
        &["--service", "Stripe"],
    );
    assert_eq!(v.ok(&["get", "stripe-live"]), "sk_test_EXAMPLE123\n");
    // Lookup ignores case, and works by id too.
    assert_eq!(v.get("STRIPE-LIVE"), "sk_test_EXAMPLE123");
    let id = v.id_of("stripe-live");
    assert_eq!(v.get(&id), "sk_test_EXAMPLE123");
}

#[test]
fn value_stdin_drops_exactly_one_trailing_newline() {
    let v = TestVault::new();
    v.ok_stdin(&["add", "secret", "crlf", "--value-stdin"], "abc\r\n");
    v.ok_stdin(&["add", "secret", "two-newlines", "--value-stdin"], "abc\n\n");
    v.ok_stdin(
        &["add", "secret", "multi-line", "--value-stdin"],
        "line 1\nline 2\n",
    );
    assert_eq!(v.get("crlf"), "abc");
    assert_eq!(v.get("two-newlines"), "abc\n");
    assert_eq!(v.get("multi-line"), "line 1\nline 2");
}

#[test]
fn add_records_every_kind_and_metadata_flag() {
    let v = TestVault::new();
    v.add(
        "api-key",
        "openai",
        "sk-EXAMPLE-openai",
        &[
            "--service",
            "OpenAI",
            "--env",
            "OPENAI_API_KEY",
            "--scope",
            "model.read",
            "--scope",
            "model.request",
            "--tag",
            "ai",
            "--tag",
            "work",
            "--expires",
            "2031-02-03",
            "--notes",
            "Project key for the chatbot.",
        ],
    );
    v.add("token", "gh-ci", "ghp_EXAMPLEtoken", &[]);
    v.add("secret", "db-password", "EXAMPLE-db", &[]);

    let item = v.item("openai");
    assert_eq!(item["kind"], "api_key");
    assert_eq!(item["service"], "OpenAI");
    assert_eq!(item["env"], "OPENAI_API_KEY");
    assert_eq!(item["scopes"], serde_json::json!(["model.read", "model.request"]));
    assert_eq!(item["tags"], serde_json::json!(["ai", "work"]));
    assert_eq!(item["expires_at"], "2031-02-03T00:00:00Z");
    assert_eq!(v.item("gh-ci")["kind"], "token");
    assert_eq!(v.item("db-password")["kind"], "secret");

    assert_eq!(v.get_field("openai", "service"), "OpenAI");
    assert_eq!(v.get_field("openai", "env"), "OPENAI_API_KEY");
    assert_eq!(v.get_field("openai", "notes"), "Project key for the chatbot.");
    assert_eq!(v.get_field("openai", "name"), "openai");
}

#[test]
fn add_accepts_an_rfc3339_expiry() {
    let v = TestVault::new();
    v.add(
        "token",
        "short-lived",
        "t",
        &["--expires", "2030-05-06T07:08:09+02:00"],
    );
    assert_eq!(v.item("short-lived")["expires_at"], "2030-05-06T05:08:09Z");
}

#[test]
fn generate_honours_length_and_prefix() {
    let v = TestVault::new();
    let generate = |name: &str| {
        v.ok(&[
            "add",
            "api-key",
            name,
            "--generate",
            "--length",
            "32",
            "--prefix",
            "sk_live_",
        ]);
        v.get(name)
    };
    let first = generate("gen-1");
    let rest = first.strip_prefix("sk_live_").expect("prefix");
    assert_eq!(rest.len(), 32);
    assert!(rest.chars().all(|c| c.is_ascii_alphanumeric()), "{first}");
    assert_ne!(generate("gen-2"), first, "two generated values are the same");

    v.ok(&["add", "secret", "gen-default", "--generate"]);
    let default = v.get("gen-default");
    assert_eq!(default.len(), 40);
    assert!(default.chars().all(|c| c.is_ascii_alphanumeric()), "{default}");
}

#[test]
fn names_are_unique_ignoring_case() {
    let v = TestVault::new();
    v.add("api-key", "Stripe", "sk_test_1", &[]);
    let msg = v.fail_stdin(
        &["add", "api-key", "stripe", "--value-stdin"],
        "sk_test_2\n",
        "item.exists",
    );
    assert!(msg.contains("stripe"), "{msg}");
    v.fail_stdin(&["add", "token", "STRIPE", "--value-stdin"], "x\n", "item.exists");
    assert_eq!(v.names(), ["Stripe"]);
    assert_eq!(v.get("stripe"), "sk_test_1");
}

#[test]
fn list_json_has_the_documented_fields_and_no_value() {
    let v = TestVault::new();
    let value = "sk_test_LISTCANARY_9f2c";
    v.add(
        "api-key",
        "stripe",
        value,
        &["--service", "Stripe", "--tag", "billing"],
    );
    let raw = v.ok(&["--json", "list"]);
    assert!(!raw.contains(value), "list --json leaked the value: {raw}");
    let items: Value = serde_json::from_str(&raw).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1);
    let item = items[0].as_object().unwrap();
    for key in [
        "id",
        "name",
        "kind",
        "service",
        "tags",
        "created_at",
        "updated_at",
        "expires_at",
    ] {
        assert!(item.contains_key(key), "list --json lacks {key}: {raw}");
    }
    assert_eq!(item["expires_at"], Value::Null);
    assert!(item["created_at"].as_str().unwrap().ends_with('Z'));
    // The table form does not show it either.
    let table = v.ok(&["list"]);
    assert!(table.contains("stripe") && !table.contains(value), "{table}");
}

#[test]
fn list_filters_by_kind_search_and_tag() {
    let v = TestVault::new();
    v.add(
        "api-key",
        "stripe-live",
        "a",
        &["--service", "Stripe", "--tag", "billing"],
    );
    v.add("api-key", "openai", "b", &["--tag", "ai"]);
    v.add("token", "github-ci", "c", &["--tag", "ci", "--tag", "billing"]);
    v.add("secret", "postgres", "d", &["--service", "Database"]);

    let names = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["list"];
        full.extend_from_slice(args);
        let mut n: Vec<String> = v
            .json(&full)
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&["--kind", "api-key"]), ["openai", "stripe-live"]);
    assert_eq!(names(&["--kind", "token"]), ["github-ci"]);
    assert_eq!(names(&["--search", "stripe"]), ["stripe-live"]);
    assert_eq!(names(&["--search", "database"]), ["postgres"]);
    assert_eq!(names(&["--tag", "billing"]), ["github-ci", "stripe-live"]);
    assert_eq!(names(&["--tag", "BILLING", "--kind", "token"]), ["github-ci"]);
    assert!(names(&["--search", "nothing-matches"]).is_empty());
    v.fail(&["list", "--kind", "password"], "input.invalid");
}

#[test]
fn show_hides_the_value_unless_reveal() {
    let v = TestVault::new();
    let value = "EXAMPLE-show-value-77";
    v.add(
        "secret",
        "smtp",
        value,
        &[
            "--notes",
            "Mail relay",
            "--username",
            "mailer",
            "--url",
            "smtp://mail.example.com",
        ],
    );

    let plain = v.ok(&["show", "smtp"]);
    assert!(plain.contains("smtp") && plain.contains("Mail relay"), "{plain}");
    assert!(
        !plain.contains(value),
        "show without --reveal printed the value: {plain}"
    );
    let revealed = v.ok(&["show", "smtp", "--reveal"]);
    assert!(revealed.contains(value), "{revealed}");

    let hidden = v.json(&["show", "smtp"]);
    assert!(hidden.get("value").is_none(), "{hidden}");
    assert_eq!(hidden["username"], "mailer");
    assert_eq!(hidden["url"], "smtp://mail.example.com");
    assert_eq!(hidden["versions"], 1);
    let shown = v.json(&["show", "smtp", "--reveal"]);
    assert_eq!(shown["value"], value);
}

#[test]
fn get_reads_other_fields_and_reports_missing_ones() {
    let v = TestVault::new();
    v.add(
        "secret",
        "smtp",
        "pw",
        &["--username", "mailer", "--url", "https://mail.example.com"],
    );
    assert_eq!(v.get_field("smtp", "username"), "mailer");
    assert_eq!(v.get_field("smtp", "url"), "https://mail.example.com");
    v.fail(&["get", "smtp", "--field", "notes"], "item.field_not_found");
    v.fail(
        &["get", "smtp", "--field", "no-such-field"],
        "item.field_not_found",
    );
    let j = v.json(&["get", "smtp"]);
    assert_eq!(j["value"], "pw");
}

#[test]
fn edit_changes_metadata_and_keeps_the_value() {
    let v = TestVault::new();
    v.add(
        "api-key",
        "stripe",
        "sk_test_keep",
        &["--service", "Stripe", "--tag", "a", "--expires", "2030-01-01"],
    );
    let before = v.item("stripe");

    v.ok(&[
        "edit",
        "stripe",
        "--name",
        "stripe-live",
        "--service",
        "Stripe Inc",
        "--tag",
        "billing",
        "--tag",
        "prod",
    ]);
    v.fail(&["get", "stripe"], "item.not_found");
    let after = v.item("stripe-live");
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["service"], "Stripe Inc");
    assert_eq!(after["tags"], serde_json::json!(["billing", "prod"]));
    assert_eq!(after["expires_at"], "2030-01-01T00:00:00Z");
    assert_eq!(v.get("stripe-live"), "sk_test_keep");

    v.ok(&["edit", "stripe-live", "--expires", "2032-12-31"]);
    assert_eq!(v.item("stripe-live")["expires_at"], "2032-12-31T00:00:00Z");
    v.ok(&[
        "edit",
        "stripe-live",
        "--no-expires",
        "--clear",
        "service",
        "--clear",
        "tags",
    ]);
    let cleared = v.item("stripe-live");
    assert_eq!(cleared["expires_at"], Value::Null);
    assert_eq!(cleared["service"], Value::Null);
    assert_eq!(cleared["tags"], serde_json::json!([]));
    assert_eq!(v.history("stripe-live")["versions"].as_array().unwrap().len(), 1);
}

#[test]
fn edit_can_change_the_case_of_a_name_but_not_take_another_items_name() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "1", &[]);
    v.add("api-key", "openai", "2", &[]);
    v.ok(&["edit", "stripe", "--name", "Stripe"]);
    assert_eq!(v.names(), ["Stripe", "openai"]);
    v.fail(&["edit", "Stripe", "--name", "OPENAI"], "item.exists");
    assert_eq!(v.names(), ["Stripe", "openai"]);
    assert_eq!(v.get("stripe"), "1");
}

#[test]
fn edit_rejects_bad_input_without_changing_anything() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "1", &["--env", "STRIPE_KEY"]);
    let before = v.list();
    v.fail(&["edit", "stripe", "--expires", "next tuesday"], "input.invalid");
    v.fail(&["edit", "stripe", "--env", "STRIPE-KEY"], "input.invalid");
    v.fail(&["edit", "stripe", "--clear", "value"], "input.invalid");
    v.fail(&["edit", "nope", "--service", "x"], "item.not_found");
    v.run(&["edit", "stripe", "--expires", "2030-01-01", "--no-expires"])
        .expect_usage_error();
    assert_eq!(v.list(), before);
}

#[test]
fn rm_deletes_the_item_and_its_history() {
    let v = TestVault::new();
    v.add("token", "old-token", "t1", &[]);
    v.ok_stdin(&["rotate", "old-token", "--value-stdin"], "t2\n");
    v.add("token", "keep", "k", &[]);
    v.ok(&["rm", "old-token", "--yes"]);
    assert_eq!(v.names(), ["keep"]);
    v.fail(&["get", "old-token"], "item.not_found");
    v.fail(&["history", "old-token"], "item.not_found");
    v.fail(&["rm", "old-token", "--yes"], "item.not_found");
    let rows = v.sql("SELECT count(*) FROM item_values", &[]);
    assert_eq!(rows[0][0], 1, "the deleted item's values are still stored");
}

#[test]
fn rotate_keeps_the_old_value_retired_in_history() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "sk_test_v1", &[]);
    v.ok_stdin(
        &["rotate", "stripe", "--value-stdin", "--reason", "leaked in a log"],
        "sk_test_v2\n",
    );
    v.ok(&[
        "rotate",
        "stripe",
        "--generate",
        "--prefix",
        "sk_test_",
        "--length",
        "24",
    ]);
    let current = v.get("stripe");
    assert!(
        current.starts_with("sk_test_") && current.len() == 32,
        "{current}"
    );

    let h = v.history("stripe");
    let versions = h["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    let values: Vec<&str> = versions.iter().map(|x| x["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["sk_test_v1", "sk_test_v2", current.as_str()]);
    for (i, x) in versions.iter().enumerate() {
        assert_eq!(x["version"], i as i64 + 1);
        let last = i == 2;
        assert_eq!(x["current"], last);
        assert_eq!(x["retired_at"].is_null(), last, "{x}");
    }
    assert_eq!(v.json(&["show", "stripe"])["versions"], 3);

    // Without --reveal the values stay hidden.
    let hidden = v.json(&["history", "stripe"]);
    assert!(hidden["versions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["value"].is_null()));
    let table = v.ok(&["history", "stripe"]);
    assert!(
        !table.contains("sk_test_v1") && !table.contains("sk_test_v2"),
        "{table}"
    );

    let audit = v.json(&["audit"]);
    let last = audit.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "item_rotated");
    let rotated_with_reason = audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["detail"].as_str().unwrap().contains("leaked in a log"));
    assert!(rotated_with_reason, "{audit}");
}

#[test]
fn rotate_rejects_an_empty_value() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "v1", &[]);
    v.fail_stdin(&["rotate", "stripe", "--value-stdin"], "\n", "input.invalid");
    v.fail_stdin(&["add", "secret", "empty", "--value-stdin"], "", "input.invalid");
    assert_eq!(v.history("stripe")["versions"].as_array().unwrap().len(), 1);
    assert_eq!(v.names(), ["stripe"]);
}

#[test]
fn passwd_switches_the_master_password() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "sk_test_pw", &[]);
    v.ok_stdin(&["rotate", "stripe", "--value-stdin"], "sk_test_pw2\n");
    let new = v.write_password("new-password", "a brand new passphrase");
    let old = v.password_file.clone();

    v.ok(&["passwd", "--new-password-file", new.to_str().unwrap()]);
    v.run_with_password(&old, &["get", "stripe"], "")
        .expect_error("crypto.wrong_password");
    let r = v.run_with_password(&new, &["get", "stripe"], "");
    assert!(r.success(), "{r:#?}");
    assert_eq!(r.stdout, "sk_test_pw2\n");
    let h = v.run_with_password(&new, &["--json", "history", "stripe", "--reveal"], "");
    assert!(
        h.stdout.contains("sk_test_pw\"") && h.stdout.contains("sk_test_pw2"),
        "{h:#?}"
    );
    let audit = v.run_with_password(&new, &["audit", "--verify"], "");
    assert!(audit.success(), "{audit:#?}");
}

#[test]
fn passwd_refuses_weak_kdf_params_and_keeps_the_old_password() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "x", &[]);
    let new = v.write_password("new-password", "another passphrase");
    let new = new.to_str().unwrap();
    v.fail(
        &["passwd", "--new-password-file", new, "--kdf-iterations", "1"],
        "input.invalid",
    );
    v.fail(
        &["passwd", "--new-password-file", new, "--kdf-memory-mib", "18"],
        "input.invalid",
    );
    let empty = v.file("empty-password", b"\n");
    v.fail(
        &["passwd", "--new-password-file", empty.to_str().unwrap()],
        "input.invalid",
    );
    assert_eq!(v.get("stripe"), "x");
}

#[test]
fn global_flags_work_without_the_environment_and_win_over_it() {
    let v = TestVault::new();
    v.add("secret", "flagged", "via-flags", &[]);
    let vault = v.path.to_str().unwrap();
    let pw = v.password_file.to_str().unwrap();

    let out = assert_cmd::Command::cargo_bin("tessera")
        .unwrap()
        .env_remove("TESSERA_VAULT")
        .env_remove("TESSERA_PASSWORD_FILE")
        .args(["--vault", vault, "--password-file", pw, "get", "flagged"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, b"via-flags\n");

    // Flags after the subcommand work too (they are global), and beat the env.
    let out = v
        .command()
        .env("TESSERA_VAULT", v.dir.path().join("elsewhere.db"))
        .env("TESSERA_PASSWORD_FILE", v.dir.path().join("no-such-file"))
        .args(["get", "flagged", "--vault", vault, "--password-file", pw])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, b"via-flags\n");
}

#[test]
fn without_vault_flag_the_default_lives_under_xdg_data_home() {
    let v = TestVault::uninitialized();
    let data = v.dir.path().join("xdg-data");
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("tessera")
            .unwrap()
            .env_remove("TESSERA_VAULT")
            .env("XDG_DATA_HOME", &data)
            .env("TESSERA_PASSWORD_FILE", &v.password_file)
            .args(args)
            .output()
            .unwrap()
    };
    let mut init = vec!["init"];
    init.extend_from_slice(&FAST_KDF);
    assert!(run(&init).status.success());
    assert!(data.join("tessera/vault.db").is_file());
    let out = run(&["--json", "list"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, b"[]\n");
}

#[test]
fn init_json_reports_the_kdf_params() {
    let v = TestVault::uninitialized();
    let mut args = vec!["--json", "init"];
    args.extend_from_slice(&FAST_KDF);
    let out: Value = serde_json::from_str(&v.ok(&args)).unwrap();
    assert_eq!(out["kdf"]["memory_kib"], 19 * 1024);
    assert_eq!(out["kdf"]["iterations"], 2);
    assert_eq!(out["kdf"]["parallelism"], 1);
    assert_eq!(v.json(&["audit"])[0]["action"], "vault_created");
}

#[test]
fn audit_records_each_change_in_order() {
    let v = TestVault::new();
    v.add("api-key", "a", "1", &[]);
    v.ok(&["edit", "a", "--name", "b"]);
    v.ok_stdin(&["rotate", "b", "--value-stdin"], "2\n");
    v.ok(&["rm", "b", "--yes"]);
    let audit = v.json(&["audit"]);
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "vault_created",
            "item_added",
            "item_edited",
            "item_rotated",
            "item_removed"
        ]
    );
    let seqs: Vec<i64> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    let verified = v.ok(&["audit", "--verify"]);
    assert!(verified.contains("5 entries"), "{verified}");
}
