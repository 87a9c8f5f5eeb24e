//! `tessera prefs` and `tessera profile` on the real binary: round trips,
//! refusals that name the key and its range and change nothing, and
//! preference files from a newer version.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::Value;

fn value(v: &TestVault, key: &str) -> String {
    let out = v.ok(&["prefs", "get", key]);
    out.strip_suffix('\n').unwrap().to_owned()
}

fn entry<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {list}"))
}

#[test]
fn set_get_reset_and_list() {
    let v = TestVault::new();
    assert_eq!(value(&v, "appearance.text_size"), "100%");
    v.ok(&["prefs", "set", "text_size", "125%"]);
    assert_eq!(value(&v, "text_size"), "125%");
    v.ok(&["prefs", "set", "appearance.text_size", "1.5"]);
    assert_eq!(value(&v, "appearance.text_size"), "150%");
    v.ok(&["prefs", "set", "theme", "dark"]);
    v.ok(&["prefs", "set", "accent_colour", "#AA0044"]);
    v.ok(&["prefs", "set", "behaviour.auto_lock_minutes", "30"]);
    v.ok(&["prefs", "set", "never_share_claims", "birth_date,address,email"]);
    v.ok(&["prefs", "set", "sharing_default", "never"]);

    let list = v.json(&["prefs", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 19);
    let e = entry(&list, "appearance.theme");
    assert_eq!(
        (e["value"].as_str(), e["default"].as_str()),
        (Some("dark"), Some("system"))
    );
    assert!(e["allowed"].as_str().unwrap().contains("high_contrast"));
    assert_eq!(entry(&list, "appearance.accent_colour")["value"], "#aa0044");
    assert_eq!(
        entry(&list, "privacy.never_share_claims")["value"],
        "birth_date,address,email"
    );
    let human = v.ok(&["prefs", "list"]);
    assert!(
        human.contains("behaviour.auto_lock_minutes") && human.contains("30*"),
        "{human}"
    );

    // The app's settings are the same values.
    assert_eq!(value(&v, "auto_lock_minutes"), "30");

    v.ok(&["prefs", "reset", "theme"]);
    assert_eq!(value(&v, "theme"), "system");
    assert_eq!(value(&v, "text_size"), "150%");
    v.ok(&["prefs", "reset", "appearance"]);
    assert_eq!(value(&v, "text_size"), "100%");
    assert_eq!(value(&v, "auto_lock_minutes"), "30");
    let r = v.json(&["prefs", "reset"]);
    assert_eq!(r["reset"].as_array().unwrap().len(), 19);
    assert_eq!(value(&v, "auto_lock_minutes"), "5");
    assert_eq!(value(&v, "sharing_default"), "always_ask");
}

#[test]
fn bad_values_name_the_key_and_range_and_change_nothing() {
    let v = TestVault::new();
    v.ok(&["prefs", "set", "text_size", "125%"]);
    let before = v.snapshot();
    let msg = v.fail(&["prefs", "set", "text_size", "300%"], "input.invalid");
    assert!(
        msg.contains("appearance.text_size") && msg.contains("87.5% to 150%"),
        "{msg}"
    );
    let msg = v.fail(&["prefs", "set", "auto_lock_minutes", "0"], "input.invalid");
    assert!(
        msg.contains("behaviour.auto_lock_minutes") && msg.contains("1 to 1440"),
        "{msg}"
    );
    let msg = v.fail(&["prefs", "set", "theme", "neon"], "input.invalid");
    assert!(msg.contains("appearance.theme") && msg.contains("system, light, dark, high_contrast"));
    let msg = v.fail(&["prefs", "set", "language", "es"], "input.invalid");
    assert!(msg.contains("en, de, fr, ar"), "{msg}");
    let msg = v.fail(&["prefs", "set", "accent_colour", "blue"], "input.invalid");
    assert!(msg.contains("#rrggbb"), "{msg}");
    let msg = v.fail(&["prefs", "set", "apperance.theme", "dark"], "input.invalid");
    assert!(
        msg.contains("unknown preference key") && msg.contains("appearance.theme"),
        "{msg}"
    );
    v.fail(&["prefs", "get", "nope"], "input.invalid");
    v.fail(&["prefs", "reset", "nope"], "input.invalid");
    let msg = v.fail(
        &["prefs", "set", "auto_lock_minutes", "3", "--profile", "Default"],
        "input.invalid",
    );
    assert!(msg.contains("only appearance keys"), "{msg}");
    v.assert_unchanged(&before, "refused prefs set");
    assert_eq!(value(&v, "text_size"), "125%");
}

#[test]
fn export_import_round_trip_and_refusals() {
    let v = TestVault::new();
    v.ok(&["prefs", "set", "theme", "dark"]);
    v.ok(&["prefs", "set", "clipboard_clear_seconds", "45"]);
    v.ok(&["profile", "create", "Work"]);
    v.ok(&["prefs", "set", "text_size", "112.5%", "--profile", "Work"]);
    v.ok(&["profile", "filters", "Work", "--tag", "work", "--kind", "api-key"]);
    v.ok(&["profile", "switch", "Work"]);
    let file = v.dir.path().join("prefs.json");
    v.ok(&["prefs", "export", file.to_str().unwrap()]);
    let exported: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(exported["format"], "tessera-preferences");
    assert_eq!(exported["version"], 2);
    assert!(!String::from_utf8(std::fs::read(&file).unwrap())
        .unwrap()
        .contains(PASSWORD));

    // Another vault gets the same preferences and profiles.
    let w = TestVault::new();
    w.ok(&["prefs", "import", file.to_str().unwrap()]);
    assert_eq!(
        value(&w, "theme"),
        "system",
        "Work is active and has its own appearance"
    );
    assert_eq!(value(&w, "text_size"), "112.5%");
    assert_eq!(value(&w, "clipboard_clear_seconds"), "45");
    let ps = w.json(&["profile", "list"]);
    assert_eq!(ps.as_array().unwrap().len(), 2);
    assert_eq!(ps[1]["name"], "Work");
    assert_eq!(ps[1]["active"], true);
    assert_eq!(ps[1]["filters"]["kinds"][0], "api_key");
    w.ok(&["profile", "switch", "Default"]);
    assert_eq!(value(&w, "theme"), "dark");
    let again = w.dir.path().join("again.json");
    w.ok(&["prefs", "export", again.to_str().unwrap()]);
    let mut a: Value = serde_json::from_slice(&std::fs::read(&again).unwrap()).unwrap();
    a["profiles"][0]["active"] = Value::Bool(false);
    a["profiles"][1]["active"] = Value::Bool(true);
    assert_eq!(a, exported);

    // Refused whole, and nothing changes: newer version, bad value, malformed.
    let before = w.snapshot();
    let mut newer = exported.clone();
    newer["version"] = 3.into();
    newer["holograms"] = true.into();
    let f = w.file("newer.json", newer.to_string().as_bytes());
    let msg = w.fail(&["prefs", "import", f.to_str().unwrap()], "input.invalid");
    assert!(
        msg.contains("newer Tessera") && msg.contains("version 3"),
        "{msg}"
    );
    let mut bad = exported.clone();
    bad["behaviour"]["auto_lock_minutes"] = 5.into();
    bad["profiles"][1]["appearance"]["text_size"] = 300.into();
    let f = w.file("bad.json", bad.to_string().as_bytes());
    let msg = w.fail(&["prefs", "import", f.to_str().unwrap()], "input.invalid");
    assert!(
        msg.contains("appearance.text_size") && msg.contains("87.5% to 150%"),
        "{msg}"
    );
    let f = w.file(
        "broken.json",
        b"{\"format\": \"tessera-preferences\", \"version\": 2, ",
    );
    w.fail(&["prefs", "import", f.to_str().unwrap()], "input.invalid");
    let mut typo = exported.clone();
    typo["behaviour"]["auto_lock_minutez"] = 5.into();
    let f = w.file("typo.json", typo.to_string().as_bytes());
    let msg = w.fail(&["prefs", "import", f.to_str().unwrap()], "input.invalid");
    assert!(msg.contains("auto_lock_minutez"), "{msg}");
    let mut twice = exported.clone();
    twice["profiles"][0]["name"] = "work".into();
    let f = w.file("twice.json", twice.to_string().as_bytes());
    w.fail(&["prefs", "import", f.to_str().unwrap()], "input.invalid");
    w.assert_unchanged(&before, "refused prefs import");
    assert_eq!(value(&w, "clipboard_clear_seconds"), "45");
}

#[test]
fn profiles_create_switch_rename_delete() {
    let v = TestVault::new();
    let ps = v.json(&["profile", "list"]);
    assert_eq!(ps[0]["name"], "Default");
    v.ok(&["profile", "create", "Work"]);
    v.ok(&["profile", "create", "Personal"]);
    v.fail(&["profile", "create", "work"], "input.invalid");
    v.ok(&["profile", "switch", "Personal"]);
    v.ok(&["prefs", "set", "theme", "light"]);
    v.ok(&["profile", "switch", "Work"]);
    assert_eq!(value(&v, "theme"), "system");
    let out = v.ok(&["prefs", "get", "theme", "--profile", "personal"]);
    assert_eq!(out, "light\n");
    v.ok(&["profile", "rename", "Work", "Office"]);
    let msg = v.fail(&["profile", "switch", "Work"], "input.invalid");
    assert!(msg.contains("Office"), "{msg}");
    v.ok(&["profile", "delete", "Office"]);
    let ps = v.json(&["profile", "list"]);
    assert_eq!(ps.as_array().unwrap().len(), 2);
    assert_eq!(ps[0]["active"], true);
    v.ok(&["profile", "delete", "Personal"]);
    let msg = v.fail(&["profile", "delete", "Default"], "input.invalid");
    assert!(msg.contains("only profile"), "{msg}");
    let human = v.ok(&["profile", "list"]);
    assert!(human.contains("*  Default"), "{human}");
}

#[test]
fn profile_filters_are_checked_stored_and_cleared() {
    let v = TestVault::new();
    v.ok(&["profile", "create", "Work"]);
    v.fail(
        &["profile", "filters", "Work", "--kind", "spaceship"],
        "input.invalid",
    );
    let p = v.json(&["profile", "filters", "Work", "--tag", "prod", "--tag", "ci"]);
    assert_eq!(p["filters"]["tags"], serde_json::json!(["prod", "ci"]));
    // No flags: the filters are cleared.
    let p = v.json(&["profile", "filters", "Work"]);
    assert_eq!(p["filters"]["tags"], serde_json::json!([]));
}
