//! Append-only, hash-chained event log. Each entry is sealed; its chain value
//! is an HMAC over the previous chain value, its sequence number, time and
//! ciphertext, and the header keeps the newest chain value and the count, so
//! removing, altering, reordering or truncating entries is detected.

use crate::crypto;
use crate::error::{Error, Result};
use crate::vault::{now_ms, Header, Keys, Vault};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    VaultCreated,
    PasswordChanged,
    ItemAdded,
    ItemEdited,
    ItemRemoved,
    ItemRotated,
    ItemsImported,
    VaultExported,
    DeviceUnlockChanged,
    ConsentGranted,
    ConsentRevoked,
    /// The agent gave an item's secret to a program.
    SecretShared,
    /// An OAuth refresh stored a new access token (and maybe refresh token).
    TokenRefreshed,
    /// The token endpoint refused the refresh token (`invalid_grant`).
    ReauthNeeded,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub action: AuditAction,
    pub item_id: Option<String>,
    pub detail: String,
}

#[derive(Serialize, Deserialize)]
struct SealedBody {
    action: AuditAction,
    item_id: Option<String>,
    detail: String,
}

fn entry_aad(header: &Header, seq: i64) -> Vec<u8> {
    crypto::aad(&header.vault_id, &seq.to_be_bytes(), "audit", "entry")
}

fn chain_mac(keys: &Keys, prev: &[u8], seq: i64, at: i64, entry: &[u8]) -> Vec<u8> {
    keys.audit
        .tag(&[prev, &seq.to_be_bytes(), &at.to_be_bytes(), entry])
}

pub(crate) async fn append(
    conn: &mut SqliteConnection,
    keys: &Keys,
    header: &Header,
    action: AuditAction,
    item_id: Option<&[u8; 16]>,
    detail: &str,
) -> Result<()> {
    let (count, head): (i64, Option<Vec<u8>>) =
        sqlx::query_as("SELECT audit_count, audit_head FROM vault_header WHERE singleton = 1")
            .fetch_one(&mut *conn)
            .await?;
    let seq = count + 1;
    let at = now_ms();
    let body = SealedBody {
        action,
        item_id: item_id.map(crate::items::id_to_string),
        detail: detail.to_owned(),
    };
    let json = serde_json::to_vec(&body).map_err(|e| Error::Storage(e.to_string()))?;
    let entry = keys.fields.seal(&json, &entry_aad(header, seq))?;
    let chain = chain_mac(keys, head.as_deref().unwrap_or_default(), seq, at, &entry);
    sqlx::query("INSERT INTO audit_log (seq, at, entry, chain) VALUES (?, ?, ?, ?)")
        .bind(seq)
        .bind(at)
        .bind(&entry)
        .bind(&chain)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE vault_header SET audit_count = ?, audit_head = ? WHERE singleton = 1")
        .bind(seq)
        .bind(&chain)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Vault {
    /// Reads and checks the whole log; any break is an `audit.broken` error
    /// naming the first bad entry.
    pub async fn audit_log(&mut self) -> Result<Vec<AuditEntry>> {
        let rows: Vec<(i64, i64, Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT seq, at, entry, chain FROM audit_log ORDER BY seq")
                .fetch_all(&mut self.store.conn)
                .await?;
        let (count, head): (i64, Option<Vec<u8>>) =
            sqlx::query_as("SELECT audit_count, audit_head FROM vault_header WHERE singleton = 1")
                .fetch_one(&mut self.store.conn)
                .await?;
        let mut prev: Vec<u8> = Vec::new();
        let mut out = Vec::with_capacity(rows.len());
        for (i, (seq, at, entry, chain)) in rows.into_iter().enumerate() {
            let expected_seq = i as i64 + 1;
            if seq != expected_seq {
                return Err(Error::AuditBroken(format!("entry {expected_seq} is missing")));
            }
            if !self
                .keys
                .audit
                .verify(&[&prev, &seq.to_be_bytes(), &at.to_be_bytes(), &entry], &chain)
            {
                return Err(Error::AuditBroken(format!(
                    "entry {seq} was altered, or an entry before it was removed"
                )));
            }
            let plain = self
                .keys
                .fields
                .open(&entry, &entry_aad(&self.header, seq))
                .map_err(|_| Error::AuditBroken(format!("entry {seq} does not decrypt")))?;
            let body: SealedBody = serde_json::from_slice(&plain)
                .map_err(|_| Error::AuditBroken(format!("entry {seq} is malformed")))?;
            out.push(AuditEntry {
                seq,
                at,
                action: body.action,
                item_id: body.item_id,
                detail: body.detail,
            });
            prev = chain;
        }
        if out.len() as i64 != count || head.as_deref().unwrap_or_default() != prev.as_slice() {
            return Err(Error::AuditBroken(format!(
                "the log ends at entry {} but the vault recorded {count} entries",
                out.len()
            )));
        }
        Ok(out)
    }
}
