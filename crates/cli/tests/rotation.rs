//! Rotation policies, generators, restore, grace periods and `tessera status`
//! through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

fn date_in(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn problems(status: &Value, name: &str) -> Vec<String> {
    status["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .map(|i| {
            i["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["problem"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_policy_generator_makes_the_next_value() {
    let v = TestVault::new();
    v.add("api-key", "stripe", "sk_live_Zq8vN2rT5xW9kL3mP7bC1dF6", &[]);
    // Without a generator, a bare rotate says what to pass.
    let msg = v.fail(&["rotate", "stripe"], "input.invalid");
    assert!(msg.contains("--value-stdin"), "{msg}");
    v.ok(&[
        "policy",
        "stripe",
        "--max-age",
        "90",
        "--grace",
        "2",
        "--gen-length",
        "24",
        "--gen-prefix",
        "sk_live_",
        "--gen-alphabet",
        "hex",
        "--rotate-url",
        "https://dashboard.stripe.com/apikeys",
    ]);
    let p = v.json(&["policy", "stripe"]);
    assert_eq!(p["policy"]["max_age_days"], 90);
    assert_eq!(p["policy"]["generator"]["prefix"], "sk_live_");
    let shown = v.ok(&["policy", "stripe"]);
    assert!(
        shown.contains("90 days") && shown.contains("https://dashboard.stripe.com/apikeys"),
        "{shown}"
    );

    let r = v.run(&["rotate", "stripe", "--reason", "scheduled"]);
    assert!(r.success(), "{r:#?}");
    assert!(
        r.stderr.contains("https://dashboard.stripe.com/apikeys"),
        "{r:#?}"
    );
    let new = v.get("stripe");
    assert!(new.starts_with("sk_live_") && new.len() == 32, "{new}");
    assert!(
        new["sk_live_".len()..].chars().all(|c| c.is_ascii_hexdigit()),
        "{new}"
    );
    // The grace period keeps the old value at hand.
    assert_eq!(
        v.ok(&["get", "stripe", "--previous"]),
        "sk_live_Zq8vN2rT5xW9kL3mP7bC1dF6\n"
    );
    let log = v.ok(&["audit"]);
    assert!(
        log.contains("stripe (version 2) by tessera CLI: scheduled"),
        "{log}"
    );

    // A bad policy is refused and changes nothing.
    let msg = v.fail(&["policy", "stripe", "--max-age", "0"], "input.invalid");
    assert!(msg.contains("maximum age"), "{msg}");
    v.fail(&["policy", "stripe", "--gen-alphabet", "emoji"], "input.invalid");
    assert_eq!(v.json(&["policy", "stripe"])["policy"]["max_age_days"], 90);
    v.ok(&["policy", "stripe", "--clear"]);
    assert!(v.json(&["policy", "stripe"])["policy"].is_null());
    let msg = v.fail(&["get", "stripe", "--previous"], "rotation.grace_over");
    assert!(msg.contains("history"), "{msg}");
}

#[test]
fn restore_brings_an_old_value_back_as_a_new_version() {
    let v = TestVault::new();
    v.add("token", "gh", "ghp_first_Zq8vN2rT5xW9kL3m", &[]);
    v.ok_stdin(
        &["rotate", "gh", "--value-stdin"],
        "ghp_second_P7bC1dF6gH4jA0sE\n",
    );
    v.ok(&["restore", "gh", "1"]);
    assert_eq!(v.get("gh"), "ghp_first_Zq8vN2rT5xW9kL3m");
    let h = v.history("gh");
    let values: Vec<&str> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        values,
        [
            "ghp_first_Zq8vN2rT5xW9kL3m",
            "ghp_second_P7bC1dF6gH4jA0sE",
            "ghp_first_Zq8vN2rT5xW9kL3m"
        ]
    );
    v.fail(&["restore", "gh", "3"], "input.invalid");
    v.fail(&["restore", "gh", "7"], "input.invalid");
    v.fail(&["restore", "nope", "1"], "item.not_found");
    assert_eq!(v.history("gh")["versions"].as_array().unwrap().len(), 3);
}

#[test]
fn status_lists_what_needs_attention_with_the_action() {
    let v = TestVault::new();
    v.add(
        "api-key",
        "healthy",
        "sk_live_Zq8vN2rT5xW9kL3mP7bC1dF6",
        &["--expires", &date_in(200)],
    );
    v.add(
        "api-key",
        "expired",
        "sk_live_Hk3nV6cJ1fD5sG0aPx7Lq2Wm",
        &["--expires", &date_in(-3)],
    );
    v.add(
        "api-key",
        "expiring",
        "sk_live_Yx7pQ2mZ9wL4tR8vBn5Kc3Jd",
        &["--expires", &date_in(5)],
    );
    v.add("secret", "weak", "password1", &[]);
    v.add("secret", "copy-a", "Ab3!dE6@gH9#jK2$mN5%qR8^", &[]);
    v.add("secret", "copy-b", "Ab3!dE6@gH9#jK2$mN5%qR8^", &[]);
    let s = v.json(&["status"]);
    assert_eq!(s["checked"], 6);
    assert!(problems(&s, "healthy").is_empty(), "{s:#}");
    assert_eq!(problems(&s, "expired"), ["expired"]);
    assert_eq!(problems(&s, "expiring"), ["expiring"]);
    assert_eq!(problems(&s, "weak"), ["weak"]);
    assert_eq!(problems(&s, "copy-a"), ["shared_value"]);
    assert_eq!(s["items"][0]["name"], "expired");
    assert_eq!(s["critical"], 1);
    // No value, and no fingerprint of one, is printed.
    let text = serde_json::to_string(&s).unwrap();
    assert!(!text.contains("password1") && !text.contains("Ab3!dE6"), "{text}");

    let out = v.ok(&["status"]);
    assert!(out.contains("What to do:"), "{out}");
    assert!(out.contains("expired: Expired; replace it"), "{out}");
    assert!(out.contains("tessera rotate weak --generate"), "{out}");
    assert!(out.contains("5 of 6 items need attention"), "{out}");

    // Fixing the problems clears them.
    v.ok_stdin(
        &["rotate", "expired", "--value-stdin", "--expires", &date_in(365)],
        "sk_live_Lk2jH5gF8dS1aQ4zXc7Vb0Nm\n",
    );
    v.ok(&["rotate", "weak", "--generate"]);
    let s = v.json(&["status"]);
    assert!(
        problems(&s, "expired").is_empty() && problems(&s, "weak").is_empty(),
        "{s:#}"
    );
}

#[test]
fn show_decodes_a_jwt_without_printing_it() {
    let v = TestVault::new();
    // {"alg":"HS256","typ":"JWT"} . {"iss":"https://auth.example","sub":"ci-bot","aud":"api","scope":"repo read:org","exp":1924992000,"iat":1700000000}
    let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
        eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZSIsInN1YiI6ImNpLWJvdCIsImF1ZCI6ImFwaSIsInNjb3BlIjoicmVwbyByZWFkOm9yZyIsImV4cCI6MTkyNDk5MjAwMCwiaWF0IjoxNzAwMDAwMDAwfQ.\
        c2lnbmF0dXJl";
    v.add("token", "ci", token, &[]);
    let j = v.json(&["show", "ci"]);
    assert_eq!(j["jwt"]["iss"], "https://auth.example");
    assert_eq!(j["jwt"]["scope"], serde_json::json!(["repo", "read:org"]));
    assert_eq!(j["jwt"]["exp"], "2031-01-01T00:00:00Z");
    // The token's exp became the item's expiry.
    assert_eq!(j["expires_at"], "2031-01-01T00:00:00Z");
    assert!(j["value"].is_null());
    let text = v.ok(&["show", "ci"]);
    assert!(text.contains("sub ci-bot") && !text.contains("eyJ"), "{text}");
}
