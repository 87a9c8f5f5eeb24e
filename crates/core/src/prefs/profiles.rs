//! Persona profiles (Work, Personal, ...): each has its own appearance and
//! standing filters, and later the identity it presents. One is active; the
//! lock screen uses its appearance.

use super::model::Appearance;
use crate::error::{Error, Result};
use crate::items::ItemSummary;
use crate::search::{Filters, Query};
use crate::vault::Vault;
use serde::{Deserialize, Serialize};

/// The profile every vault starts with.
pub const DEFAULT_PROFILE_ID: &str = "default";
pub const DEFAULT_PROFILE_NAME: &str = "Default";
pub const MAX_PROFILES: usize = 32;
pub const MAX_PROFILE_NAME: usize = 40;
const MAX_FILTER_TAGS: usize = 64;
const MAX_TAG_LEN: usize = 100;

/// A profile as sealed in the vault. The id is random and opaque: it is
/// the only thing about a profile stored in plaintext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub filters: Filters,
    /// Reserved: the identity used when presenting credentials.
    #[serde(default)]
    pub identity: Option<String>,
}

impl Profile {
    pub(crate) fn default_profile() -> Self {
        Profile {
            id: DEFAULT_PROFILE_ID.into(),
            name: DEFAULT_PROFILE_NAME.into(),
            filters: Filters::default(),
            identity: None,
        }
    }
}

/// A profile with its appearance, as the CLI and the app show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileInfo {
    pub id: String,
    pub name: String,
    pub active: bool,
    pub appearance: Appearance,
    pub filters: Filters,
    pub identity: Option<String>,
}

/// A trimmed, printable name of 1 to 40 characters.
pub(crate) fn check_name(name: &str) -> Result<String> {
    let n = name.trim();
    let len = n.chars().count();
    if len == 0 || len > MAX_PROFILE_NAME || n.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "profile name {name:?}: allowed: 1 to {MAX_PROFILE_NAME} printable characters"
        )));
    }
    Ok(n.to_owned())
}

pub(crate) fn check_filters(f: &Filters) -> Result<()> {
    if f.tags.len() > MAX_FILTER_TAGS {
        return Err(Error::invalid(format!(
            "profile filters: allowed: at most {MAX_FILTER_TAGS} tags"
        )));
    }
    if let Some(t) = f
        .tags
        .iter()
        .find(|t| t.trim().is_empty() || t.chars().count() > MAX_TAG_LEN)
    {
        return Err(Error::invalid(format!(
            "profile filters: tag {t:?}: allowed: 1 to {MAX_TAG_LEN} characters"
        )));
    }
    Ok(())
}

/// The rules of a whole set of profiles.
pub(crate) fn check_profiles(profiles: &[Profile]) -> Result<()> {
    if profiles.is_empty() {
        return Err(Error::invalid("there must be at least one profile"));
    }
    if profiles.len() > MAX_PROFILES {
        return Err(Error::invalid(format!(
            "allowed: at most {MAX_PROFILES} profiles"
        )));
    }
    for (i, p) in profiles.iter().enumerate() {
        if check_name(&p.name)? != p.name {
            return Err(Error::invalid(format!(
                "profile name {:?} has spaces around it",
                p.name
            )));
        }
        check_filters(&p.filters).map_err(|e| Error::invalid(format!("profile {:?}: {e}", p.name)))?;
        if p.id.is_empty() || profiles[..i].iter().any(|q| q.id == p.id) {
            return Err(Error::Corrupt("two profiles share an id".into()));
        }
        if profiles[..i].iter().any(|q| same_name(&q.name, &p.name)) {
            return Err(Error::invalid(format!(
                "a profile named {:?} already exists",
                p.name
            )));
        }
    }
    Ok(())
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The profile called `name` (case-insensitive).
pub(crate) fn find<'a>(profiles: &'a [Profile], name: &str) -> Result<&'a Profile> {
    profiles.iter().find(|p| same_name(&p.name, name)).ok_or_else(|| {
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        Error::invalid(format!(
            "no profile named {:?}; profiles: {}",
            name.trim(),
            names.join(", ")
        ))
    })
}

fn new_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

fn info(state: &super::store::State, p: &Profile) -> ProfileInfo {
    ProfileInfo {
        id: p.id.clone(),
        name: p.name.clone(),
        active: p.id == state.active,
        appearance: state.appearance_of(&p.id),
        filters: p.filters.clone(),
        identity: p.identity.clone(),
    }
}

