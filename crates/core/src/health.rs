//! The health of the vault: what is expired, expiring, overdue for rotation,
//! never rotated, shared between items, or weak, each with what to do.
//!
//! The scan reads only the in-memory index: every fact it needs about a value
//! (version, when it was set, its zxcvbn score and a keyed fingerprint) is
//! recorded in the item's sealed metadata when the value is written.

use crate::crypto::Mac;
use crate::error::Result;
use crate::items::{ItemKind, ItemSummary};
use crate::rotation::RotationPolicy;
use crate::vault::{hex, now_ms, Keys, Vault};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const NO_POLICY: RotationPolicy = RotationPolicy {
    max_age_days: None,
    warn_days: None,
    grace_days: None,
    generator: None,
    rotate_url: None,
};
/// zxcvbn reads this many characters at most: it is slow on long input,
/// and a value that is strong at its start is strong.
const STRENGTH_PREFIX: usize = 100;

/// What the vault remembers of a value without keeping it in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueFacts {
    /// The value's `seq` in the item's history.
    pub version: i64,
    /// When it became current, in milliseconds.
    pub set_at: i64,
    /// zxcvbn score, 0 to 4.
    pub strength: u8,
    /// HMAC-SHA-256 of the value under a vault subkey, first 16 bytes, hex:
    /// equal values have equal fingerprints, and without the vault key it
    /// says nothing. Stored only inside sealed metadata.
    pub fingerprint: String,
}

impl ValueFacts {
    pub(crate) fn of(keys: &Keys, value: &str, version: i64, set_at: i64) -> Self {
        Self {
            version,
            set_at,
            strength: value_strength(value),
            fingerprint: fingerprint(&keys.values, value),
        }
    }
}

fn fingerprint(mac: &Mac, value: &str) -> String {
    let tag = mac.tag(&[value.as_bytes()]);
    hex(&tag[..16])
}

fn value_strength(value: &str) -> u8 {
    let end = value
        .char_indices()
        .nth(STRENGTH_PREFIX)
        .map_or(value.len(), |(i, _)| i);
    crate::strength::estimate(&value[..end], &[]).score
}

/// Thresholds of the scan.
#[derive(Debug, Clone, Copy)]
pub struct HealthSettings {
    /// Milliseconds since the Unix epoch.
    pub now: i64,
    /// Values older than this that were never rotated are reported.
    pub never_rotated_days: u32,
    /// zxcvbn scores below this are weak.
    pub weak_below: u8,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            now: now_ms(),
            never_rotated_days: 180,
            weak_below: 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Broken now: expired, overdue.
    Critical,
    /// Soon broken, or risky.
    Warning,
    /// Worth knowing.
    Notice,
}

/// One thing wrong with an item. Times are milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    Expired {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        at: i64,
    },
    Expiring {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        at: i64,
    },
    RotationOverdue {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        due_at: i64,
    },
    RotationDue {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        due_at: i64,
    },
    NeverRotated {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        since: i64,
    },
    /// The same value is stored in other items too.
    SharedValue {
        with: Vec<String>,
    },
    Weak {
        score: u8,
    },
    /// The previous value is still meant to work until then.
    InGrace {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        until: i64,
    },
    /// The OAuth token endpoint refused the refresh token.
    NeedsReauth,
}

/// What to do about a finding, as data: the CLI and the UI turn it into
/// words (and the UI into the user's language). Where a step happens at the
/// service, the page to go to is the item's [`ItemHealth::rotate_url`]
/// when its policy names one.
///
/// Serialized as `{"kind": "rotate"}`, `{"kind": "replace_at_service"}`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// The policy has a generator: make the next value with
    /// `tessera rotate NAME`, then update the service.
    Rotate,
    /// No generator: issue a new value at the service, then store it with
    /// `tessera rotate NAME --value-stdin`.
    ReplaceAtService,
    /// A weak value: rotate it to a generated one,
    /// `tessera rotate NAME --generate`.
    Strengthen,
    /// Never rotated and no policy: rotate it, or give it a maximum age,
    /// `tessera policy NAME --max-age DAYS`.
    SetPolicy,
    /// The previous value still works during the grace period: revoke it at
    /// the service once every client uses the new one.
    RevokePrevious,
    /// The token endpoint refused the refresh token: sign in to the service
    /// again and store the new tokens,
    /// `tessera rotate NAME --value-stdin --refresh-token-file FILE`.
    Reauthorize,
}

