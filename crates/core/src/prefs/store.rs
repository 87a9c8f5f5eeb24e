//! Where preferences live, and how older bodies are read.
//!
//! - Sealed, in `preferences` under scope `prefs`: behaviour, privacy and
//!   the profiles (names, filters, identity) — AEAD under the fields key,
//!   AAD = vault id ‖ fixed id ‖ "preferences" ‖ scope.
//! - Plaintext, in `appearance` (one row per opaque profile id) and
//!   `active_profile`: only display choices, so the lock screen can use them
//!   before unlock. No name, tag, claim or other user content goes there.
//!
//! Every body carries `"version"`. Version 1 is the app's original
//! `Settings` blob (scope `app.settings`, no version field); it is read as
//! the behaviour section of version 2 and replaced on the next write. A
//! body newer than [`PREFS_VERSION`] is refused whole, never half-read.

use super::model::{Appearance, Behaviour, Preferences, Privacy};
use super::profiles::{Profile, DEFAULT_PROFILE_ID};
use crate::error::{Error, Result};
use crate::vault::{now_ms, LockedVault, Vault};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::SqliteConnection;
use std::collections::HashMap;

/// The format of stored bodies and of export files.
pub const PREFS_VERSION: u64 = 2;
/// Scope of the version 1 blob (the app's `Settings`).
pub(crate) const V1_SCOPE: &str = "app.settings";
const SCOPE: &str = "prefs";
/// Preferences are sealed like item fields, under a fixed all-zero "item" id
/// and a distinct kind label, so they can never pass for an item field.
const PREFS_ID: [u8; 16] = [0; 16];

/// The sealed body, version 2.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Sealed {
    pub version: u64,
    pub behaviour: Behaviour,
    pub privacy: Privacy,
    pub profiles: Vec<Profile>,
}

/// Everything stored, loaded at once: one decryption and one small query.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub sealed: Sealed,
    pub appearance: HashMap<String, Appearance>,
    pub active: String,
}

impl State {
    pub fn appearance_of(&self, id: &str) -> Appearance {
        self.appearance.get(id).cloned().unwrap_or_default()
    }

    pub fn active_profile(&self) -> Result<&Profile> {
        self.sealed
            .profiles
            .iter()
            .find(|p| p.id == self.active)
            .ok_or_else(|| Error::Corrupt("the active profile is missing".into()))
    }

    pub fn preferences_of(&self, id: &str) -> Preferences {
        Preferences {
            appearance: self.appearance_of(id),
            behaviour: self.sealed.behaviour.clone(),
            privacy: self.sealed.privacy.clone(),
        }
    }
}

fn version_of(v: &Value, what: &str) -> Result<u64> {
    match v.get("version") {
        None => Ok(1),
        Some(n) => n
            .as_u64()
            .filter(|n| *n >= 1)
            .ok_or_else(|| Error::Corrupt(format!("the stored {what} have a malformed version"))),
    }
}

/// Brings a stored sealed body to the current version.
pub(crate) fn migrate_sealed(v: Value) -> Result<Sealed> {
    let version = version_of(&v, "preferences")?;
    if version > PREFS_VERSION {
        return Err(Error::TooNew(version as i64));
    }
    let v = match version {
        // v1 → v2: the app's settings blob becomes the behaviour section.
        1 => serde_json::json!({ "version": 2, "behaviour": v }),
        _ => v,
    };
    // serde's message could quote decrypted content: leave it out.
    let mut sealed: Sealed = serde_json::from_value(v)
        .map_err(|_| Error::Corrupt("the stored preferences are malformed".into()))?;
    sealed.version = PREFS_VERSION;
    if sealed.profiles.is_empty() {
        sealed.profiles.push(Profile::default_profile());
    }
    Ok(sealed)
}

/// Reads a stored appearance body. Appearance bodies start at version 2.
pub(crate) fn parse_appearance(body: &str) -> Result<Appearance> {
    let bad = || Error::Corrupt("a stored appearance is malformed".into());
    let mut v: Value = serde_json::from_str(body).map_err(|_| bad())?;
    let version = v.get("version").and_then(Value::as_u64).ok_or_else(bad)?;
    if version > PREFS_VERSION {
        return Err(Error::TooNew(version as i64));
    }
    if let Some(m) = v.as_object_mut() {
        m.remove("version");
    }
    let a: Appearance = serde_json::from_value(v).map_err(|_| bad())?;
    // The plaintext row is not authenticated: check it like input.
    a.validate().map_err(|_| bad())?;
    Ok(a)
}

fn appearance_body(a: &Appearance) -> Result<String> {
    let mut v = serde_json::to_value(a).map_err(|e| Error::Storage(e.to_string()))?;
    if let Some(m) = v.as_object_mut() {
        m.insert("version".into(), PREFS_VERSION.into());
    }
    Ok(v.to_string())
}

