//! Preferences: appearance (per persona profile, readable before unlock),
//! behaviour and privacy (sealed), with defaults, validation, a registry of
//! dotted keys, versioned storage, export/import and profiles.
//!
//! - [`model`]: the typed sections and their rules.
//! - [`keys`]: the registry behind `get`/`set`/`reset`/`list`.
//! - [`store`]: where each part is stored, and migration of older bodies.
//! - [`profiles`]: persona profiles and their filters.
//! - [`file`]: the export/import file.

pub mod file;
pub mod keys;
pub mod model;
pub mod profiles;
pub mod store;

pub use file::{parse_file, PrefsFile, PrefsImport, FILE_FORMAT};
pub use keys::{find_key, Entry, KeyInfo, Section, ValueType, KEYS};
pub use model::*;
pub use profiles::{Profile, ProfileInfo, DEFAULT_PROFILE_NAME};
pub use store::PREFS_VERSION;

use crate::error::Result;
use serde::{Deserialize, Serialize};

/// The app's timing settings: the first three fields of [`Behaviour`].
/// Kept as its own type because the desktop app passes it over IPC; it is
/// read from and written to the behaviour section.
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
        Self::from(&Behaviour::default())
    }
}

impl From<&Behaviour> for Settings {
    fn from(b: &Behaviour) -> Self {
        Self {
            auto_lock_minutes: b.auto_lock_minutes,
            clipboard_clear_seconds: b.clipboard_clear_seconds,
            reveal_seconds: b.reveal_seconds,
        }
    }
}

impl Settings {
    pub fn validate(&self) -> Result<()> {
        let mut b = Behaviour::default();
        self.apply_to(&mut b);
        b.validate()
    }

    pub(crate) fn apply_to(&self, b: &mut Behaviour) {
        b.auto_lock_minutes = self.auto_lock_minutes;
        b.clipboard_clear_seconds = self.clipboard_clear_seconds;
        b.reveal_seconds = self.reveal_seconds;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::store::{migrate_sealed, parse_appearance, V1_SCOPE};
    use super::*;
    use crate::crypto::KdfParams;
    use crate::error::Error;
    use crate::vault::Vault;

    async fn fresh() -> (tempfile::TempDir, Vault) {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::create(&dir.path().join("v.db"), "pw", KdfParams::FLOOR)
            .await
            .unwrap();
        (dir, v)
    }

    /// Stores a blob exactly as the previous release's `save_settings` did:
    /// the `Settings` JSON, sealed under scope `app.settings`, no version.
    async fn store_v1_blob(v: &mut Vault, json: &str) {
        let aad = crate::crypto::aad(&v.header.vault_id, &[0; 16], "preferences", V1_SCOPE);
        let blob = v.keys.fields.seal(json.as_bytes(), &aad).unwrap();
        sqlx::query("INSERT INTO preferences (scope, updated_at, body) VALUES (?, ?, ?)")
            .bind(V1_SCOPE)
            .bind(1_i64)
            .bind(&blob)
            .execute(&mut v.store.conn)
            .await
            .unwrap();
    }

    async fn scopes(v: &mut Vault) -> Vec<String> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT scope FROM preferences ORDER BY scope")
            .fetch_all(&mut v.store.conn)
            .await
            .unwrap();
        rows.into_iter().map(|(s,)| s).collect()
    }

    #[tokio::test]
    async fn v1_settings_blob_becomes_the_behaviour_section() {
        let (_d, mut v) = fresh().await;
        store_v1_blob(
            &mut v,
            r#"{"auto_lock_minutes":42,"clipboard_clear_seconds":33,"reveal_seconds":7}"#,
        )
        .await;
        let p = v.preferences().await.unwrap();
        assert_eq!(p.behaviour.auto_lock_minutes, 42);
        assert_eq!(p.behaviour.clipboard_clear_seconds, 33);
        assert_eq!(p.behaviour.reveal_seconds, 7);
        assert_eq!(p.behaviour.default_sort, SortOrder::Relevance);
        assert_eq!(p.privacy, Privacy::default());
        assert_eq!(v.settings().await.unwrap().auto_lock_minutes, 42);
        // The first write stores version 2 and drops the old blob.
        v.set_preference("theme", "dark", None).await.unwrap();
        assert_eq!(scopes(&mut v).await, ["prefs"]);
        let p = v.preferences().await.unwrap();
        assert_eq!(p.behaviour.auto_lock_minutes, 42);
        assert_eq!(p.appearance.theme, Theme::Dark);
        // And it survives lock and unlock.
        let mut v = v.lock().unlock("pw").await.unwrap();
        assert_eq!(v.settings().await.unwrap().reveal_seconds, 7);
    }

    #[tokio::test]
    async fn save_settings_keeps_the_rest_of_the_behaviour_section() {
        let (_d, mut v) = fresh().await;
        assert_eq!(v.settings().await.unwrap(), Settings::default());
        v.set_preference("lock_on_sleep", "false", None).await.unwrap();
        let s = Settings {
            auto_lock_minutes: 10,
            clipboard_clear_seconds: 30,
            reveal_seconds: 20,
        };
        v.save_settings(&s).await.unwrap();
        assert_eq!(v.settings().await.unwrap(), s);
        assert!(!v.preferences().await.unwrap().behaviour.lock_on_sleep);
        let bad = Settings {
            auto_lock_minutes: 0,
            ..s
        };
        let e = v.save_settings(&bad).await.unwrap_err();
        assert_eq!(e.code(), "input.invalid");
        assert!(e.to_string().contains("auto_lock_minutes"));
        assert_eq!(v.settings().await.unwrap(), s);
    }