impl Action {
    /// The way to a new value: the item's generator if it has one, the
    /// service otherwise.
    fn new_value(policy: &RotationPolicy) -> Self {
        if policy.generator.is_some() {
            Self::Rotate
        } else {
            Self::ReplaceAtService
        }
    }
}

/// One thing wrong with an item, and what to do about it.
///
/// Serialized flat: `{"problem": "expired", "at": 1780000000000,
/// "severity": "critical", "action": {"kind": "replace_at_service"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    #[serde(flatten)]
    pub problem: Problem,
    pub severity: Severity,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemHealth {
    pub id: String,
    pub name: String,
    pub kind: ItemKind,
    pub service: Option<String>,
    /// Where the service issues new values, from the item's policy.
    pub rotate_url: Option<String>,
    /// Most severe first.
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HealthReport {
    /// Items with at least one finding, most severe first, then by name.
    pub items: Vec<ItemHealth>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub checked: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub critical: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub warning: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub notice: usize,
}

impl HealthReport {
    /// How many items need action now or soon (what a badge shows).
    pub fn due(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.findings.iter().any(|f| f.severity <= Severity::Warning))
            .count()
    }
}

/// A fast hash for fingerprints (FxHash's step, then a final mix). They are
/// HMAC outputs under a vault key: evenly spread, and nobody without the
/// key can make two collide, so SipHash's defence against chosen keys buys
/// nothing here.
#[derive(Default)]
struct FingerprintHasher(u64);

impl FingerprintHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for FingerprintHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (the bucket) weakest: fold the
        // high ones down.
        let x = self.0 ^ (self.0 >> 32);
        x.wrapping_mul(Self::K) ^ (x >> 29)
    }
}

/// Which items hold the same value as others.
struct SharedValues {
    /// For each item, the index in `groups` of the items that share its
    /// value, or `usize::MAX`.
    group: Vec<usize>,
    groups: Vec<Vec<usize>>,
}

impl SharedValues {
    /// One hash lookup per item; allocations only for shared values.
    fn of(items: &[&ItemSummary]) -> Self {
        let mut first: HashMap<&str, usize, BuildHasherDefault<FingerprintHasher>> =
            HashMap::with_capacity_and_hasher(items.len(), BuildHasherDefault::default());
        let mut group = vec![usize::MAX; items.len()];
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, s) in items.iter().enumerate() {
            let Some(f) = &s.facts else { continue };
            let j = *first.entry(f.fingerprint.as_str()).or_insert(i);
            if j == i {
                continue;
            }
            // `j < i`, both in range.
            let mut g = group[j];
            if g == usize::MAX {
                g = groups.len();
                groups.push(vec![j]);
                group[j] = g;
            }
            groups[g].push(i);
            group[i] = g;
        }
        Self { group, groups }
    }

    /// The other items with the value of item `i`, if any.
    fn others<'a>(&self, i: usize, items: &[&'a ItemSummary]) -> Option<Vec<&'a str>> {
        let members = self.groups.get(*self.group.get(i)?)?;
        Some(
            members
                .iter()
                .filter(|&&j| j != i)
                .filter_map(|&j| items.get(j).map(|s| s.name.as_str()))
                .collect(),
        )
    }
}

