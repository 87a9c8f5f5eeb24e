//! Lock on system sleep: logind's `PrepareForSleep(true)` on the system bus
//! locks the vault when the behaviour preference `lock_on_sleep` is on.
//! Without logind (or a system bus) nothing happens, quietly.

use crate::events;
use crate::state::AppState;
use tauri::{AppHandle, Manager, Runtime};

/// Locks for sleep if the vault is open and the preference says so; true
/// if it locked.
pub async fn lock_for_sleep<R: Runtime>(app: &AppHandle<R>) -> bool {
    let state = app.state::<AppState>();
    let mut session = state.session.lock().await;
    if session.vault.is_none() || !session.lock_on_sleep {
        return false;
    }
    session.lock();
    events::locked(app, "sleep");
    true
}

/// Starts watching on a thread of its own; returns at once.
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    #[cfg(target_os = "linux")]
    {
        let _ = std::thread::Builder::new()
            .name("lock-on-sleep".into())
            .spawn(move || {
                let _ = run(&app);
            });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

#[cfg(target_os = "linux")]
fn run<R: Runtime>(app: &AppHandle<R>) -> zbus::Result<()> {
    let conn = zbus::blocking::Connection::system()?;
    let proxy = zbus::blocking::Proxy::new(
        &conn,
        "org.freedesktop.login1",
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
    )?;
    for msg in proxy.receive_signal("PrepareForSleep")? {
        if let Ok(true) = msg.body().deserialize::<bool>() {
            tauri::async_runtime::block_on(lock_for_sleep(app));
        }
    }
    Ok(())
}
