//! Events the backend sends to the window.

use crate::ipc::{ConsentQuestion, ImportProgress, ItemsSnapshot, LockedEvent};
use tauri::{AppHandle, Emitter, Runtime};

pub fn locked<R: Runtime>(app: &AppHandle<R>, reason: &str) {
    let _ = app.emit(
        "vault-locked",
        LockedEvent {
            reason: reason.into(),
        },
    );
}

pub fn items_changed<R: Runtime>(app: &AppHandle<R>, snapshot: ItemsSnapshot) {
    let _ = app.emit("items-changed", snapshot);
}

pub fn import_progress<R: Runtime>(app: &AppHandle<R>, p: ImportProgress) {
    let _ = app.emit("import-progress", p);
}

/// The vault was unlocked from outside the window (`tessera unlock`).
pub fn unlocked<R: Runtime>(app: &AppHandle<R>) {
    let _ = app.emit("vault-unlocked", ());
}

pub fn consent_requested<R: Runtime>(app: &AppHandle<R>, q: ConsentQuestion) {
    let _ = app.emit("consent-requested", q);
}
