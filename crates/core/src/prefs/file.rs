//! Export and import of preferences as a JSON file. The file holds no
//! secret: display choices, timings, privacy choices, profile names and
//! their filters. Import is all-or-nothing: the whole file is checked
//! before anything is written, and a file from a newer Tessera is refused.

use super::model::{Appearance, Behaviour, Privacy};
use super::profiles::{check_filters, check_name, Profile};
use super::store::{State, PREFS_VERSION};
use crate::error::{Error, Result};
use crate::search::Filters;
use crate::vault::Vault;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The `format` field of every preferences file.
pub const FILE_FORMAT: &str = "tessera-preferences";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefsFile {
    pub format: String,
    pub version: u64,
    #[serde(default)]
    pub behaviour: Behaviour,
    #[serde(default)]
    pub privacy: Privacy,
    pub profiles: Vec<FileProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileProfile {
    pub name: String,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub appearance: Appearance,
    #[serde(default)]
    pub filters: Filters,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrefsImport {
    pub profiles: usize,
    pub active: String,
}

fn invalid(msg: impl std::fmt::Display) -> Error {
    Error::invalid(format!("the preferences file {msg}; nothing was changed"))
}

/// Parses and checks a whole file; no vault is touched.
pub fn parse_file(bytes: &[u8]) -> Result<PrefsFile> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| invalid(format_args!("is not JSON ({e})")))?;
    match v.get("format").and_then(|f| f.as_str()) {
        Some(FILE_FORMAT) => {}
        _ => {
            return Err(invalid(format_args!(
                "is not one (expected \"format\": \"{FILE_FORMAT}\")"
            )))
        }
    }
    let version = v
        .get("version")
        .and_then(|n| n.as_u64())
        .ok_or_else(|| invalid("has no \"version\" number"))?;
    if version > PREFS_VERSION {
        return Err(invalid(format_args!(
            "is format version {version}, written by a newer Tessera; this one reads up to version {PREFS_VERSION}"
        )));
    }
    // Version 2 is the first file format (version 1 only ever lived inside a vault).
    if version < PREFS_VERSION {
        return Err(invalid(format_args!(
            "has version {version}; allowed: {PREFS_VERSION}"
        )));
    }
    let file: PrefsFile =
        serde_json::from_value(v).map_err(|e| invalid(format_args!("is malformed: {e}")))?;
    file.behaviour.validate().map_err(invalid_in)?;
    file.privacy.validate().map_err(invalid_in)?;
    if file.profiles.is_empty() {
        return Err(invalid("lists no profile"));
    }
    if file.profiles.iter().filter(|p| p.active).count() > 1 {
        return Err(invalid("marks more than one profile active"));
    }
    for p in &file.profiles {
        check_name(&p.name).map_err(invalid_in)?;
        let ctx = |e: Error| invalid(format_args!("has a bad value in profile {:?}: {e}", p.name));
        p.appearance.validate().map_err(ctx)?;
        check_filters(&p.filters).map_err(ctx)?;
    }
    Ok(file)
}

fn invalid_in(e: Error) -> Error {
    invalid(format_args!("has a bad value: {e}"))
}

impl Vault {
    /// Every preference and profile, as a versioned JSON file.
    pub async fn export_preferences(&mut self) -> Result<String> {
        let state = self.load_prefs().await?;
        let file = PrefsFile {
            format: FILE_FORMAT.into(),
            version: PREFS_VERSION,
            behaviour: state.sealed.behaviour.clone(),
            privacy: state.sealed.privacy.clone(),
            profiles: state
                .sealed
                .profiles
                .iter()
                .map(|p| FileProfile {
                    name: p.name.clone(),
                    active: p.id == state.active,
                    appearance: state.appearance_of(&p.id),
                    filters: p.filters.clone(),
                })
                .collect(),
        };
        serde_json::to_string_pretty(&file).map_err(|e| Error::Storage(e.to_string()))
    }

    /// Replaces every preference and profile with the file's, in one
    /// transaction, or changes nothing. Profiles keep their ids (and so the
    /// reserved identity) when a profile of the same name exists.
    pub async fn import_preferences(&mut self, bytes: &[u8]) -> Result<PrefsImport> {
        let file = parse_file(bytes)?;
        let current = self.load_prefs().await?;
        let mut by_name: HashMap<String, &Profile> = current
            .sealed
            .profiles
            .iter()
            .map(|p| (p.name.to_lowercase(), p))
            .collect();
        let mut state = State {
            sealed: current.sealed.clone(),
            appearance: HashMap::new(),
            active: String::new(),
        };
        state.sealed.behaviour = file.behaviour;
        state.sealed.privacy = file.privacy;
        state.sealed.profiles = Vec::with_capacity(file.profiles.len());
        for fp in &file.profiles {
            let name = fp.name.trim().to_owned();
            let old = by_name.remove(&name.to_lowercase());
            let p = Profile {
                id: old
                    .map(|o| o.id.clone())
                    .unwrap_or_else(|| uuid::Uuid::new_v4().hyphenated().to_string()),
                name,
                filters: fp.filters.clone(),
                identity: old.and_then(|o| o.identity.clone()),
            };
            if fp.active || state.active.is_empty() {
                state.active = p.id.clone();
            }
            state.appearance.insert(p.id.clone(), fp.appearance.clone());
            state.sealed.profiles.push(p);
        }
        // Duplicate names (two "Work"s) are caught here, before any write.
        super::profiles::check_profiles(&state.sealed.profiles).map_err(invalid_in)?;
        self.store_prefs(&state).await?;
        let active = state.active_profile()?.name.clone();
        Ok(PrefsImport {
            profiles: state.sealed.profiles.len(),
            active,
        })
    }
}