impl Vault {
    /// Every profile, in creation order.
    pub async fn profiles(&mut self) -> Result<Vec<ProfileInfo>> {
        let state = self.load_prefs().await?;
        Ok(state.sealed.profiles.iter().map(|p| info(&state, p)).collect())
    }

    pub async fn active_profile(&mut self) -> Result<ProfileInfo> {
        let state = self.load_prefs().await?;
        Ok(info(&state, state.active_profile()?))
    }

    /// A new profile with the default appearance and no filters.
    pub async fn create_profile(&mut self, name: &str) -> Result<ProfileInfo> {
        let name = check_name(name)?;
        let mut state = self.load_prefs().await?;
        if state.sealed.profiles.iter().any(|p| same_name(&p.name, &name)) {
            return Err(Error::invalid(format!("a profile named {name:?} already exists")));
        }
        let p = Profile {
            id: new_id(),
            name,
            filters: Filters::default(),
            identity: None,
        };
        state.appearance.insert(p.id.clone(), Appearance::default());
        state.sealed.profiles.push(p.clone());
        self.store_prefs(&state).await?;
        Ok(info(&state, &p))
    }

    pub async fn rename_profile(&mut self, old: &str, new: &str) -> Result<ProfileInfo> {
        let new = check_name(new)?;
        let mut state = self.load_prefs().await?;
        let id = find(&state.sealed.profiles, old)?.id.clone();
        if state
            .sealed
            .profiles
            .iter()
            .any(|p| p.id != id && same_name(&p.name, &new))
        {
            return Err(Error::invalid(format!("a profile named {new:?} already exists")));
        }
        let mut out = None;
        for p in state.sealed.profiles.iter_mut().filter(|p| p.id == id) {
            p.name = new.clone();
            out = Some(p.clone());
        }
        self.store_prefs(&state).await?;
        let p = out.ok_or_else(|| Error::invalid("the profile vanished"))?;
        Ok(info(&state, &p))
    }

    /// Deletes a profile and its appearance. The last profile cannot go;
    /// deleting the active one makes the first remaining profile active.
    pub async fn delete_profile(&mut self, name: &str) -> Result<()> {
        let mut state = self.load_prefs().await?;
        let id = find(&state.sealed.profiles, name)?.id.clone();
        if state.sealed.profiles.len() == 1 {
            return Err(Error::invalid(format!(
                "{name:?} is the only profile and cannot be deleted; create another first"
            )));
        }
        state.sealed.profiles.retain(|p| p.id != id);
        state.appearance.remove(&id);
        if state.active == id {
            state.active = state
                .sealed
                .profiles
                .first()
                .map(|p| p.id.clone())
                .unwrap_or_default();
        }
        self.store_prefs(&state).await
    }

    /// Makes `name` the active profile. Writes one plaintext row, so it is
    /// as fast as one small transaction.
    pub async fn switch_profile(&mut self, name: &str) -> Result<ProfileInfo> {
        let mut state = self.load_prefs().await?;
        let p = find(&state.sealed.profiles, name)?.clone();
        self.store_active(&p.id).await?;
        state.active = p.id.clone();
        Ok(info(&state, &p))
    }

    /// Replaces a profile's standing filters.
    pub async fn set_profile_filters(&mut self, name: &str, filters: Filters) -> Result<ProfileInfo> {
        check_filters(&filters)?;
        let mut state = self.load_prefs().await?;
        let id = find(&state.sealed.profiles, name)?.id.clone();
        let mut out = None;
        for p in state.sealed.profiles.iter_mut().filter(|p| p.id == id) {
            p.filters = Filters {
                tags: filters.tags.iter().map(|t| t.trim().to_owned()).collect(),
                kinds: filters.kinds.clone(),
            };
            out = Some(p.clone());
        }
        self.store_prefs(&state).await?;
        let p = out.ok_or_else(|| Error::invalid("the profile vanished"))?;
        Ok(info(&state, &p))
    }

    /// Items matching `q` inside the active profile's filters.
    pub async fn list_in_profile(&mut self, q: &Query) -> Result<Vec<ItemSummary>> {
        let filters = self.active_profile().await?.filters;
        Ok(self
            .load_index()
            .await?
            .search_within(q, &filters)
            .into_iter()
            .cloned()
            .collect())
    }
}
