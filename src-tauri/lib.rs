//! Tessera's desktop shell: window, IPC commands and two background duties
//! (the idle lock, and noticing changes other processes made to the vault).
//! Every rule lives in tessera-core; commands parse, call it, and answer.
#![forbid(unsafe_code)]

pub mod agent_host;
pub mod commands;
pub mod error;
pub mod events;
pub mod ipc;
#[cfg(target_os = "linux")]
pub mod notify;
pub mod portal;
pub mod sleep;
pub mod startup;
pub mod state;

#[cfg(test)]
mod command_tests;

use state::AppState;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tessera_core::keychain::Keychain;

/// Where the vault lives: `TESSERA_VAULT`, else the XDG data directory.
pub fn vault_path() -> Result<PathBuf, String> {
    std::env::var_os("TESSERA_VAULT")
        .map(PathBuf::from)
        .or_else(tessera_core::store::default_vault_path)
        .ok_or_else(|| "cannot find a home for the vault: set TESSERA_VAULT".to_owned())
}

/// Builds the app with its commands; tests pass a mock runtime's builder.
pub fn build<R: tauri::Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder.manage(state).invoke_handler(tauri::generate_handler![
        commands::session::app_status,
        commands::session::password_strength,
        commands::session::create_vault,
        commands::session::unlock,
        commands::session::quick_unlock,
        commands::session::lock,
        commands::session::touch,
        commands::session::update_settings,
        commands::session::enable_quick_unlock,
        commands::session::disable_quick_unlock,
        commands::session::recovery_kit,
        commands::session::enable_device_secret,
        commands::session::disable_device_secret,
        commands::session::page_ready,
        commands::items::items_snapshot,
        commands::items::search_items,
        commands::items::item_detail,
        commands::items::reveal_value,
        commands::items::reveal_version,
        commands::items::copy_value,
        commands::items::item_history,
        commands::items::add_item,
        commands::items::update_item,
        commands::items::delete_item,
        commands::items::undo_delete,
        commands::items::rotate_item,
        commands::items::import_items,
        commands::consent::answer_consent,
        commands::consent::consent_grants,
        commands::consent::revoke_consent,
        commands::health::health_report,
        commands::prefs::prefs_get,
        commands::prefs::prefs_set,
        commands::prefs::prefs_reset,
        commands::prefs::prefs_export,
        commands::prefs::prefs_import,
        commands::prefs::appearance,
        commands::prefs::profile_create,
        commands::prefs::profile_switch,
        commands::prefs::profile_rename,
        commands::prefs::profile_delete,
        commands::prefs::profile_filters,
        commands::prefs::system_color_scheme,
    ])
}

/// Once a second: lock after the idle limit, and pick up items another
/// process (the CLI) wrote to the vault.
async fn watch<R: tauri::Runtime>(app: AppHandle<R>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let state = app.state::<AppState>();
        let mut session = state.session.lock().await;
        if session.vault.is_none() {
            continue;
        }
        let limit_ms = match state.idle_override_secs {
            Some(s) => s * 1000,
            None => i64::from(session.settings.auto_lock_minutes) * 60_000,
        };
        if state.idle_ms() >= limit_ms {
            session.lock();
            let _ = tauri::Emitter::emit(
                &app,
                "vault-locked",
                ipc::LockedEvent {
                    reason: "idle".into(),
                },
            );
            continue;
        }
        let seen = session.data_version;
        let Some(vault) = session.vault.as_mut() else {
            continue;
        };
        let Ok(version) = vault.data_version().await else {
            continue;
        };
        if version != seen && vault.reload_index().await.is_ok() {
            // Another process (the CLI) may have changed preferences too:
            // a profile switch, lock on sleep, the notification privacy.
            if let (Ok(prefs), Ok(profiles)) = (vault.preferences().await, vault.profiles().await) {
                session.keep_prefs(&prefs, &profiles);
            }
            session.data_version = version;
            session.revision += 1;
            if let Ok(s) = commands::items::snapshot(&mut session) {
                let _ = tauri::Emitter::emit(&app, "items-changed", s);
            }
        }
        // Health: after every change, and once a minute as time passes.
        let now = state::now_ms();
        if session.health_revision != session.revision || now - session.health_at >= 60_000 {
            session.health_revision = session.revision;
            session.health_at = now;
            let Some(vault) = session.vault.as_mut() else {
                continue;
            };
            let Ok(report) = vault
                .health(&tessera_core::health::HealthSettings::default())
                .await
            else {
                continue;
            };
            let hide_names = !session.names_in_notifications;
            drop(session);
            announce(&app, &report, hide_names);
        }
    }
}

/// Tells the window how many items are due (its badge), and the desktop
/// about items that became due since the last check.
fn announce<R: tauri::Runtime>(
    app: &AppHandle<R>,
    report: &tessera_core::health::HealthReport,
    hide_names: bool,
) {
    let _ = tauri::Emitter::emit(app, "health-changed", report);
    #[cfg(not(target_os = "linux"))]
    let _ = hide_names;
    #[cfg(target_os = "linux")]
    {
        let due = notify::due_items(report);
        let fresh = match app.state::<AppState>().announced.lock() {
            Ok(mut a) => a.newly_due(&due),
            Err(_) => return,
        };
        if !fresh.is_empty() {
            let (summary, body) = notify::message(&fresh, hide_names);
            tauri::async_runtime::spawn(async move {
                // No notification server: the badge in the window remains.
                let _ = notify::send(&summary, &body).await;
            });
        }
    }
}

pub fn run() -> Result<(), String> {
    startup::mark("main");
    // Without a display GTK cannot start, and tao would panic; say so instead.
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(
            "no graphical display: DISPLAY and WAYLAND_DISPLAY are both unset (the tessera CLI works without one)"
                .into(),
        );
    }
    let path = vault_path()?;
    // Asking D-Bus for the Secret Service may be slow; do it off the main thread.
    let keychain: Arc<OnceLock<Keychain>> = Arc::new(OnceLock::new());
    let slot = keychain.clone();
    std::thread::spawn(move || {
        let _ = slot.set(Keychain::system());
    });
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(|app| {
            startup::mark("setup hook");
            tauri::async_runtime::spawn(watch(app.handle().clone()));
            tauri::async_runtime::spawn(agent_host::serve(app.handle().clone()));
            portal::watch(app.handle().clone());
            sleep::watch(app.handle().clone());
            Ok(())
        });
    build(builder, AppState::new(path, keychain))
        .build(tauri::generate_context!())
        .map_err(|e| e.to_string())?
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                agent_host::remove_socket(app.state::<AppState>().inner());
            }
        });
    Ok(())
}