/// The name as the report sorts it: lower-cased, borrowed when it already
/// is (most names are).
fn sort_key(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// The severity, then the first 15 bytes of the sort key, zero-padded, as
/// one number: when two differ, they are in the order of (severity, key).
fn order_prefix(severity: Severity, key: &str) -> u128 {
    let mut bytes = [0; 16];
    bytes[0] = severity as u8;
    let n = key.len().min(15);
    bytes[1..=n].copy_from_slice(&key.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// The findings of one item, most severe first; empty when it is healthy.
fn check(s: &ItemSummary, shared_with: Option<Vec<&str>>, settings: &HealthSettings) -> Vec<Finding> {
    let now = settings.now;
    let mut findings = Vec::new();
    let policy = s.policy.as_ref().unwrap_or(&NO_POLICY);
    let warn = i64::from(policy.warn_days()) * DAY_MS;
    let new_value = Action::new_value(policy);
    let mut push = |problem, severity, action| {
        findings.push(Finding {
            problem,
            severity,
            action,
        })
    };
    if s.needs_reauth {
        push(Problem::NeedsReauth, Severity::Critical, Action::Reauthorize);
    }
    if let Some(at) = s.expires_at {
        if at <= now {
            push(Problem::Expired { at }, Severity::Critical, new_value);
        } else if at - now <= warn {
            push(Problem::Expiring { at }, Severity::Warning, new_value);
        }
    }
    if let Some(f) = &s.facts {
        if let Some(max) = policy.max_age_days {
            let due_at = f.set_at.saturating_add(i64::from(max) * DAY_MS);
            if due_at <= now {
                push(Problem::RotationOverdue { due_at }, Severity::Critical, new_value);
            } else if due_at - now <= warn {
                push(Problem::RotationDue { due_at }, Severity::Warning, new_value);
            }
        } else if f.version == 1 && now - f.set_at >= i64::from(settings.never_rotated_days) * DAY_MS {
            push(
                Problem::NeverRotated { since: f.set_at },
                Severity::Notice,
                Action::SetPolicy,
            );
        }
        if f.version > 1 {
            if let Some(grace) = policy.grace_days.filter(|g| *g > 0) {
                let until = f.set_at.saturating_add(i64::from(grace) * DAY_MS);
                if until > now {
                    push(
                        Problem::InGrace { until },
                        Severity::Notice,
                        Action::RevokePrevious,
                    );
                }
            }
        }
        if let Some(others) = shared_with.filter(|o| !o.is_empty()) {
            let mut with: Vec<String> = others.into_iter().map(str::to_owned).collect();
            with.sort();
            push(Problem::SharedValue { with }, Severity::Warning, new_value);
        }
        if f.strength < settings.weak_below {
            push(
                Problem::Weak { score: f.strength },
                Severity::Warning,
                Action::Strengthen,
            );
        }
    }
    findings.sort_by_key(|f| f.severity);
    findings
}

/// Checks every item against its policy, its expiry and the others.
pub fn scan<'a>(items: impl IntoIterator<Item = &'a ItemSummary>, settings: &HealthSettings) -> HealthReport {
    let items: Vec<&ItemSummary> = items.into_iter().collect();
    let shared = SharedValues::of(&items);
    let mut report = HealthReport {
        checked: items.len(),
        ..Default::default()
    };
    // Collected, sorted through small keys, then copied out of the
    // summaries in order.
    let mut flagged: Vec<(&'a ItemSummary, Cow<'a, str>, Vec<Finding>)> = Vec::new();
    let mut order: Vec<(u128, usize)> = Vec::new();
    for (i, &s) in items.iter().enumerate() {
        let findings = check(s, shared.others(i, &items), settings);
        let Some(worst) = findings.first().map(|f| f.severity) else {
            continue;
        };
        match worst {
            Severity::Critical => report.critical += 1,
            Severity::Warning => report.warning += 1,
            Severity::Notice => report.notice += 1,
        }
        let name = sort_key(&s.name);
        order.push((order_prefix(worst, &name), flagged.len()));
        flagged.push((s, name, findings));
    }
    // Most severe first, then by name; equal names keep their order. The
    // prefix settles most comparisons without reading the names.
    order.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| flagged[a.1].1.cmp(&flagged[b.1].1))
            .then(a.1.cmp(&b.1))
    });
    report.items = order
        .iter()
        .map(|&(_, k)| {
            let (s, _, findings) = &mut flagged[k];
            ItemHealth {
                id: s.id.clone(),
                name: s.name.clone(),
                kind: s.kind,
                service: s.service.clone(),
                rotate_url: s.policy.as_ref().and_then(|p| p.rotate_url.clone()),
                findings: std::mem::take(findings),
            }
        })
        .collect();
    report
}

