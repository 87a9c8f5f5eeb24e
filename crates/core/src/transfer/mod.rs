//! Import and export: dotenv files, Bitwarden and KeePassXC exports, and
//! Tessera's own encrypted backup. Every import is one transaction: all of
//! it lands, or none of it.

pub mod backup;
pub mod bitwarden;
pub mod dotenv;
pub mod keepassxc;

use crate::audit::{self, AuditAction};
use crate::error::{Error, Result};
use crate::health::ValueFacts;
use crate::items::{self, fold_name, ItemDetails, ItemId, ItemKind, ItemMeta};
use crate::vault::{now_ms, Vault};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::str::FromStr;
use zeroize::{Zeroize, ZeroizeOnDrop};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Dotenv,
    Bitwarden,
    Keepassxc,
    TesseraBackup,
}

impl FromStr for ImportFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "dotenv" | "env" => Ok(ImportFormat::Dotenv),
            "bitwarden" | "bitwarden-json" => Ok(ImportFormat::Bitwarden),
            "keepassxc" | "keepassxc-csv" => Ok(ImportFormat::Keepassxc),
            "tessera-backup" => Ok(ImportFormat::TesseraBackup),
            _ => Err(Error::invalid(format!(
                "unknown import format {s:?} (expected dotenv, bitwarden, keepassxc or tessera-backup)"
            ))),
        }
    }
}

/// One version of a value, as read from a file.
#[derive(Debug, Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct ImportedValue {
    pub value: String,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub retired_at: Option<i64>,
}

/// An item read from a file, before it is stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportedItem {
    pub kind: ItemKind,
    pub meta: ItemMeta,
    pub details: ItemDetails,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub updated_at: Option<i64>,
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Oldest first; the last one is current.
    pub versions: Vec<ImportedValue>,
}

/// A record of the file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Skipped {
    /// Where it was, such as `line 4` or `item 3 ("Visa")`.
    pub record: String,
    pub reason: String,
}

/// What a parser found.
#[derive(Debug, Default)]
pub struct Parsed {
    pub items: Vec<ImportedItem>,
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub imported: usize,
    pub skipped: Vec<Skipped>,
    /// Items renamed because another item of the same file had their name.
    pub renamed: Vec<(String, String)>,
}

/// Called as items are stored: (done, total).
pub type Progress<'a> = &'a mut (dyn FnMut(usize, usize) + Send);

/// Parses a file of a plain-text format. (Backups need a password: see
/// [`backup::decrypt`].)
pub fn parse(format: ImportFormat, bytes: &[u8]) -> Result<Parsed> {
    match format {
        ImportFormat::Dotenv => dotenv::parse(bytes),
        ImportFormat::Bitwarden => bitwarden::parse(bytes),
        ImportFormat::Keepassxc => keepassxc::parse(bytes),
        ImportFormat::TesseraBackup => Err(Error::invalid("a Tessera backup needs its password to be read")),
    }
}

/// Picks a kind from a field or variable name: `*TOKEN*` is a token,
/// `*KEY*` an API key, anything else a generic secret.
pub(crate) fn kind_from_name(name: &str) -> ItemKind {
    let upper = name.to_uppercase();
    if upper.contains("TOKEN") || upper.contains("JWT") {
        ItemKind::Token
    } else if upper.contains("KEY") {
        ItemKind::ApiKey
    } else {
        ItemKind::Secret
    }
}

/// Parses an ISO 8601 / RFC 3339 date-time as milliseconds.
pub(crate) fn parse_time(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.timestamp_millis())
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|t| t.and_utc().timestamp_millis())
        })
}

/// Describes a JSON error without quoting the input: serde's own messages
/// can echo a value, and values here are secrets.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Eof => "the file ends too early",
        serde_json::error::Category::Data => "a value has the wrong type or a required field is missing",
        serde_json::error::Category::Io => "read error",
    };
    format!("line {} column {}: {what}", e.line(), e.column())
}