    #[test]
    fn migration_reads_v1_and_v2_and_refuses_newer() {
        let v1 = serde_json::json!({"auto_lock_minutes": 9});
        let s = migrate_sealed(v1).unwrap();
        assert_eq!(s.version, PREFS_VERSION);
        assert_eq!(s.behaviour.auto_lock_minutes, 9);
        assert_eq!(s.behaviour.reveal_seconds, 15);
        assert_eq!(s.profiles.len(), 1);
        let v2 = serde_json::json!({"version": 2, "privacy": {"audit_log_days": 30}});
        assert_eq!(migrate_sealed(v2).unwrap().privacy.audit_log_days, 30);
        let v3 = serde_json::json!({"version": 3, "behaviour": {"auto_lock_minutes": 1}});
        let e = migrate_sealed(v3).unwrap_err();
        assert_eq!(e.code(), "vault.too_new");
        assert!(matches!(e, Error::TooNew(3)));
        let e = migrate_sealed(serde_json::json!({"version": 2, "surprise": 1})).unwrap_err();
        assert_eq!(e.code(), "vault.corrupt");
        assert!(parse_appearance(r#"{"version":3,"theme":"dark"}"#).is_err());
        assert_eq!(
            parse_appearance(r#"{"version":2,"theme":"dark"}"#).unwrap().theme,
            Theme::Dark
        );
        // A plaintext row is checked like input.
        assert!(parse_appearance(r#"{"version":2,"text_size":900}"#).is_err());
    }

    #[tokio::test]
    async fn a_newer_stored_body_is_refused_and_not_overwritten() {
        let (_d, mut v) = fresh().await;
        let aad = crate::crypto::aad(&v.header.vault_id, &[0; 16], "preferences", "prefs");
        let newer = br#"{"version":3,"behaviour":{"auto_lock_minutes":3},"holograms":true}"#;
        let blob = v.keys.fields.seal(newer, &aad).unwrap();
        sqlx::query("INSERT INTO preferences (scope, updated_at, body) VALUES ('prefs', 1, ?)")
            .bind(&blob)
            .execute(&mut v.store.conn)
            .await
            .unwrap();
        assert_eq!(v.preferences().await.unwrap_err().code(), "vault.too_new");
        let e = v.set_preference("theme", "dark", None).await.unwrap_err();
        assert_eq!(e.code(), "vault.too_new");
        assert_eq!(v.settings().await.unwrap_err().code(), "vault.too_new");
        let row: (Vec<u8>,) = sqlx::query_as("SELECT body FROM preferences WHERE scope = 'prefs'")
            .fetch_one(&mut v.store.conn)
            .await
            .unwrap();
        assert_eq!(row.0, blob, "the newer body must be left as it was");
    }

    #[tokio::test]
    async fn profiles_rules() {
        let (_d, mut v) = fresh().await;
        let ps = v.profiles().await.unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].name, DEFAULT_PROFILE_NAME);
        assert!(ps[0].active);
        let e = v.delete_profile("Default").await.unwrap_err();
        assert!(e.to_string().contains("only profile"), "{e}");

        v.create_profile(" Work ").await.unwrap();
        assert_eq!(
            v.create_profile("work").await.unwrap_err().code(),
            "input.invalid"
        );
        assert_eq!(v.create_profile("").await.unwrap_err().code(), "input.invalid");
        assert_eq!(
            v.create_profile(&"x".repeat(41)).await.unwrap_err().code(),
            "input.invalid"
        );
        let w = v.switch_profile("WORK").await.unwrap();
        assert_eq!(w.name, "Work");
        assert!(v.active_profile().await.unwrap().name == "Work");
        v.set_preference("theme", "dark", None).await.unwrap();
        v.set_preference("text_size", "125%", Some("Default"))
            .await
            .unwrap();
        let e = v
            .set_preference("auto_lock_minutes", "3", Some("Default"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("only appearance keys"), "{e}");
        assert_eq!(v.preferences().await.unwrap().appearance.theme, Theme::Dark);
        let d = v.profile_preferences(Some("default")).await.unwrap();
        assert_eq!(
            (d.appearance.theme, d.appearance.text_size),
            (Theme::System, 125.0)
        );

        assert_eq!(
            v.rename_profile("Work", "Default").await.unwrap_err().code(),
            "input.invalid"
        );
        v.rename_profile("work", "Office").await.unwrap();
        assert!(v
            .switch_profile("Work")
            .await
            .unwrap_err()
            .to_string()
            .contains("Office"));
        // Deleting the active profile falls back to the first one.
        v.delete_profile("Office").await.unwrap();
        let a = v.active_profile().await.unwrap();
        assert_eq!(a.name, "Default");
        assert_eq!(a.appearance.text_size, 125.0);
        let filters = crate::search::Filters {
            tags: vec!["work".into()],
            kinds: vec![crate::ItemKind::Token],
        };
        let p = v.set_profile_filters("default", filters.clone()).await.unwrap();
        assert_eq!(p.filters, filters);
        for i in 1..MAX_PROFILES_FOR_TEST {
            v.create_profile(&format!("p{i}")).await.unwrap();
        }
        assert_eq!(
            v.create_profile("one too many").await.unwrap_err().code(),
            "input.invalid"
        );
    }

    const MAX_PROFILES_FOR_TEST: usize = profiles::MAX_PROFILES;
}
