//! Events the backend sends to the window.

use crate::ipc::{ImportProgress, ItemsSnapshot, LockedEvent};
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
