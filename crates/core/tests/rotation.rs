//! Rotation, restore, grace periods, policies and the health scan, on real
//! vault files with known dates.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::path::{Path, PathBuf};
use tessera_core::crypto::KdfParams;
use tessera_core::health::{Action, HealthReport, HealthSettings, Problem, Severity, DAY_MS};
use tessera_core::rotation::{Alphabet, Generator, RotationPolicy};
use tessera_core::transfer::{ImportedItem, ImportedValue, Parsed};
use tessera_core::{
    Error, ItemDetails, ItemEdit, ItemKind, ItemMeta, LockedVault, NewItem, Rotation, Vault, Zeroizing,
};

const PW: &str = "correct horse battery staple";
/// A strong value: zxcvbn gives random 32-character strings a 4.
const STRONG: &str = "sk_live_Zq8vN2rT5xW9kL3mP7bC1dF6gH4jA0sE";
/// 2026-06-01T00:00:00Z, the scan's "now" in these tests.
const NOW: i64 = 1_780_272_000_000;

async fn fresh(dir: &Path) -> (PathBuf, Vault) {
    let path = dir.join("vault.db");
    let vault = Vault::create(&path, PW, KdfParams::FLOOR).await.unwrap();
    (path, vault)
}

fn item(name: &str, value: &str) -> NewItem {
    NewItem {
        kind: ItemKind::ApiKey,
        meta: ItemMeta {
            name: name.into(),
            ..Default::default()
        },
        details: ItemDetails::default(),
        value: Zeroizing::new(value.into()),
        expires_at: None,
    }
}

fn rotation(value: &str, reason: &str) -> Rotation {
    Rotation {
        value: Zeroizing::new(value.into()),
        reason: reason.into(),
        actor: "test".into(),
        expires_at: None,
    }
}

/// An item as an import would bring it: values with their own dates.
fn dated(
    name: &str,
    policy: Option<RotationPolicy>,
    expires: Option<i64>,
    values: &[(&str, i64)],
) -> ImportedItem {
    ImportedItem {
        kind: ItemKind::ApiKey,
        meta: ItemMeta {
            name: name.into(),
            policy,
            ..Default::default()
        },
        details: ItemDetails::default(),
        created_at: Some(values[0].1),
        updated_at: Some(values[values.len() - 1].1),
        expires_at: expires,
        versions: values
            .iter()
            .enumerate()
            .map(|(i, (v, at))| ImportedValue {
                value: (*v).into(),
                created_at: Some(*at),
                retired_at: values.get(i + 1).map(|(_, next)| *next),
            })
            .collect(),
    }
}

fn days_ago(d: i64) -> i64 {
    NOW - d * DAY_MS
}

fn problems(report: &HealthReport, name: &str) -> Vec<Problem> {
    report
        .items
        .iter()
        .find(|i| i.name == name)
        .map(|i| i.findings.iter().map(|f| f.problem.clone()).collect())
        .unwrap_or_default()
}

fn jwt(exp: i64) -> String {
    let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
    let p = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"iss":"https://id.example","exp":{exp},"scope":"repo"}}"#
    ));
    format!("{h}.{p}.c2lnbmF0dXJl")
}

