//! Per-application consent: which program may receive which item's secret
//! from the agent. Lasting decisions ("always", "deny") are sealed rows of
//! `consent_records`; "this session" decisions live only in the agent's
//! memory and go when it locks; "once" is never stored.

use crate::audit::{self, AuditAction};
use crate::crypto;
use crate::error::{Error, Result};
use crate::items::{id_to_string, ItemId};
use crate::vault::{now_ms, Vault};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

const RECORD_KIND: &str = "app_grant";

/// What the user answered when a program asked for a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// This request only.
    Once,
    /// Until the agent locks.
    Session,
    /// Stored in the vault until revoked.
    Always,
    /// Refused, and remembered (stored) until revoked.
    Deny,
}

impl Decision {
    pub fn allows(self) -> bool {
        !matches!(self, Decision::Deny)
    }

    /// Whether the decision is kept in the vault.
    pub fn is_lasting(self) -> bool {
        matches!(self, Decision::Always | Decision::Deny)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Once => "once",
            Decision::Session => "session",
            Decision::Always => "always",
            Decision::Deny => "deny",
        }
    }
}

impl FromStr for Decision {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "once" | "o" => Ok(Decision::Once),
            "session" | "s" => Ok(Decision::Session),
            "always" | "a" => Ok(Decision::Always),
            "deny" | "d" | "never" => Ok(Decision::Deny),
            _ => Err(Error::invalid(format!(
                "unknown decision {s:?} (expected once, session, always or deny)"
            ))),
        }
    }
}

/// A lasting decision, as stored (sealed) in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Grant {
    pub id: String,
    /// The program's absolute path, as the kernel reports it.
    pub executable: String,
    pub item_id: String,
    /// The item's name when the decision was made.
    pub item_name: String,
    pub decision: Decision,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
}

#[derive(Serialize, Deserialize)]
struct SealedGrant {
    executable: String,
    item_id: String,
    item_name: String,
    decision: Decision,
}

fn grant_aad(vault_id: &[u8], id: &[u8]) -> Vec<u8> {
    crypto::aad(vault_id, id, "consent", "grant")
}

impl Vault {
    /// Every lasting decision, oldest first. A record that does not open is
    /// reported as `vault.corrupt`: a silently dropped "deny" would be a
    /// grant.
    pub async fn grants(&mut self) -> Result<Vec<Grant>> {
        let rows: Vec<(Vec<u8>, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT id, created_at, record FROM consent_records WHERE kind = ? ORDER BY created_at, id",
        )
        .bind(RECORD_KIND)
        .fetch_all(&mut self.store.conn)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, created_at, blob) in rows {
            let bad = || Error::Corrupt("a consent record does not decrypt".into());
            let plain = self
                .keys
                .fields
                .open(&blob, &grant_aad(&self.header.vault_id, &id))
                .map_err(|_| bad())?;
            let g: SealedGrant = serde_json::from_slice(&plain).map_err(|_| bad())?;
            let id: ItemId = id.as_slice().try_into().map_err(|_| bad())?;
            out.push(Grant {
                id: id_to_string(&id),
                executable: g.executable,
                item_id: g.item_id,
                item_name: g.item_name,
                decision: g.decision,
                created_at,
            });
        }
        Ok(out)
    }

    /// Stores a lasting decision for (executable, item), replacing an
    /// earlier one for the same pair, and audits it.
    pub async fn record_grant(
        &mut self,
        executable: &str,
        item_name_or_id: &str,
        decision: Decision,
    ) -> Result<Grant> {
        if !decision.is_lasting() {
            return Err(Error::invalid("only always and deny are stored"));
        }
        if !executable.starts_with('/') || executable.chars().any(char::is_control) {
            return Err(Error::invalid("the executable must be an absolute path"));
        }
        let view = self.item(item_name_or_id).await?;
        let item_id = view.summary.id.clone();
        let earlier: Vec<String> = self
            .grants()
            .await?
            .into_iter()
            .filter(|g| g.executable == executable && g.item_id == item_id)
            .map(|g| g.id)
            .collect();
        let id: ItemId = *uuid::Uuid::new_v4().as_bytes();
        let now = now_ms();
        let body = SealedGrant {
            executable: executable.to_owned(),
            item_id: item_id.clone(),
            item_name: view.summary.name.clone(),
            decision,
        };
        let json = serde_json::to_vec(&body).map_err(|e| Error::Storage(e.to_string()))?;
        let blob = self
            .keys
            .fields
            .seal(&json, &grant_aad(&self.header.vault_id, &id))?;
        let mut tx = self.store.begin_write().await?;
        for old in &earlier {
            if let Ok(u) = uuid::Uuid::parse_str(old) {
                sqlx::query("DELETE FROM consent_records WHERE id = ?")
                    .bind(&u.as_bytes()[..])
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query(
            "INSERT INTO consent_records (id, kind, created_at, updated_at, record) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&id[..])
        .bind(RECORD_KIND)
        .bind(now)
        .bind(now)
        .bind(&blob)
        .execute(&mut *tx)
        .await?;
        let detail = format!("{} for {} to {executable}", decision.as_str(), view.summary.name);
        let item_bytes = uuid::Uuid::parse_str(&item_id).map(|u| *u.as_bytes()).ok();
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::ConsentGranted,
            item_bytes.as_ref(),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(Grant {
            id: id_to_string(&id),
            executable: body.executable,
            item_id,
            item_name: body.item_name,
            decision,
            created_at: now,
        })
    }

    /// Removes a lasting decision; the program will be asked again.
    pub async fn revoke_grant(&mut self, grant_id: &str) -> Result<Grant> {
        let grant = self
            .grants()
            .await?
            .into_iter()
            .find(|g| g.id == grant_id)
            .ok_or_else(|| Error::invalid(format!("no consent decision with id {grant_id:?}")))?;
        let id = uuid::Uuid::parse_str(grant_id).map_err(|_| Error::invalid("malformed consent id"))?;
        let mut tx = self.store.begin_write().await?;
        sqlx::query("DELETE FROM consent_records WHERE id = ?")
            .bind(&id.as_bytes()[..])
            .execute(&mut *tx)
            .await?;
        let detail = format!(
            "revoked {} for {} to {}",
            grant.decision.as_str(),
            grant.item_name,
            grant.executable
        );
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::ConsentRevoked,
            None,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(grant)
    }

    /// Records that the agent handed an item's secret to a program.
    pub async fn audit_secret_use(
        &mut self,
        item_id: &str,
        item_name: &str,
        executable: &str,
        how: Decision,
    ) -> Result<()> {
        let bytes = uuid::Uuid::parse_str(item_id)
            .map(|u| *u.as_bytes())
            .map_err(|_| Error::invalid("malformed item id"))?;
        let detail = format!("{item_name} to {executable} ({})", how.as_str());
        let mut tx = self.store.begin_write().await?;
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::SecretShared,
            Some(&bytes),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
