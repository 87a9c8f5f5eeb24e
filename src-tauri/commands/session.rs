//! Vault lifecycle, settings and device-bound unlock.

use crate::error::{CmdResult, ErrorPayload};
use crate::events;
use crate::ipc::{AgentInfo, AppStatus, KeyringStatus};
use crate::state::{now_ms, AppState, Session};
use std::time::Duration;
use tauri::{AppHandle, Runtime, State};
use tessera_core::crypto::KdfParams;
use tessera_core::prefs::Settings;
use tessera_core::strength::{self, Strength};
use tessera_core::{LockedVault, Vault};

pub(crate) fn unlocked(session: &mut Session) -> CmdResult<&mut Vault> {
    session.vault.as_mut().ok_or_else(ErrorPayload::locked)
}

async fn status(state: &AppState, session: &Session) -> AppStatus {
    let keyring = match state.keychain().status() {
        Ok(()) => KeyringStatus {
            available: true,
            detail: None,
        },
        Err(why) => KeyringStatus {
            available: false,
            detail: Some(why),
        },
    };
    let (quick_unlock_until, device_secret) = match &session.vault {
        Some(v) => (v.quick_unlock_until(), v.device_secret_enabled()),
        None => match LockedVault::open(&state.vault_path).await {
            Ok(locked) => {
                let out = (locked.quick_unlock_until(), locked.needs_device_secret());
                let _ = locked.close().await;
                out
            }
            Err(_) => (None, false),
        },
    };
    AppStatus {
        vault_path: state.vault_path.display().to_string(),
        vault_exists: state.vault_path.is_file(),
        unlocked: session.vault.is_some(),
        keyring,
        quick_unlock_until,
        device_secret,
        settings: session.settings,
        agent: state
            .agent
            .lock()
            .map(|a| a.clone())
            .unwrap_or_else(|_| AgentInfo::unavailable("the agent's state is unreadable".into())),
    }
}

/// After an unlock: settings, index and the change watermark.
pub(crate) async fn open_session(
    state: &AppState,
    session: &mut Session,
    mut vault: Vault,
) -> tessera_core::Result<()> {
    let prefs = vault.preferences().await?;
    let profiles = vault.profiles().await?;
    session.keep_prefs(&prefs, &profiles);
    vault.load_index().await?;
    session.data_version = vault.data_version().await?;
    session.vault = Some(vault);
    session.revision += 1;
    state.touch();
    Ok(())
}

async fn start_session(state: &AppState, session: &mut Session, vault: Vault) -> CmdResult<AppStatus> {
    open_session(state, session, vault).await?;
    Ok(status(state, session).await)
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    static FIRST: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    static ANSWERED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    crate::startup::mark_once(&FIRST, "first app_status (the page's script runs)");
    let session = state.session.lock().await;
    let s = status(&state, &session).await;
    crate::startup::mark_once(&ANSWERED, "first app_status answered");
    Ok(s)
}

#[tauri::command]
pub fn password_strength(password: String) -> Strength {
    let s = strength::estimate(&password, &["tessera"]);
    zeroize::Zeroize::zeroize(&mut { password });
    s
}

#[tauri::command]
pub async fn create_vault(state: State<'_, AppState>, password: String) -> CmdResult<AppStatus> {
    let password = zeroize::Zeroizing::new(password);
    let mut session = state.session.lock().await;
    if state.vault_path.exists() {
        return Err(tessera_core::Error::VaultExists(state.vault_path.display().to_string()).into());
    }
    let kdf = tokio::task::spawn_blocking(|| {
        KdfParams::calibrate(
            KdfParams::DEFAULT_MEMORY_KIB,
            KdfParams::DEFAULT_PARALLELISM,
            Duration::from_secs(1),
        )
    })
    .await
    .map_err(|_| ErrorPayload::invalid("key derivation calibration failed"))?
    .map_err(tessera_core::Error::from)?;
    let vault = Vault::create(&state.vault_path, &password, kdf).await?;
    start_session(&state, &mut session, vault).await
}

#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, password: String) -> CmdResult<AppStatus> {
    let password = zeroize::Zeroizing::new(password);
    let mut session = state.session.lock().await;
    if session.vault.is_some() {
        return Ok(status(&state, &session).await);
    }
    let locked = LockedVault::open(&state.vault_path).await?;
    let vault = locked.unlock_with_keychain(&password, state.keychain()).await?;
    start_session(&state, &mut session, vault).await
}

