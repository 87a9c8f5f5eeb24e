//! Desktop notifications when items become due, over the freedesktop
//! Notifications D-Bus interface (any Linux desktop). Never a value; item
//! names only when the privacy preference "hide item names on the lock
//! screen" is off, since desktops show notifications on their lock screen.

use std::collections::{BTreeSet, HashMap};
use tessera_core::health::{HealthReport, Severity};

/// Items that need action now or soon, by id, with their names.
pub fn due_items(report: &HealthReport) -> Vec<(String, String)> {
    report
        .items
        .iter()
        .filter(|i| i.findings.iter().any(|f| f.severity <= Severity::Warning))
        .map(|i| (i.id.clone(), i.name.clone()))
        .collect()
}

/// Remembers what was announced, so each item is announced once per run
/// of the app (again only after it stopped being due and became due anew).
#[derive(Default)]
pub struct Announced {
    ids: BTreeSet<String>,
}

impl Announced {
    /// The items due now that were not due at the last check.
    pub fn newly_due(&mut self, due: &[(String, String)]) -> Vec<String> {
        let now: BTreeSet<String> = due.iter().map(|(id, _)| id.clone()).collect();
        let fresh = due
            .iter()
            .filter(|(id, _)| !self.ids.contains(id))
            .map(|(_, name)| name.clone())
            .collect();
        self.ids = now;
        fresh
    }
}

/// The notification's text: summary and body.
pub fn message(names: &[String], hide_names: bool) -> (String, String) {
    let summary = match names.len() {
        1 => "A key needs attention".to_owned(),
        n => format!("{n} keys need attention"),
    };
    if hide_names {
        return (
            summary,
            "Expired, expiring or due for rotation. Open Tessera's Health view.".to_owned(),
        );
    }
    let mut shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    shown.sort_unstable();
    let more = names.len().saturating_sub(shown.len());
    let mut body = shown.join(", ");
    if more > 0 {
        body.push_str(&format!(" and {more} more"));
    }
    body.push_str(": expired, expiring or due for rotation. Open Tessera's Health view.");
    (summary, body)
}

/// Sends one notification on the session bus; an error when there is no
/// bus or no notification server (the badge in the window still shows).
pub async fn send(summary: &str, body: &str) -> Result<u32, String> {
    let conn = zbus::Connection::session().await.map_err(|e| e.to_string())?;
    let hints: HashMap<&str, zbus::zvariant::Value<'_>> = HashMap::new();
    let reply = conn
        .call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "Notify",
            &(
                "Tessera",
                0u32,
                "dialog-password",
                summary,
                body,
                Vec::<&str>::new(),
                hints,
                -1i32,
            ),
        )
        .await
        .map_err(|e| e.to_string())?;
    reply.body().deserialize::<u32>().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_item_is_announced_once_until_it_stops_being_due() {
        let mut a = Announced::default();
        let due = vec![("1".to_owned(), "stripe".to_owned())];
        assert_eq!(a.newly_due(&due), vec!["stripe".to_owned()]);
        assert!(a.newly_due(&due).is_empty());
        let more = vec![due[0].clone(), ("2".to_owned(), "github".to_owned())];
        assert_eq!(a.newly_due(&more), vec!["github".to_owned()]);
        assert!(a.newly_due(&[]).is_empty());
        assert_eq!(a.newly_due(&due), vec!["stripe".to_owned()]);
    }

    #[test]
    fn the_message_names_at_most_three() {
        let names: Vec<String> = ["d", "c", "b", "a"].iter().map(|s| (*s).to_owned()).collect();
        let (summary, body) = message(&names, false);
        assert_eq!(summary, "4 keys need attention");
        assert!(body.starts_with("b, c, d and 1 more:"), "{body}");
        assert_eq!(message(&names[..1], false).0, "A key needs attention");
        // Hidden names: the count only.
        let secret_names = vec!["payroll-bank".to_owned(), "ex-partner-email".to_owned()];
        let (summary, body) = message(&secret_names, true);
        assert_eq!(summary, "2 keys need attention");
        assert!(secret_names.iter().all(|n| !body.contains(n.as_str())), "{body}");
    }

    /// Against a real session bus and a stand-in notification server
    /// (scripts/test.sh runs it under dbus-run-session).
    #[test]
    fn a_notification_reaches_the_session_bus() {
        if std::env::var("TESSERA_REAL_DBUS").as_deref() != Ok("1") {
            eprintln!("skipped: set TESSERA_REAL_DBUS=1 under dbus-run-session");
            return;
        }
        struct Server(std::sync::mpsc::Sender<(String, String)>);
        #[zbus::interface(name = "org.freedesktop.Notifications")]
        impl Server {
            #[allow(clippy::too_many_arguments)]
            fn notify(
                &self,
                _app: String,
                _replaces: u32,
                _icon: String,
                summary: String,
                body: String,
                _actions: Vec<String>,
                _hints: HashMap<String, zbus::zvariant::OwnedValue>,
                _timeout: i32,
            ) -> u32 {
                let _ = self.0.send((summary, body));
                7
            }
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        rt.block_on(async {
            let _server = zbus::connection::Builder::session()
                .unwrap()
                .name("org.freedesktop.Notifications")
                .unwrap()
                .serve_at("/org/freedesktop/Notifications", Server(tx))
                .unwrap()
                .build()
                .await
                .unwrap();
            let (summary, body) = message(&["stripe".to_owned()], false);
            assert_eq!(send(&summary, &body).await.unwrap(), 7);
        });
        let (summary, body) = rx.recv().unwrap();
        assert_eq!(summary, "A key needs attention");
        assert!(body.starts_with("stripe:"));
    }
}
