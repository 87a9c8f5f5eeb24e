//! What the app holds between commands: the vault (locked or unlocked), the
//! settings, the keyring, and what must be forgotten at lock time.

use crate::agent_host::Questions;
use crate::ipc::AgentInfo;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use tessera_core::crypto::SecretKey;
use tessera_core::keychain::Keychain;
use tessera_core::prefs::{Preferences, ProfileInfo, Settings};
use tessera_core::transfer::ImportedItem;
use tessera_core::{Filters, Vault};
use tokio::sync::Mutex;

pub struct AppState {
    pub vault_path: PathBuf,
    /// Set by a background thread: asking D-Bus can take a while.
    pub keychain: Arc<OnceLock<Keychain>>,
    pub session: Mutex<Session>,
    /// Last user activity, ms since the epoch, for the idle lock.
    pub activity: AtomicI64,
    /// Overrides the idle lock (seconds), for end-to-end tests.
    pub idle_override_secs: Option<i64>,
    /// Consent questions from the agent socket, waiting for the window.
    pub questions: Questions,
    /// Whether this app serves the agent socket.
    pub agent: std::sync::Mutex<AgentInfo>,
    /// Items a desktop notification has announced as due.
    #[cfg(target_os = "linux")]
    pub announced: std::sync::Mutex<crate::notify::Announced>,
    /// The desktop portal's colour scheme: 0 none (or no portal), 1 dark, 2 light.
    pub color_scheme: AtomicU32,
}

/// Everything here is dropped (and zeroized) when the vault locks.
#[derive(Default)]
pub struct Session {
    pub vault: Option<Vault>,
    pub settings: Settings,
    /// The active persona profile's standing filters, applied to the list.
    pub filters: Filters,
    /// Lock when the system goes to sleep (a behaviour preference).
    pub lock_on_sleep: bool,
    /// Item names may appear in desktop notifications (the privacy
    /// preference "hide item names on the lock screen" is off). False until
    /// the preferences are read: the private choice.
    pub names_in_notifications: bool,
    /// SQLite's data_version when we last read the index.
    pub data_version: i64,
    /// Bumped on every change to the set of items the UI shows.
    pub revision: u64,
    /// A device secret shown in a recovery kit, not yet confirmed.
    pub pending_device_secret: Option<SecretKey>,
    /// Deleted items kept for undo, with the deadline.
    pub deleted: HashMap<String, (ImportedItem, i64)>,
    /// The revision and time (ms) of the last health check.
    pub health_revision: u64,
    pub health_at: i64,
}

impl Session {
    /// What the session keeps from the preferences: the timings, lock on
    /// sleep, whether notifications may name items, and the active
    /// profile's standing filters. One place, for unlock, the preference
    /// commands and changes made by another process.
    pub fn keep_prefs(&mut self, prefs: &Preferences, profiles: &[ProfileInfo]) {
        self.settings = Settings::from(&prefs.behaviour);
        self.lock_on_sleep = prefs.behaviour.lock_on_sleep;
        self.names_in_notifications = !prefs.privacy.hide_names_on_lock_screen;
        self.filters = profiles
            .iter()
            .find(|p| p.active)
            .map(|p| p.filters.clone())
            .unwrap_or_default();
    }

    pub fn lock(&mut self) {
        self.vault = None;
        self.pending_device_secret = None;
        self.deleted.clear();
        self.filters = Filters::default();
        self.revision += 1;
    }
}

impl AppState {
    pub fn new(vault_path: PathBuf, keychain: Arc<OnceLock<Keychain>>) -> Self {
        let idle_override_secs = std::env::var("TESSERA_IDLE_LOCK_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok());
        Self {
            vault_path,
            keychain,
            session: Mutex::new(Session::default()),
            activity: AtomicI64::new(now_ms()),
            idle_override_secs,
            questions: Questions::default(),
            agent: std::sync::Mutex::new(AgentInfo::starting()),
            #[cfg(target_os = "linux")]
            announced: Default::default(),
            color_scheme: AtomicU32::new(0),
        }
    }

    pub fn touch(&self) {
        self.activity.store(now_ms(), Ordering::Relaxed);
    }

    /// Records the portal's colour scheme; true if it changed.
    pub fn set_color_scheme(&self, v: u32) -> bool {
        self.color_scheme.swap(v, Ordering::Relaxed) != v
    }

    pub fn color_scheme(&self) -> Option<&'static str> {
        crate::portal::scheme_name(self.color_scheme.load(Ordering::Relaxed))
    }

    pub fn idle_ms(&self) -> i64 {
        now_ms() - self.activity.load(Ordering::Relaxed)
    }

    /// The keyring, or a stand-in that explains why there is none yet.
    pub fn keychain(&self) -> &Keychain {
        static CHECKING: OnceLock<Keychain> = OnceLock::new();
        self.keychain.get().unwrap_or_else(|| {
            CHECKING.get_or_init(|| Keychain::unavailable("still looking for the OS keyring"))
        })
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