#[tauri::command]
pub async fn quick_unlock(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    let mut session = state.session.lock().await;
    if session.vault.is_some() {
        return Ok(status(&state, &session).await);
    }
    let locked = LockedVault::open(&state.vault_path).await?;
    let vault = locked.quick_unlock(state.keychain()).await?;
    start_session(&state, &mut session, vault).await
}

#[tauri::command]
pub async fn lock<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> CmdResult<AppStatus> {
    let mut session = state.session.lock().await;
    session.lock();
    events::locked(&app, "user");
    Ok(status(&state, &session).await)
}

#[tauri::command]
pub fn touch(state: State<'_, AppState>) {
    state.touch();
}

#[tauri::command]
pub async fn update_settings(state: State<'_, AppState>, settings: Settings) -> CmdResult<AppStatus> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?.save_settings(&settings).await?;
    session.settings = settings;
    Ok(status(&state, &session).await)
}

#[tauri::command]
pub async fn enable_quick_unlock(
    state: State<'_, AppState>,
    password: String,
    days: u32,
) -> CmdResult<AppStatus> {
    let password = zeroize::Zeroizing::new(password);
    if !(1..=30).contains(&days) {
        return Err(ErrorPayload::invalid("quick unlock lasts between 1 and 30 days"));
    }
    let mut session = state.session.lock().await;
    let until = now_ms() + i64::from(days) * 86_400_000;
    unlocked(&mut session)?
        .enable_quick_unlock(&password, until, state.keychain())
        .await?;
    Ok(status(&state, &session).await)
}

#[tauri::command]
pub async fn disable_quick_unlock(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    let mut session = state.session.lock().await;
    unlocked(&mut session)?
        .disable_quick_unlock(state.keychain())
        .await?;
    Ok(status(&state, &session).await)
}

#[tauri::command]
pub async fn recovery_kit(state: State<'_, AppState>) -> CmdResult<tessera_core::device::RecoveryKit> {
    let mut session = state.session.lock().await;
    let (ds, kit) = unlocked(&mut session)?.new_recovery_kit()?;
    session.pending_device_secret = Some(ds);
    Ok(kit)
}

/// `confirmation` is the last four characters of the kit's secret, typed by
/// the user: proof that the kit was seen and kept before the switch.
#[tauri::command]
pub async fn enable_device_secret(
    state: State<'_, AppState>,
    password: String,
    confirmation: String,
) -> CmdResult<AppStatus> {
    let password = zeroize::Zeroizing::new(password);
    let mut session = state.session.lock().await;
    let Some(ds) = session.pending_device_secret.clone() else {
        return Err(ErrorPayload::invalid("create a recovery kit first"));
    };
    let expected: String = tessera_core::device::encode_secret(&ds)
        .chars()
        .rev()
        .filter(|c| *c != '-')
        .take(4)
        .collect();
    let typed: String = confirmation
        .trim()
        .to_uppercase()
        .chars()
        .rev()
        .filter(|c| *c != '-')
        .take(4)
        .collect();
    if typed.len() != 4 || typed != expected {
        return Err(ErrorPayload::invalid(
            "that is not the end of the recovery kit's secret",
        ));
    }
    unlocked(&mut session)?
        .enable_device_secret(&password, ds, state.keychain())
        .await?;
    session.pending_device_secret = None;
    Ok(status(&state, &session).await)
}

#[tauri::command]
pub async fn disable_device_secret(state: State<'_, AppState>, password: String) -> CmdResult<AppStatus> {
    let password = zeroize::Zeroizing::new(password);
    let mut session = state.session.lock().await;
    unlocked(&mut session)?
        .disable_device_secret(&password, state.keychain())
        .await?;
    Ok(status(&state, &session).await)
}

/// The UI calls this once its first screen is on show, with the page's
/// own clock (ms since its navigation started). With
/// TESSERA_EXIT_WHEN_READY=1 the process then ends at once: the
/// cold-start benchmark times the start, not the orderly teardown of the
/// window and WebKit's processes. Nothing is unlocked at that point.
/// TESSERA_STARTUP_TRACE=1 prints where the start-up time went.
#[tauri::command]
pub fn page_ready(page_ms: Option<f64>) {
    if std::env::var("TESSERA_STARTUP_TRACE").as_deref() == Ok("1") {
        let t = crate::startup::elapsed_ms();
        let page = page_ms.unwrap_or(f64::NAN);
        eprintln!(
            "startup: ready at {t:.0} ms after main; the page took {page:.0} ms of it (navigation start to first screen)"
        );
    }
    if std::env::var("TESSERA_EXIT_WHEN_READY").as_deref() == Ok("1") {
        std::process::exit(0);
    }
}
