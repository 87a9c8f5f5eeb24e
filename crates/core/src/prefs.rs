//! Preferences kept in the vault (sealed), starting with the app's
//! behaviour settings. Appearance, language and privacy preferences join
//! this module with their own issue.

use crate::error::{Error, Result};
use crate::vault::{now_ms, Vault};
use serde::{Deserialize, Serialize};

/// How the app behaves once unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Settings {
    /// Lock after this long without user activity.
    pub auto_lock_minutes: u32,
    /// Clear a copied value from the clipboard after this long, if unchanged.
    pub clipboard_clear_seconds: u32,
    /// Hide a revealed value again after this long.
    pub reveal_seconds: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            auto_lock_minutes: 5,
            clipboard_clear_seconds: 20,
            reveal_seconds: 15,
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<()> {
        let check = |name: &str, v: u32, lo: u32, hi: u32| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "{name} must be between {lo} and {hi} (got {v})"
                )))
            }
        };
        check("auto_lock_minutes", self.auto_lock_minutes, 1, 1440)?;
        check("clipboard_clear_seconds", self.clipboard_clear_seconds, 5, 600)?;
        check("reveal_seconds", self.reveal_seconds, 3, 600)
    }
}

const SETTINGS_SCOPE: &str = "app.settings";
/// Preferences are sealed like item fields, under a fixed all-zero "item" id.
const PREFS_ID: [u8; 16] = [0; 16];

impl Vault {
    /// The stored settings, or the defaults.
    pub async fn settings(&mut self) -> Result<Settings> {
        let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT body FROM preferences WHERE scope = ?")
            .bind(SETTINGS_SCOPE)
            .fetch_optional(&mut self.store.conn)
            .await?;
        let Some((blob,)) = row else {
            return Ok(Settings::default());
        };
        let aad = crate::crypto::aad(&self.header.vault_id, &PREFS_ID, "preferences", SETTINGS_SCOPE);
        let plain = self
            .keys
            .fields
            .open(&blob, &aad)
            .map_err(|_| Error::Corrupt("the stored settings do not decrypt".into()))?;
        serde_json::from_slice(&plain).map_err(|_| Error::Corrupt("the stored settings are malformed".into()))
    }

    pub async fn save_settings(&mut self, settings: &Settings) -> Result<()> {
        settings.validate()?;
        // A distinct kind label, so a preference blob can never pass for an item field.
        let aad = crate::crypto::aad(&self.header.vault_id, &PREFS_ID, "preferences", SETTINGS_SCOPE);
        let json =
            zeroize::Zeroizing::new(serde_json::to_vec(settings).map_err(|e| Error::Storage(e.to_string()))?);
        let blob = self.keys.fields.seal(&json, &aad)?;
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "INSERT INTO preferences (scope, updated_at, body) VALUES (?, ?, ?)
             ON CONFLICT (scope) DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body",
        )
        .bind(SETTINGS_SCOPE)
        .bind(now_ms())
        .bind(&blob)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
