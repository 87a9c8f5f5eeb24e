//! Damage done to the vault file from outside (a flipped bit, a blob moved
//! from one row to another, an edited audit log) is detected: the damaged item
//! fails with `vault.corrupt` naming its id, every other item still works, and
//! reading does not rewrite the file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{json, Value};

struct Fixture {
    v: TestVault,
    alpha: String,
    bravo: String,
    charlie: String,
}

/// alpha: api key; bravo: token rotated once (values 1 and 2); charlie:
/// secret with details.
fn three_items() -> Fixture {
    let v = TestVault::new();
    v.add("api-key", "alpha", "EXAMPLE-alpha-value", &["--service", "Alpha"]);
    v.add("token", "bravo", "EXAMPLE-bravo-v1", &[]);
    v.ok_stdin(&["rotate", "bravo", "--value-stdin"], "EXAMPLE-bravo-v2\n");
    v.add(
        "secret",
        "charlie",
        "EXAMPLE-charlie-value",
        &["--username", "charlie-user", "--notes", "Charlie's notes"],
    );
    Fixture {
        alpha: id_hex(&v.id_of("alpha")),
        bravo: id_hex(&v.id_of("bravo")),
        charlie: id_hex(&v.id_of("charlie")),
        v,
    }
}

fn uuid(hex: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn value_blob(v: &TestVault, id: &str, seq: i64) -> String {
    v.blob(
        "SELECT value FROM item_values WHERE item_id = ? AND seq = ?",
        &[hex(id), json!(seq)],
    )
}

fn set_value_blob(v: &TestVault, id: &str, seq: i64, blob: &str) {
    v.sql(
        "UPDATE item_values SET value = ? WHERE item_id = ? AND seq = ?",
        &[hex(blob), hex(id), json!(seq)],
    );
    assert_eq!(value_blob(v, id, seq), blob);
}

fn item_blob(v: &TestVault, column: &str, id: &str) -> String {
    v.blob(&format!("SELECT {column} FROM items WHERE id = ?"), &[hex(id)])
}

fn set_item_blob(v: &TestVault, column: &str, id: &str, blob: &str) {
    v.sql(
        &format!("UPDATE items SET {column} = ? WHERE id = ?"),
        &[hex(blob), hex(id)],
    );
    assert_eq!(item_blob(v, column, id), blob);
}

/// `get NAME` fails with vault.corrupt and names the item's id.
fn assert_corrupt(v: &TestVault, args: &[&str], id: &str) {
    let r = v.run(args);
    let msg = r.expect_error("vault.corrupt");
    assert!(
        msg.contains(&uuid(id)),
        "`{args:?}`: the message does not name item {}: {msg}",
        uuid(id)
    );
    assert!(
        !r.all_output().contains("EXAMPLE-"),
        "`{args:?}` printed a value: {r:#?}"
    );
}

fn names_listed(v: &TestVault) -> (Vec<String>, String) {
    let r = v.run(&["--json", "list"]);
    assert!(r.success(), "list failed: {r:#?}");
    let items: Value = serde_json::from_str(&r.stdout).unwrap();
    let mut names: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    (names, r.stderr)
}

// ---- one flipped byte ---------------------------------------------------------

#[test]
fn a_flipped_byte_in_a_value_breaks_only_that_item() {
    let f = three_items();
    let v = &f.v;
    let original = value_blob(v, &f.bravo, 2);
    let len = original.len() as isize / 2;
    // The version byte, the nonce, the ciphertext and the tag.
    for at in [0, 5, 13, len / 2 + 6, -1] {
        set_value_blob(v, &f.bravo, 2, &flip_hex(&original, at));
        let files = v.snapshot();

        assert_corrupt(v, &["get", "bravo"], &f.bravo);
        assert_corrupt(v, &["history", "bravo", "--reveal"], &f.bravo);
        assert_corrupt(v, &["show", "bravo", "--reveal"], &f.bravo);
        assert_eq!(v.get("alpha"), "EXAMPLE-alpha-value");
        assert_eq!(v.get("charlie"), "EXAMPLE-charlie-value");
        assert_eq!(names_listed(v).0, ["alpha", "bravo", "charlie"]);

        v.assert_unchanged(&files, &format!("reading after a flip at byte {at}"));
        assert_eq!(
            value_blob(v, &f.bravo, 2),
            flip_hex(&original, at),
            "the damaged blob was rewritten"
        );
        set_value_blob(v, &f.bravo, 2, &original);
        assert_eq!(
            v.get("bravo"),
            "EXAMPLE-bravo-v2",
            "restoring the byte should heal it"
        );
    }
}

#[test]
fn a_flipped_byte_in_an_old_value_breaks_only_the_history() {
    let f = three_items();
    let v = &f.v;
    let original = value_blob(v, &f.bravo, 1);
    set_value_blob(v, &f.bravo, 1, &flip_hex(&original, 20));
    assert_corrupt(v, &["history", "bravo", "--reveal"], &f.bravo);
    assert_eq!(v.get("bravo"), "EXAMPLE-bravo-v2");
}

#[test]
fn a_flipped_byte_in_meta_breaks_only_that_item_and_list_warns() {
    let f = three_items();
    let v = &f.v;
    let original = item_blob(v, "meta", &f.bravo);
    let flipped = flip_hex(&original, 20);
    set_item_blob(v, "meta", &f.bravo, &flipped);
    let files = v.snapshot();

    assert_corrupt(v, &["get", "bravo"], &f.bravo);
    assert_corrupt(v, &["show", "bravo"], &f.bravo);
    assert_corrupt(v, &["history", "bravo"], &f.bravo);
    assert_eq!(v.get("alpha"), "EXAMPLE-alpha-value");
    assert_eq!(v.get("charlie"), "EXAMPLE-charlie-value");

    let (names, stderr) = names_listed(v);
    assert_eq!(names, ["alpha", "charlie"]);
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].starts_with("warning[vault.corrupt]: "), "{stderr}");
    assert!(warnings[0].contains(&uuid(&f.bravo)), "{stderr}");
    // The table form warns too, and still lists the others.
    let r = v.run(&["list"]);
    assert!(
        r.success() && r.stdout.contains("alpha") && r.stdout.contains("charlie"),
        "{r:#?}"
    );
    assert!(r.stderr.contains(&uuid(&f.bravo)), "{r:#?}");

    v.assert_unchanged(&files, "reading after a flip in meta");
    assert_eq!(item_blob(v, "meta", &f.bravo), flipped);
}