impl Vault {
    /// Stores parsed items in one transaction. Items that clash with a name
    /// already in the vault, or that fail validation, are skipped and
    /// reported; a storage failure rolls everything back.
    pub async fn import_items(&mut self, parsed: Parsed, progress: Progress<'_>) -> Result<ImportReport> {
        let Parsed { items, skipped } = parsed;
        let mut report = ImportReport {
            skipped,
            ..Default::default()
        };
        let total = items.len();
        let now = now_ms();
        let mut seen: HashSet<String> = HashSet::new();
        let mut prepared = Vec::with_capacity(items.len());
        for (i, mut item) in items.into_iter().enumerate() {
            let record = format!("record {} ({:?})", i + 1, item.meta.name);
            if let Err(e) = items::validate_new(&item.meta, item.versions.last().map(|v| v.value.as_str())) {
                report.skipped.push(Skipped {
                    record,
                    reason: e.to_string(),
                });
                continue;
            }
            let base = item.meta.name.clone();
            let mut n = 2;
            while !seen.insert(fold_name(&item.meta.name)) {
                item.meta.name = format!("{base} ({n})");
                n += 1;
            }
            if item.meta.name != base {
                report.renamed.push((base, item.meta.name.clone()));
            }
            let id: ItemId = *uuid::Uuid::new_v4().as_bytes();
            let mut values = Vec::with_capacity(item.versions.len());
            let last = item.versions.len();
            // A version without its own date starts when the one before it
            // was retired (or when the item was created).
            let mut previous_end = item.created_at;
            for (k, v) in item.versions.iter().enumerate() {
                let seq = k as i64 + 1;
                let blob = items::seal_value(&self.keys, &self.header, &id, item.kind, seq, &v.value)?;
                let mut created = v.created_at.or(previous_end).unwrap_or(now);
                let retired = if k + 1 == last {
                    None
                } else {
                    let r = v.retired_at.unwrap_or(created);
                    created = created.min(r);
                    Some(r)
                };
                previous_end = retired;
                values.push((seq, created, retired, blob));
            }
            if let (Some(v), Some((seq, created, _, _))) = (item.versions.last(), values.last()) {
                item.meta.current = Some(ValueFacts::of(&self.keys, &v.value, *seq, *created));
                if item.expires_at.is_none() {
                    item.expires_at = crate::jwt::decode(&v.value).and_then(|c| c.expires_at);
                }
            }
            let sealed = items::seal_item(
                &self.keys,
                &self.header,
                &id,
                item.kind,
                &item.meta,
                &item.details,
            )?;
            let tag = items::name_tag(&self.keys, &item.meta.name);
            prepared.push((record, id, item, sealed, values, tag));
        }
        let mut tx = self.store.begin_write().await?;
        let mut added = Vec::new();
        for (done, (record, id, item, sealed, values, tag)) in prepared.into_iter().enumerate() {
            let created = item.created_at.unwrap_or(now);
            let updated = item.updated_at.unwrap_or(created);
            match items::insert_item(
                &mut tx,
                &id,
                item.kind,
                &tag,
                created,
                updated,
                item.expires_at,
                &sealed,
            )
            .await
            {
                Ok(()) => {}
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                    report.skipped.push(Skipped {
                        record,
                        reason: "an item with this name is already in the vault".into(),
                    });
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            for (seq, created, retired, blob) in &values {
                items::insert_value(&mut tx, &id, *seq, *created, *retired, blob).await?;
            }
            added.push(items::summary(
                &id,
                item.kind,
                item.meta.clone(),
                created,
                updated,
                item.expires_at,
            ));
            progress(done + 1, total);
        }
        report.imported = added.len();
        let detail = format!(
            "{} items imported, {} skipped",
            report.imported,
            report.skipped.len()
        );
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::ItemsImported,
            None,
            &detail,
        )
        .await?;
        tx.commit().await?;
        if let Some(index) = &mut self.index {
            for s in added {
                index.upsert(s);
            }
        }
        Ok(report)
    }
}