fn aad(vault_id: &[u8], scope: &str) -> Vec<u8> {
    crate::crypto::aad(vault_id, &PREFS_ID, "preferences", scope)
}

/// The active profile id and every appearance row: what can be read
/// without the key.
async fn read_plain(conn: &mut SqliteConnection) -> Result<(Option<String>, HashMap<String, Appearance>)> {
    let active: Option<(String,)> = sqlx::query_as("SELECT profile FROM active_profile WHERE singleton = 1")
        .fetch_optional(&mut *conn)
        .await?;
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT profile, body FROM appearance")
        .fetch_all(&mut *conn)
        .await?;
    let mut map = HashMap::with_capacity(rows.len());
    for (id, body) in rows {
        match parse_appearance(&body) {
            Ok(a) => {
                map.insert(id, a);
            }
            // Refused whole: an older app must not half-apply a newer body.
            Err(e @ Error::TooNew(_)) => return Err(e),
            // The row is plaintext and unauthenticated; a damaged one must not
            // keep the lock screen (or the vault) from opening: defaults.
            Err(_) => {}
        }
    }
    Ok((active.map(|(a,)| a), map))
}

impl LockedVault {
    /// The active profile's appearance, before unlock, for the lock screen.
    /// It is not a secret: only display choices are stored there.
    pub async fn appearance(&mut self) -> Result<Appearance> {
        let (active, mut map) = read_plain(&mut self.store.conn).await?;
        let id = active.unwrap_or_else(|| DEFAULT_PROFILE_ID.into());
        Ok(map.remove(&id).unwrap_or_default())
    }
}

impl Vault {
    async fn read_sealed(&mut self) -> Result<Sealed> {
        for scope in [SCOPE, V1_SCOPE] {
            let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT body FROM preferences WHERE scope = ?")
                .bind(scope)
                .fetch_optional(&mut self.store.conn)
                .await?;
            if let Some((blob,)) = row {
                let plain = self
                    .keys
                    .fields
                    .open(&blob, &aad(&self.header.vault_id, scope))
                    .map_err(|_| Error::Corrupt("the stored preferences do not decrypt".into()))?;
                let v: Value = serde_json::from_slice(&plain)
                    .map_err(|_| Error::Corrupt("the stored preferences are malformed".into()))?;
                return migrate_sealed(v);
            }
        }
        migrate_sealed(serde_json::json!({ "version": PREFS_VERSION }))
    }

    /// Everything stored, migrated to the current version.
    pub(crate) async fn load_prefs(&mut self) -> Result<State> {
        let sealed = self.read_sealed().await?;
        let (active, appearance) = read_plain(&mut self.store.conn).await?;
        let active = active
            .filter(|a| sealed.profiles.iter().any(|p| &p.id == a))
            .or_else(|| sealed.profiles.first().map(|p| p.id.clone()))
            .unwrap_or_else(|| DEFAULT_PROFILE_ID.into());
        Ok(State {
            sealed,
            appearance,
            active,
        })
    }

    /// Validates and writes the whole state in one transaction; rows of
    /// profiles that are gone are removed. Nothing is written on error.
    pub(crate) async fn store_prefs(&mut self, state: &State) -> Result<()> {
        state.sealed.behaviour.validate()?;
        state.sealed.privacy.validate()?;
        super::profiles::check_profiles(&state.sealed.profiles)?;
        if !state.sealed.profiles.iter().any(|p| p.id == state.active) {
            return Err(Error::invalid("the active profile does not exist"));
        }
        let mut rows = Vec::with_capacity(state.sealed.profiles.len());
        for p in &state.sealed.profiles {
            let a = state.appearance_of(&p.id);
            a.validate()
                .map_err(|e| Error::invalid(format!("profile {:?}: {e}", p.name)))?;
            rows.push((p.id.clone(), appearance_body(&a)?));
        }
        let sealed = Sealed {
            version: PREFS_VERSION,
            ..state.sealed.clone()
        };
        let json =
            zeroize::Zeroizing::new(serde_json::to_vec(&sealed).map_err(|e| Error::Storage(e.to_string()))?);
        let blob = self.keys.fields.seal(&json, &aad(&self.header.vault_id, SCOPE))?;
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "INSERT INTO preferences (scope, updated_at, body) VALUES (?, ?, ?)
             ON CONFLICT (scope) DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body",
        )
        .bind(SCOPE)
        .bind(now)
        .bind(&blob)
        .execute(&mut *tx)
        .await?;
        // The v1 blob now lives on as the behaviour section.
        sqlx::query("DELETE FROM preferences WHERE scope = ?")
            .bind(V1_SCOPE)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM appearance").execute(&mut *tx).await?;
        for (id, body) in &rows {
            sqlx::query("INSERT INTO appearance (profile, updated_at, body) VALUES (?, ?, ?)")
                .bind(id)
                .bind(now)
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO active_profile (singleton, profile, updated_at) VALUES (1, ?, ?)
             ON CONFLICT (singleton) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at",
        )
        .bind(&state.active)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remembers the active profile; the only write a switch needs.
    pub(crate) async fn store_active(&mut self, id: &str) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "INSERT INTO active_profile (singleton, profile, updated_at) VALUES (1, ?, ?)
             ON CONFLICT (singleton) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active profile's preferences.
    pub async fn preferences(&mut self) -> Result<Preferences> {
        let state = self.load_prefs().await?;
        Ok(state.preferences_of(&state.active))
    }