#[test]
fn a_flipped_byte_in_details_breaks_reading_those_details() {
    let f = three_items();
    let v = &f.v;
    let flipped = flip_hex(&item_blob(v, "details", &f.charlie), 20);
    set_item_blob(v, "details", &f.charlie, &flipped);
    let files = v.snapshot();

    assert_corrupt(v, &["show", "charlie"], &f.charlie);
    assert_corrupt(v, &["get", "charlie", "--field", "username"], &f.charlie);
    assert_corrupt(v, &["get", "charlie", "--field", "notes"], &f.charlie);
    assert_eq!(v.get("alpha"), "EXAMPLE-alpha-value");
    assert_eq!(v.get("bravo"), "EXAMPLE-bravo-v2");
    assert_eq!(names_listed(v).0, ["alpha", "bravo", "charlie"]);

    v.assert_unchanged(&files, "reading after a flip in details");
    assert_eq!(item_blob(v, "details", &f.charlie), flipped);
}

#[test]
fn a_flipped_byte_in_details_makes_get_fail() {
    let f = three_items();
    let v = &f.v;
    let flipped = flip_hex(&item_blob(v, "details", &f.charlie), 20);
    set_item_blob(v, "details", &f.charlie, &flipped);
    assert_corrupt(v, &["get", "charlie"], &f.charlie);
}

#[test]
fn export_refuses_to_write_a_backup_of_a_damaged_vault() {
    let f = three_items();
    let v = &f.v;
    set_value_blob(v, &f.bravo, 1, &flip_hex(&value_blob(v, &f.bravo, 1), -3));
    let out = v.dir.path().join("backup.tessera");
    assert_corrupt(v, &["export", "--out", out.to_str().unwrap()], &f.bravo);
    assert!(!out.exists(), "an incomplete backup was written");
}

// ---- blobs moved between rows -------------------------------------------------

#[test]
fn a_value_copied_from_another_item_is_detected() {
    let f = three_items();
    let v = &f.v;
    let alpha_value = value_blob(v, &f.alpha, 1);
    set_value_blob(v, &f.bravo, 2, &alpha_value);
    let files = v.snapshot();
    assert_corrupt(v, &["get", "bravo"], &f.bravo);
    assert_eq!(v.get("alpha"), "EXAMPLE-alpha-value");
    assert_eq!(v.get("charlie"), "EXAMPLE-charlie-value");
    v.assert_unchanged(&files, "reading after a value swap");
}

#[test]
fn a_value_copied_between_items_of_the_same_kind_is_detected() {
    let f = three_items();
    let v = &f.v;
    v.add("secret", "delta", "EXAMPLE-delta-value", &[]);
    let delta = id_hex(&v.id_of("delta"));
    set_value_blob(v, &delta, 1, &value_blob(v, &f.charlie, 1));
    assert_corrupt(v, &["get", "delta"], &delta);
    assert_eq!(v.get("charlie"), "EXAMPLE-charlie-value");
}

#[test]
fn meta_copied_from_another_item_is_detected() {
    let f = three_items();
    let v = &f.v;
    set_item_blob(v, "meta", &f.charlie, &item_blob(v, "meta", &f.alpha));
    let files = v.snapshot();
    assert_corrupt(v, &["get", "charlie"], &f.charlie);
    assert_eq!(v.get("alpha"), "EXAMPLE-alpha-value");
    assert_eq!(v.get("bravo"), "EXAMPLE-bravo-v2");
    let (names, stderr) = names_listed(v);
    assert_eq!(
        names,
        ["alpha", "bravo"],
        "the copied meta made a second \"alpha\" appear"
    );
    assert!(stderr.contains(&uuid(&f.charlie)), "{stderr}");
    v.assert_unchanged(&files, "reading after a meta swap");
}

