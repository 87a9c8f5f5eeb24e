//! The desktop's colour scheme from the XDG settings portal.
//!
//! WebKitGTK's `prefers-color-scheme` follows GTK's prefer-dark setting,
//! not GNOME's colour scheme, so the app asks the portal
//! (`org.freedesktop.appearance` `color-scheme`: 0 no preference, 1 dark,
//! 2 light), follows its `SettingChanged` signal, and tells the window with
//! a `color-scheme-changed` event. Without a portal it stays quiet and the
//! window falls back to `prefers-color-scheme`.

use crate::state::AppState;
use tauri::{AppHandle, Emitter, Manager, Runtime};

pub const EVENT: &str = "color-scheme-changed";
const NAMESPACE: &str = "org.freedesktop.appearance";
const KEY: &str = "color-scheme";

/// The portal's number as the UI's word.
pub fn scheme_name(v: u32) -> Option<&'static str> {
    match v {
        1 => Some("dark"),
        2 => Some("light"),
        _ => None,
    }
}

fn publish<R: Runtime>(app: &AppHandle<R>, v: u32) {
    let state = app.state::<AppState>();
    if state.set_color_scheme(v) {
        let _ = app.emit(EVENT, scheme_name(v));
    }
}

/// Starts watching on a thread of its own; returns at once.
pub fn watch<R: Runtime>(app: AppHandle<R>) {
    #[cfg(target_os = "linux")]
    {
        let _ = std::thread::Builder::new()
            .name("colour-scheme".into())
            .spawn(move || {
                // No portal (or no session bus): quietly nothing.
                let _ = linux::run(&app);
            });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

#[cfg(target_os = "linux")]
mod linux {
    use super::{publish, KEY, NAMESPACE};
    use tauri::{AppHandle, Runtime};
    use zbus::blocking::{Connection, Proxy};
    use zbus::zvariant::{OwnedValue, Value};

    /// A `u32`, possibly wrapped in variants (the old `Read` wraps twice).
    fn as_u32(v: &Value<'_>) -> Option<u32> {
        match v {
            Value::U32(n) => Some(*n),
            Value::Value(inner) => as_u32(inner),
            _ => None,
        }
    }

    pub fn run<R: Runtime>(app: &AppHandle<R>) -> zbus::Result<()> {
        let conn = Connection::session()?;
        let proxy = Proxy::new(
            &conn,
            "org.freedesktop.portal.Desktop",
            "/org/freedesktop/portal/desktop",
            "org.freedesktop.portal.Settings",
        )?;
        // Subscribe first, so a change between the read and the
        // subscription is not lost.
        let changes = proxy.receive_signal("SettingChanged")?;
        let first: zbus::Result<OwnedValue> = proxy
            .call("ReadOne", &(NAMESPACE, KEY))
            .or_else(|_| proxy.call("Read", &(NAMESPACE, KEY)));
        if let Some(v) = first.ok().as_deref().and_then(as_u32) {
            publish(app, v);
        }
        for msg in changes {
            let body = msg.body();
            let Ok((ns, key, value)) = body.deserialize::<(String, String, Value<'_>)>() else {
                continue;
            };
            if ns == NAMESPACE && key == KEY {
                if let Some(v) = as_u32(&value) {
                    publish(app, v);
                }
            }
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::as_u32;
        use zbus::zvariant::Value;

        #[test]
        fn reads_plain_and_wrapped_numbers() {
            assert_eq!(as_u32(&Value::U32(1)), Some(1));
            assert_eq!(as_u32(&Value::Value(Box::new(Value::U32(2)))), Some(2));
            assert_eq!(
                as_u32(&Value::Value(Box::new(Value::Value(Box::new(Value::U32(0)))))),
                Some(0)
            );
            assert_eq!(as_u32(&Value::Str("dark".into())), None);
            assert_eq!(super::super::scheme_name(1), Some("dark"));
            assert_eq!(super::super::scheme_name(2), Some("light"));
            assert_eq!(super::super::scheme_name(0), None);
        }
    }
}