impl Vault {
    /// The health of every item, after filling in facts that older items
    /// lack.
    pub async fn health(&mut self, settings: &HealthSettings) -> Result<HealthReport> {
        self.backfill_value_facts().await?;
        let index = self.load_index().await?;
        Ok(scan(index.items(), settings))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::rotation::Generator;

    const NOW: i64 = 1_780_000_000_000;

    fn summary(name: &str, fingerprint: &str, version: i64, age_days: i64) -> ItemSummary {
        ItemSummary {
            id: format!("id-{name}"),
            kind: ItemKind::Secret,
            name: name.into(),
            service: None,
            tags: vec![],
            env_var: None,
            scopes: vec![],
            created_at: 0,
            updated_at: 0,
            expires_at: None,
            policy: None,
            version: None,
            value_set_at: None,
            facts: Some(ValueFacts {
                version,
                set_at: NOW - age_days * DAY_MS,
                strength: 4,
                fingerprint: fingerprint.into(),
            }),
            needs_reauth: false,
        }
    }

    fn settings() -> HealthSettings {
        HealthSettings {
            now: NOW,
            ..Default::default()
        }
    }

    #[test]
    fn actions_follow_the_policy_and_the_problem() {
        let mut generated = summary("gen", "f1", 2, 1);
        generated.expires_at = Some(NOW - DAY_MS);
        generated.policy = Some(RotationPolicy {
            grace_days: Some(3),
            generator: Some(Generator::default()),
            rotate_url: Some("https://example.com/keys".into()),
            ..Default::default()
        });
        let mut oauth = summary("oauth", "f2", 1, 1);
        oauth.needs_reauth = true;
        let report = scan(&[generated, oauth], &settings());
        let got: Vec<(&str, Vec<(Severity, Action)>)> = report
            .items
            .iter()
            .map(|i| {
                let f = i.findings.iter().map(|f| (f.severity, f.action)).collect();
                (i.name.as_str(), f)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "gen",
                    vec![
                        (Severity::Critical, Action::Rotate),
                        (Severity::Notice, Action::RevokePrevious)
                    ]
                ),
                ("oauth", vec![(Severity::Critical, Action::Reauthorize)]),
            ]
        );
        assert_eq!(
            report.items[0].rotate_url.as_deref(),
            Some("https://example.com/keys")
        );
        let json = serde_json::to_value(&report.items[1].findings[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"problem": "needs_reauth", "severity": "critical", "action": {"kind": "reauthorize"}})
        );
    }

    #[test]
    fn every_holder_of_a_shared_value_names_the_others() {
        let items = [
            summary("c", "same", 1, 1),
            summary("a", "other", 1, 1),
            summary("b", "same", 1, 1),
            summary("d", "same", 1, 1),
        ];
        let report = scan(&items, &settings());
        let with = |name: &str| {
            let i = report.items.iter().find(|i| i.name == name).unwrap();
            match &i.findings[..] {
                [Finding {
                    problem: Problem::SharedValue { with },
                    ..
                }] => with.clone(),
                f => panic!("{f:?}"),
            }
        };
        assert_eq!(with("b"), ["c", "d"]);
        assert_eq!(with("c"), ["b", "d"]);
        assert_eq!(with("d"), ["b", "c"]);
        assert!(report.items.iter().all(|i| i.name != "a"));
    }

    #[test]
    fn the_order_is_severity_then_name_ignoring_case_then_the_index() {
        let weak = |name: &str| {
            let mut s = summary(name, name, 2, 1);
            if let Some(f) = s.facts.as_mut() {
                f.strength = 0;
            }
            s
        };
        let mut expired = weak("Zeta");
        expired.expires_at = Some(NOW);
        let items = [
            weak("b-long-name-sharing-a-prefix-2"),
            weak("B-long-name-sharing-a-prefix-1"),
            weak("Élan"),
            weak("a"),
            expired,
            weak("b-long-name-sharing-a-prefix-1"),
        ];
        let report = scan(&items, &settings());
        let ids: Vec<&str> = report.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "id-Zeta",
                "id-a",
                "id-B-long-name-sharing-a-prefix-1",
                "id-b-long-name-sharing-a-prefix-1",
                "id-b-long-name-sharing-a-prefix-2",
                "id-Élan",
            ]
        );
        assert_eq!((report.critical, report.warning, report.notice), (1, 5, 0));
    }
}