#[test]
fn details_copied_from_another_item_are_detected() {
    let f = three_items();
    let v = &f.v;
    set_item_blob(v, "details", &f.alpha, &item_blob(v, "details", &f.charlie));
    assert_corrupt(v, &["show", "alpha"], &f.alpha);
    assert_eq!(v.get_field("charlie", "username"), "charlie-user");
}

#[test]
fn an_old_value_copied_over_the_current_one_is_detected() {
    let f = three_items();
    let v = &f.v;
    set_value_blob(v, &f.bravo, 2, &value_blob(v, &f.bravo, 1));
    let files = v.snapshot();
    assert_corrupt(v, &["get", "bravo"], &f.bravo);
    assert_corrupt(v, &["history", "bravo", "--reveal"], &f.bravo);
    assert_eq!(v.get("alpha"), "EXAMPLE-alpha-value");
    v.assert_unchanged(&files, "reading after a version swap");
}

#[test]
fn a_changed_kind_column_is_detected() {
    let f = three_items();
    let v = &f.v;
    v.sql("UPDATE items SET kind = 'secret' WHERE id = ?", &[hex(&f.alpha)]);
    assert_corrupt(v, &["get", "alpha"], &f.alpha);
    assert_eq!(v.get("charlie"), "EXAMPLE-charlie-value");
}

// ---- the audit log ------------------------------------------------------------

/// A vault with eight audit entries.
fn audited() -> TestVault {
    let v = TestVault::new();
    v.add("api-key", "a", "EXAMPLE-1", &[]);
    v.add("api-key", "b", "EXAMPLE-2", &[]);
    v.ok_stdin(&["rotate", "a", "--value-stdin"], "EXAMPLE-3\n");
    v.ok(&["edit", "b", "--service", "B"]);
    v.add("token", "c", "EXAMPLE-4", &[]);
    v.ok(&["rm", "c", "--yes"]);
    v.ok(&["edit", "a", "--tag", "t"]);
    assert_eq!(v.audit_len(), 8);
    v.ok(&["audit", "--verify"]);
    v
}

fn assert_audit_broken(v: &TestVault, mentions: &str) {
    let msg = v.fail(&["audit", "--verify"], "audit.broken");
    assert!(msg.contains(mentions), "expected {mentions:?} in {msg:?}");
    v.fail(&["audit"], "audit.broken");
}

#[test]
fn deleting_a_middle_audit_entry_is_detected() {
    let v = audited();
    v.sql("DELETE FROM audit_log WHERE seq = 4", &[]);
    assert_audit_broken(&v, "entry 4");
}

#[test]
fn altering_an_audit_entry_is_detected() {
    let v = audited();
    let entry = v.blob("SELECT entry FROM audit_log WHERE seq = 5", &[]);
    v.sql(
        "UPDATE audit_log SET entry = ? WHERE seq = 5",
        &[hex(&flip_hex(&entry, 30))],
    );
    assert_audit_broken(&v, "entry 5");
}

#[test]
fn altering_an_audit_timestamp_is_detected() {
    let v = audited();
    v.sql("UPDATE audit_log SET at = at - 86400000 WHERE seq = 3", &[]);
    assert_audit_broken(&v, "entry 3");
}

#[test]
fn deleting_the_last_audit_entry_is_detected() {
    let v = audited();
    v.sql("DELETE FROM audit_log WHERE seq = 8", &[]);
    assert_audit_broken(&v, "8");
}

#[test]
fn rewinding_the_audit_log_and_its_header_together_is_detected() {
    // Drop the last entry and make the header agree on the count: the head
    // MAC still gives it away.
    let v = audited();
    v.sql("DELETE FROM audit_log WHERE seq = 8", &[]);
    v.sql("UPDATE vault_header SET audit_count = 7", &[]);
    assert_audit_broken(&v, "7");
}

#[test]
fn swapping_two_audit_entries_is_detected() {
    let v = audited();
    let rows = v.sql(
        "SELECT seq, at, entry, chain FROM audit_log WHERE seq IN (2, 3) ORDER BY seq",
        &[],
    );
    let (r2, r3) = (&rows[0], &rows[1]);
    for (target, src) in [(2, r3), (3, r2)] {
        v.sql(
            "UPDATE audit_log SET at = ?, entry = ?, chain = ? WHERE seq = ?",
            &[
                src[1].clone(),
                hex(src[2].as_str().unwrap()),
                hex(src[3].as_str().unwrap()),
                json!(target),
            ],
        );
    }
    assert_audit_broken(&v, "entry 2");
}
