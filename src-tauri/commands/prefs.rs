//! Preferences and persona profiles: thin commands over tessera-core's
//! `prefs`. Every write answers with the whole [`PrefsView`], so the window
//! applies what was stored, never what it hoped to store.

use super::session::unlocked;
use crate::error::CmdResult;
use crate::state::{AppState, Session};
use serde::Serialize;
use tauri::State;
use tessera_core::prefs::{Appearance, Preferences, ProfileInfo, Section};
use tessera_core::{Filters, LockedVault};
use ts_rs::TS;

/// One preference key as the settings screen lists it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PrefEntry {
    pub key: String,
    pub section: Section,
    /// The value as `prefs_set` accepts it.
    pub value: String,
    pub default: String,
    /// What the key accepts (English, from the core's registry).
    pub allowed: String,
}

/// Every preference of the active profile, the keys with their rules, and
/// the profiles.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PrefsView {
    pub prefs: Preferences,
    pub entries: Vec<PrefEntry>,
    pub profiles: Vec<ProfileInfo>,
    /// The id of the active profile.
    pub active: String,
}

/// The settings screen's view; the session keeps what it needs of it.
async fn view(session: &mut Session) -> CmdResult<PrefsView> {
    let vault = unlocked(session)?;
    let prefs = vault.preferences().await?;
    let profiles = vault.profiles().await?;
    session.keep_prefs(&prefs, &profiles);
    let entries = prefs
        .entries()
        .into_iter()
        .map(|e| PrefEntry {
            key: e.key.to_owned(),
            section: e.section,
            value: e.value,
            default: e.default,
            allowed: e.allowed,
        })
        .collect();
    Ok(PrefsView {
        prefs,
        entries,
        active: profiles
            .iter()
            .find(|p| p.active)
            .map(|p| p.id.clone())
            .unwrap_or_default(),
        profiles,
    })
}

#[tauri::command]
pub async fn prefs_get(state: State<'_, AppState>) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    view(&mut session).await
}

/// Sets one key (`appearance.theme`, or `theme`) of the active profile.
/// A bad value is `input.invalid`, naming the key and what it allows, and
/// nothing is stored.
#[tauri::command]
pub async fn prefs_set(state: State<'_, AppState>, key: String, value: String) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?.set_preference(&key, &value, None).await?;
    view(&mut session).await
}

/// Resets one key, one section (`appearance`, `behaviour`, `privacy`) or,
/// with no target, everything.
#[tauri::command]
pub async fn prefs_reset(state: State<'_, AppState>, target: Option<String>) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?
        .reset_preferences(target.as_deref(), None)
        .await?;
    view(&mut session).await
}

/// Every preference and profile as the versioned JSON file (no secrets).
#[tauri::command]
pub async fn prefs_export(state: State<'_, AppState>) -> CmdResult<String> {
    let mut session = state.session.lock().await;
    Ok(unlocked(&mut session)?.export_preferences().await?)
}

/// Replaces every preference and profile with the file's, or changes nothing.
#[tauri::command]
pub async fn prefs_import(state: State<'_, AppState>, contents: String) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?
        .import_preferences(contents.as_bytes())
        .await?;
    view(&mut session).await
}

/// The active profile's appearance, locked or not: what the lock screen
/// is drawn with. Without a vault (first run), the defaults.
#[tauri::command]
pub async fn appearance(state: State<'_, AppState>) -> CmdResult<Appearance> {
    static FIRST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    crate::startup::mark_once(&FIRST, "first appearance asked");
    let mut session = state.session.lock().await;
    if let Some(vault) = session.vault.as_mut() {
        return Ok(vault.preferences().await?.appearance);
    }
    drop(session);
    if !state.vault_path.is_file() {
        return Ok(Appearance::default());
    }
    let mut locked = LockedVault::open(&state.vault_path).await?;
    let out = locked.appearance().await;
    let _ = locked.close().await;
    Ok(out?)
}

#[tauri::command]
pub async fn profile_create(state: State<'_, AppState>, name: String) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?.create_profile(&name).await?;
    view(&mut session).await
}

/// Makes `name` the active profile: its appearance and its filters apply.
#[tauri::command]
pub async fn profile_switch(state: State<'_, AppState>, name: String) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?.switch_profile(&name).await?;
    session.revision += 1;
    view(&mut session).await
}

#[tauri::command]
pub async fn profile_rename(
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?.rename_profile(&name, &new_name).await?;
    view(&mut session).await
}

#[tauri::command]
pub async fn profile_delete(state: State<'_, AppState>, name: String) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?.delete_profile(&name).await?;
    view(&mut session).await
}

/// Replaces a profile's standing filters (empty lists let everything through).
#[tauri::command]
pub async fn profile_filters(
    state: State<'_, AppState>,
    name: String,
    filters: Filters,
) -> CmdResult<PrefsView> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?
        .set_profile_filters(&name, filters)
        .await?;
    view(&mut session).await
}

/// The desktop's colour scheme as the settings portal reports it
/// (`dark`, `light`), or `null` when there is no portal or no preference.
#[tauri::command]
pub fn system_color_scheme(state: State<'_, AppState>) -> Option<String> {
    state.color_scheme().map(str::to_owned)
}
