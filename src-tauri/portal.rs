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
        follow(&conn, |v| publish(app, v))
    }

    /// Reads the colour scheme, then follows its changes, telling `on` each
    /// value; returns when the bus goes away.
    pub fn follow(conn: &Connection, on: impl Fn(u32)) -> zbus::Result<()> {
        let proxy = Proxy::new(
            conn,
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
            on(v);
        }
        for msg in changes {
            let body = msg.body();
            let Ok((ns, key, value)) = body.deserialize::<(String, String, Value<'_>)>() else {
                continue;
            };
            if ns == NAMESPACE && key == KEY {
                if let Some(v) = as_u32(&value) {
                    on(v);
                }
            }
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
        use super::{as_u32, follow};
        use std::sync::mpsc;
        use std::time::Duration;
        use zbus::blocking::connection::Builder;
        use zbus::zvariant::{OwnedValue, Value};

        /// A stand-in for xdg-desktop-portal's Settings interface.
        struct FakeSettings {
            scheme: u32,
            /// Old portals have only Read (and wrap the value twice).
            read_one: bool,
        }

        #[zbus::interface(name = "org.freedesktop.portal.Settings")]
        impl FakeSettings {
            fn read_one(&self, namespace: &str, key: &str) -> zbus::fdo::Result<OwnedValue> {
                if !self.read_one {
                    return Err(zbus::fdo::Error::UnknownMethod("ReadOne".into()));
                }
                if (namespace, key) != ("org.freedesktop.appearance", "color-scheme") {
                    return Err(zbus::fdo::Error::Failed("not found".into()));
                }
                Ok(OwnedValue::from(self.scheme))
            }

            fn read(&self, namespace: &str, key: &str) -> zbus::fdo::Result<OwnedValue> {
                if (namespace, key) != ("org.freedesktop.appearance", "color-scheme") {
                    return Err(zbus::fdo::Error::Failed("not found".into()));
                }
                let inner = Value::Value(Box::new(Value::U32(self.scheme)));
                OwnedValue::try_from(inner).map_err(|e| zbus::fdo::Error::Failed(e.to_string()))
            }
        }

        /// Against a fake portal on the session bus: ReadOne (or Read), then
        /// SettingChanged. It takes the portal's well-known name, so it runs
        /// only on a private bus: `TESSERA_REAL_DBUS=1` under
        /// `dbus-run-session` (scripts/test.sh does), never on a desktop's.
        #[test]
        fn follows_a_portal_on_the_session_bus() {
            if std::env::var("TESSERA_REAL_DBUS").as_deref() != Ok("1") {
                eprintln!("skipped: set TESSERA_REAL_DBUS=1 under dbus-run-session");
                return;
            }
            for (read_one, first) in [(true, 1), (false, 2)] {
                let server = Builder::session()
                    .unwrap()
                    .name("org.freedesktop.portal.Desktop")
                    .unwrap()
                    .serve_at(
                        "/org/freedesktop/portal/desktop",
                        FakeSettings {
                            scheme: first,
                            read_one,
                        },
                    )
                    .unwrap()
                    .build()
                    .unwrap();
                let (tx, rx) = mpsc::channel();
                let client = zbus::blocking::Connection::session().unwrap();
                let reader = client.clone();
                std::thread::spawn(move || {
                    let _ = follow(&reader, move |v| {
                        let _ = tx.send(v);
                    });
                });
                assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), first);
                // Signals about other settings are ignored; ours is followed.
                for (ns, key, v) in [
                    ("org.gnome.desktop.interface", "color-scheme", 1u32),
                    ("org.freedesktop.appearance", "color-scheme", 0),
                    ("org.freedesktop.appearance", "color-scheme", 1),
                ] {
                    // Give the subscription a moment on the first round.
                    std::thread::sleep(Duration::from_millis(100));
                    server
                        .emit_signal(
                            None::<&str>,
                            "/org/freedesktop/portal/desktop",
                            "org.freedesktop.portal.Settings",
                            "SettingChanged",
                            &(ns, key, Value::U32(v)),
                        )
                        .unwrap();
                }
                assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 0);
                assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 1);
                drop(client);
                drop(server);
            }
        }

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