#[tokio::test]
async fn rotate_appends_restore_brings_back_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    v.add(item("stripe", "sk_live_first_value_123456")).await.unwrap();
    let s = v
        .rotate_with("stripe", rotation("sk_live_second_value_7890", "leaked"))
        .await
        .unwrap();
    assert_eq!(s.version, Some(2));
    assert_eq!(*v.value("stripe").await.unwrap(), "sk_live_second_value_7890");

    let s = v.restore_version("stripe", 1, "test").await.unwrap();
    assert_eq!(s.version, Some(3));
    assert_eq!(*v.value("stripe").await.unwrap(), "sk_live_first_value_123456");
    let (_, history) = v.history("stripe").await.unwrap();
    let values: Vec<&str> = history.iter().map(|h| h.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "sk_live_first_value_123456",
            "sk_live_second_value_7890",
            "sk_live_first_value_123456"
        ]
    );
    assert!(history[..2].iter().all(|h| h.retired_at.is_some()));
    assert!(history[2].retired_at.is_none());

    // Restoring the current version, or one that does not exist, changes nothing.
    assert!(matches!(
        v.restore_version("stripe", 3, "test").await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        v.restore_version("stripe", 9, "test").await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(v.history("stripe").await.unwrap().1.len(), 3);

    // Who, when and why went to the audit log, and it still verifies.
    let log = v.audit_log().await.unwrap();
    let rotated: Vec<&str> = log
        .iter()
        .filter(|e| e.action == tessera_core::audit::AuditAction::ItemRotated)
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(
        rotated,
        [
            "stripe (version 2) by test: leaked",
            "stripe (version 3) by test: restored version 1"
        ]
    );
    v.close().await.unwrap();

    let mut v = LockedVault::open(&path).await.unwrap().unlock(PW).await.unwrap();
    v.audit_log().await.unwrap();
    let s = v.item("stripe").await.unwrap().summary;
    assert_eq!(s.version, Some(3));
}

#[tokio::test]
async fn the_previous_value_is_available_only_during_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut v) = fresh(dir.path()).await;
    v.add(item("db", "old-password-value-1")).await.unwrap();
    v.add(item("no-grace", "old-password-value-2")).await.unwrap();
    assert!(matches!(v.previous_value("db").await, Err(Error::Invalid(_))));
    let policy = RotationPolicy {
        grace_days: Some(3),
        ..Default::default()
    };
    v.edit(
        "db",
        ItemEdit {
            policy: Some(Some(policy)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    v.rotate_with("db", rotation("new-password-value-1", ""))
        .await
        .unwrap();
    v.rotate_with("no-grace", rotation("new-password-value-2", ""))
        .await
        .unwrap();
    assert_eq!(*v.previous_value("db").await.unwrap(), "old-password-value-1");
    let e = v.previous_value("no-grace").await.unwrap_err();
    assert_eq!(e.code(), "rotation.grace_over");
    // Still in the history, retired.
    let (_, h) = v.history("no-grace").await.unwrap();
    assert_eq!(*h[0].value, "old-password-value-2");

    let report = v.health(&HealthSettings::default()).await.unwrap();
    assert!(
        matches!(problems(&report, "db")[..], [Problem::InGrace { .. }]),
        "{report:#?}"
    );
}

#[tokio::test]
async fn policies_generate_values_and_bad_policies_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut v) = fresh(dir.path()).await;
    v.add(item("svc", STRONG)).await.unwrap();
    let policy = RotationPolicy {
        max_age_days: Some(90),
        generator: Some(Generator {
            length: 16,
            alphabet: Alphabet::Hex,
            prefix: "sk_live_".into(),
            group: 4,
        }),
        rotate_url: Some("https://dashboard.example/keys".into()),
        ..Default::default()
    };
    let s = v
        .edit(
            "svc",
            ItemEdit {
                policy: Some(Some(policy.clone())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(s.policy.as_ref(), Some(&policy));
    let bad = RotationPolicy {
        max_age_days: Some(0),
        ..Default::default()
    };
    let e = v
        .edit(
            "svc",
            ItemEdit {
                policy: Some(Some(bad)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "input.invalid");
    // The stored policy is the good one, after a reload from the file too.
    let s = v.reload_index().await.unwrap().items().next().unwrap().clone();
    assert_eq!(s.policy, Some(policy.clone()));
    let value = policy.generator.unwrap().generate().unwrap();
    assert!(
        value.starts_with("sk_live_") && value.len() == 8 + 16 + 3,
        "{}",
        value.as_str()
    );
}

#[tokio::test]
async fn a_jwt_value_sets_the_expiry_and_a_later_rotation_moves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut v) = fresh(dir.path()).await;
    let mut t = item("gh", &jwt(1_900_000_000));
    t.kind = ItemKind::Token;
    let s = v.add(t).await.unwrap();
    assert_eq!(s.expires_at, Some(1_900_000_000_000));
    let s = v
        .rotate_with("gh", rotation(&jwt(1_950_000_000), ""))
        .await
        .unwrap();
    assert_eq!(s.expires_at, Some(1_950_000_000_000));
    // An explicit expiry wins over the token's own.
    let mut r = rotation(&jwt(1_960_000_000), "");
    r.expires_at = Some(Some(1_800_000_000_000));
    let s = v.rotate_with("gh", r).await.unwrap();
    assert_eq!(s.expires_at, Some(1_800_000_000_000));
    // Opaque values keep the item's expiry.
    let s = v.rotate_with("gh", rotation(STRONG, "")).await.unwrap();
    assert_eq!(s.expires_at, Some(1_800_000_000_000));
}

#[tokio::test]
async fn the_health_scan_on_a_vault_with_known_dates() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut v) = fresh(dir.path()).await;
    let monthly = || {
        Some(RotationPolicy {
            max_age_days: Some(30),
            ..Default::default()
        })
    };
    let parsed = Parsed {
        items: vec![
            dated("fine", None, Some(NOW + 100 * DAY_MS), &[(STRONG, days_ago(10))]),
            dated(
                "expired",
                None,
                Some(NOW - DAY_MS),
                &[("Yx7!pQ2#mZ9@wL4$tR8^vB", days_ago(10))],
            ),
            dated(
                "expiring",
                None,
                Some(NOW + 5 * DAY_MS),
                &[("Hk3&nV6*cJ1(fD5)sG0-aP", days_ago(10))],
            ),
            dated(
                "overdue",
                monthly(),
                None,
                &[("Qw9)eR4*tY7&uI2^oP5%", days_ago(40))],
            ),
            dated(
                "due-soon",
                monthly(),
                None,
                &[("Zx4!cV7@bN1#mA5$sD8%", days_ago(20))],
            ),
            dated(
                "rotated-recently",
                monthly(),
                None,
                &[("Lk2^jH5&gF8*dS1(aQ4)", days_ago(5))],
            ),
            dated("old", None, None, &[("Mn6%bV9^cX2&zA5*sD8(", days_ago(400))]),
            dated(
                "old-but-rotated",
                None,
                None,
                &[
                    ("Po1!iU4@yT7#", days_ago(400)),
                    ("Re5$wQ8%tY1^uI4&", days_ago(300)),
                ],
            ),
            dated("shared-a", None, None, &[("Ab3!dE6@gH9#jK2$mN5%", days_ago(1))]),
            dated("shared-b", None, None, &[("Ab3!dE6@gH9#jK2$mN5%", days_ago(1))]),
            dated("weak", None, None, &[("password1", days_ago(1))]),
        ],
        skipped: vec![],
    };
    v.import_items(parsed, &mut |_, _| {}).await.unwrap();
    let settings = HealthSettings {
        now: NOW,
        ..Default::default()
    };
    let report = v.health(&settings).await.unwrap();
    assert_eq!(report.checked, 11);
    assert!(problems(&report, "fine").is_empty());
    assert!(problems(&report, "rotated-recently").is_empty());
    assert!(problems(&report, "old-but-rotated").is_empty());
    assert_eq!(
        problems(&report, "expired"),
        [Problem::Expired { at: NOW - DAY_MS }]
    );
    assert_eq!(
        problems(&report, "expiring"),
        [Problem::Expiring { at: NOW + 5 * DAY_MS }]
    );
    assert_eq!(
        problems(&report, "overdue"),
        [Problem::RotationOverdue { due_at: days_ago(10) }]
    );
    assert_eq!(
        problems(&report, "due-soon"),
        [Problem::RotationDue {
            due_at: NOW + 10 * DAY_MS
        }]
    );
    assert_eq!(
        problems(&report, "old"),
        [Problem::NeverRotated { since: days_ago(400) }]
    );
    assert_eq!(
        problems(&report, "shared-a"),
        [Problem::SharedValue {
            with: vec!["shared-b".into()]
        }]
    );
    assert!(matches!(problems(&report, "weak")[..], [Problem::Weak { score }] if score < 3));
    assert_eq!(report.critical, 2);
    // Most severe first, then by name.
    let order: Vec<&str> = report.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(&order[..2], ["expired", "overdue"]);
    assert_eq!(
        report.items.last().unwrap().findings[0].severity,
        Severity::Notice
    );
    // Every finding says what to do, as data the CLI and the UI put into words.
    let action = |name: &str| {
        let i = report.items.iter().find(|i| i.name == name).unwrap();
        i.findings.iter().map(|f| f.action).collect::<Vec<_>>()
    };
    // No generator in these policies: new values come from the service.
    for name in [
        "expired", "expiring", "overdue", "due-soon", "shared-a", "shared-b",
    ] {
        assert_eq!(action(name), [Action::ReplaceAtService], "{name}");
    }
    assert_eq!(action("old"), [Action::SetPolicy]);
    assert_eq!(action("weak"), [Action::Strengthen]);
    let json = serde_json::to_value(&report.items[0].findings[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "problem": "expired",
            "at": NOW - DAY_MS,
            "severity": "critical",
            "action": {"kind": "replace_at_service"},
        })
    );

    // Rotating fixes it; the same scan after a reopen agrees.
    v.rotate_with("overdue", rotation(STRONG, "monthly"))
        .await
        .unwrap();
    v.close().await.unwrap();
    let mut v = LockedVault::open(&path).await.unwrap().unlock(PW).await.unwrap();
    let report = v.health(&HealthSettings::default()).await.unwrap();
    let overdue = problems(&report, "overdue");
    // It now shares its value with "fine".
    assert_eq!(
        overdue,
        [Problem::SharedValue {
            with: vec!["fine".into()]
        }]
    );
}

#[tokio::test]
async fn no_fingerprint_or_value_leaves_through_serialized_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let (_path, mut v) = fresh(dir.path()).await;
    let s = v.add(item("canary", "CANARY-9f8e7d6c5b4a")).await.unwrap();
    let fp = s.facts.as_ref().unwrap().fingerprint.clone();
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains(&fp) && !json.contains("CANARY"), "{json}");
    assert!(json.contains("\"version\":1"));
}