    /// Preferences with the appearance of `profile` (or the active one).
    pub async fn profile_preferences(&mut self, profile: Option<&str>) -> Result<Preferences> {
        let state = self.load_prefs().await?;
        let id = target_profile(&state, profile)?;
        Ok(state.preferences_of(&id))
    }

    /// Saves every preference; the appearance goes to the active profile.
    pub async fn save_preferences(&mut self, prefs: &Preferences) -> Result<()> {
        prefs.validate()?;
        let mut state = self.load_prefs().await?;
        state
            .appearance
            .insert(state.active.clone(), prefs.appearance.clone());
        state.sealed.behaviour = prefs.behaviour.clone();
        state.sealed.privacy = prefs.privacy.clone();
        self.store_prefs(&state).await
    }

    /// Parses and sets one key (`appearance.text_size`, or `text_size`).
    /// `profile` picks another profile's appearance; it is refused for keys
    /// that are not per profile. On error nothing is stored.
    pub async fn set_preference(
        &mut self,
        key: &str,
        value: &str,
        profile: Option<&str>,
    ) -> Result<super::keys::Entry> {
        let info = super::keys::find_key(key)?;
        check_profile_scope(info.section, info.key, profile)?;
        let mut state = self.load_prefs().await?;
        let id = target_profile(&state, profile)?;
        let mut prefs = state.preferences_of(&id);
        prefs.set(info.key, value)?;
        prefs.validate()?;
        apply(&mut state, &id, prefs.clone());
        self.store_prefs(&state).await?;
        entry(&prefs, info.key)
    }

    /// Resets one key, a section or (with `None`) everything. With a
    /// profile, only that profile's appearance.
    pub async fn reset_preferences(
        &mut self,
        target: Option<&str>,
        profile: Option<&str>,
    ) -> Result<Vec<&'static str>> {
        let mut state = self.load_prefs().await?;
        let id = target_profile(&state, profile)?;
        let target = match (target, profile) {
            (None, Some(_)) => Some("appearance"),
            (t, _) => t,
        };
        let mut prefs = state.preferences_of(&id);
        let keys = prefs.reset(target)?;
        if profile.is_some() {
            for k in &keys {
                let info = super::keys::find_key(k)?;
                check_profile_scope(info.section, info.key, profile)?;
            }
        }
        apply(&mut state, &id, prefs);
        self.store_prefs(&state).await?;
        Ok(keys)
    }

    /// The app's settings: the timing part of the behaviour section.
    pub async fn settings(&mut self) -> Result<super::Settings> {
        Ok(super::Settings::from(&self.preferences().await?.behaviour))
    }

    /// Saves the app's settings into the behaviour section, leaving every
    /// other preference as it is.
    pub async fn save_settings(&mut self, settings: &super::Settings) -> Result<()> {
        settings.validate()?;
        let mut state = self.load_prefs().await?;
        settings.apply_to(&mut state.sealed.behaviour);
        self.store_prefs(&state).await
    }
}

fn apply(state: &mut State, id: &str, prefs: Preferences) {
    state.appearance.insert(id.to_owned(), prefs.appearance);
    state.sealed.behaviour = prefs.behaviour;
    state.sealed.privacy = prefs.privacy;
}

fn entry(prefs: &Preferences, key: &str) -> Result<super::keys::Entry> {
    prefs
        .entries()
        .into_iter()
        .find(|e| e.key == key)
        .ok_or_else(|| Error::invalid(format!("unknown preference key {key:?}")))
}

fn check_profile_scope(section: super::keys::Section, key: &str, profile: Option<&str>) -> Result<()> {
    if profile.is_some() && section != super::keys::Section::Appearance {
        return Err(Error::invalid(format!(
            "{key} is the same for every profile; only appearance keys belong to a profile (drop --profile)"
        )));
    }
    Ok(())
}

/// The id of the named profile, or of the active one.
pub(crate) fn target_profile(state: &State, name: Option<&str>) -> Result<String> {
    match name {
        None => Ok(state.active.clone()),
        Some(n) => Ok(super::profiles::find(&state.sealed.profiles, n)?.id.clone()),
    }
}
