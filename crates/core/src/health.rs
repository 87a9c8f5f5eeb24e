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
use std::collections::HashMap;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    #[serde(flatten)]
    pub problem: Problem,
    pub severity: Severity,
    /// What to do, in one sentence, naming the command where there is one.
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemHealth {
    pub id: String,
    pub name: String,
    pub kind: ItemKind,
    pub service: Option<String>,
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

fn quote(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./@".contains(c))
    {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

fn rotate_action(s: &ItemSummary, what: &str) -> String {
    let name = quote(&s.name);
    let generated = s.policy.as_ref().is_some_and(|p| p.generator.is_some());
    let at_service = s
        .policy
        .as_ref()
        .and_then(|p| p.rotate_url.as_deref())
        .map(|u| format!(" at {u}"))
        .unwrap_or_default();
    if generated {
        format!("{what}: `tessera rotate {name}`, then update the service{at_service}")
    } else {
        format!("{what}: issue a new value at the service{at_service}, then `tessera rotate {name} --value-stdin`")
    }
}

/// Checks every item against its policy, its expiry and the others.
pub fn scan<'a>(items: impl IntoIterator<Item = &'a ItemSummary>, settings: &HealthSettings) -> HealthReport {
    let items: Vec<&ItemSummary> = items.into_iter().collect();
    let now = settings.now;
    // Count first, and list the items only of values seen more than once:
    // one small allocation per shared value, not one per item.
    let mut counts: HashMap<&str, u32> = HashMap::with_capacity(items.len());
    for s in &items {
        if let Some(f) = &s.facts {
            *counts.entry(f.fingerprint.as_str()).or_default() += 1;
        }
    }
    let mut by_fingerprint: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in items.iter().enumerate() {
        if let Some(f) = s
            .facts
            .as_ref()
            .filter(|f| counts.get(f.fingerprint.as_str()) > Some(&1))
        {
            by_fingerprint.entry(f.fingerprint.as_str()).or_default().push(i);
        }
    }
    let mut report = HealthReport {
        checked: items.len(),
        ..Default::default()
    };
    for (i, s) in items.iter().enumerate() {
        let mut findings = Vec::new();
        let policy = s.policy.as_ref().unwrap_or(&NO_POLICY);
        let warn = i64::from(policy.warn_days()) * DAY_MS;
        // Quoted for the shell only when a finding needs it.
        let name = || quote(&s.name);
        if s.needs_reauth {
            findings.push(Finding {
                problem: Problem::NeedsReauth,
                severity: Severity::Critical,
                action: format!(
                    "The token endpoint refused the refresh token; sign in to the service again and store the new tokens (`tessera rotate {} --value-stdin --refresh-token-file FILE`)",
                    name()
                ),
            });
        }
        if let Some(at) = s.expires_at {
            if at <= now {
                findings.push(Finding {
                    problem: Problem::Expired { at },
                    severity: Severity::Critical,
                    action: rotate_action(s, "Expired; replace it"),
                });
            } else if at - now <= warn {
                findings.push(Finding {
                    problem: Problem::Expiring { at },
                    severity: Severity::Warning,
                    action: rotate_action(s, "Expires soon; replace it before then"),
                });
            }
        }
        if let Some(f) = &s.facts {
            if let Some(max) = policy.max_age_days {
                let due_at = f.set_at.saturating_add(i64::from(max) * DAY_MS);
                if due_at <= now {
                    findings.push(Finding {
                        problem: Problem::RotationOverdue { due_at },
                        severity: Severity::Critical,
                        action: rotate_action(s, "Overdue for rotation; rotate it"),
                    });
                } else if due_at - now <= warn {
                    findings.push(Finding {
                        problem: Problem::RotationDue { due_at },
                        severity: Severity::Warning,
                        action: rotate_action(s, "Due for rotation soon; rotate it"),
                    });
                }
            } else if f.version == 1 && now - f.set_at >= i64::from(settings.never_rotated_days) * DAY_MS {
                findings.push(Finding {
                    problem: Problem::NeverRotated { since: f.set_at },
                    severity: Severity::Notice,
                    action: format!(
                        "Never rotated; rotate it, or give it a policy: `tessera policy {} --max-age DAYS`",
                        name()
                    ),
                });
            }
            if f.version > 1 {
                if let Some(grace) = policy.grace_days.filter(|g| *g > 0) {
                    let until = f.set_at.saturating_add(i64::from(grace) * DAY_MS);
                    if until > now {
                        findings.push(Finding {
                            problem: Problem::InGrace { until },
                            severity: Severity::Notice,
                            action: "The previous value still works during the grace period; revoke it at the service once every client uses the new one".into(),
                        });
                    }
                }
            }
            if let Some(others) = by_fingerprint.get(f.fingerprint.as_str()).filter(|v| v.len() > 1) {
                let mut with: Vec<String> = others
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| items[j].name.clone())
                    .collect();
                with.sort();
                findings.push(Finding {
                    problem: Problem::SharedValue { with },
                    severity: Severity::Warning,
                    action: rotate_action(s, "The same value is in other items; give each its own"),
                });
            }
            if f.strength < settings.weak_below {
                findings.push(Finding {
                    problem: Problem::Weak { score: f.strength },
                    severity: Severity::Warning,
                    action: format!(
                        "Easy to guess; rotate it to a generated value: `tessera rotate {} --generate`",
                        name()
                    ),
                });
            }
        }
        if findings.is_empty() {
            continue;
        }
        findings.sort_by_key(|f| f.severity);
        match findings[0].severity {
            Severity::Critical => report.critical += 1,
            Severity::Warning => report.warning += 1,
            Severity::Notice => report.notice += 1,
        }
        report.items.push(ItemHealth {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: s.kind,
            service: s.service.clone(),
            rotate_url: policy.rotate_url.clone(),
            findings,
        });
    }
    // One lower-cased key per item, not two per comparison.
    report
        .items
        .sort_by_cached_key(|i| (i.findings[0].severity, i.name.to_lowercase()));
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
