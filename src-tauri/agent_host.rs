//! While the app runs it serves the agent's socket over the vault its
//! window unlocked: `tessera get`, `run` and `inject` need no second
//! unlock, and a program asking for a secret the first time is asked about
//! in the window rather than at a terminal.

use crate::events;
use crate::ipc::{AgentInfo, AgentState, ConsentQuestion};
use crate::state::AppState;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};
use tessera_core::agent::{self, Agent, Host, HostFuture};
use tessera_core::consent::Decision;
use tessera_core::{Error, LockedVault, Result, Vault};
use tokio::sync::{oneshot, MappedMutexGuard, MutexGuard};

/// Consent questions waiting for the window's answer, by id.
#[derive(Default)]
pub struct Questions {
    next: AtomicU64,
    open: std::sync::Mutex<HashMap<u64, oneshot::Sender<Decision>>>,
}

impl Questions {
    fn open(&self) -> (u64, oneshot::Receiver<Decision>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = oneshot::channel();
        if let Ok(mut open) = self.open.lock() {
            open.insert(id, tx);
        }
        (id, rx)
    }

    fn close(&self, id: u64) -> Option<oneshot::Sender<Decision>> {
        self.open.lock().ok()?.remove(&id)
    }

    /// Closes the question unanswered: the program is refused this time.
    pub fn dismiss(&self, id: u64) -> bool {
        self.close(id).is_some()
    }

    /// Delivers the window's answer; false when the question is no longer
    /// open (answered, timed out, or its program went away).
    pub fn answer(&self, id: u64, decision: Decision) -> bool {
        self.close(id).is_some_and(|tx| tx.send(decision).is_ok())
    }
}

/// Forgets a question whose asker stopped waiting (timeout, hang-up).
struct Closing<'a> {
    questions: &'a Questions,
    id: u64,
}

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        let _ = self.questions.close(self.id);
    }
}

pub struct AppHost<R: Runtime> {
    app: AppHandle<R>,
    vault_path: PathBuf,
}

impl<R: Runtime> AppHost<R> {
    fn state(&self) -> &AppState {
        self.app.state::<AppState>().inner()
    }
}

impl<R: Runtime> Host for AppHost<R> {
    fn vault(&self) -> HostFuture<'_, MappedMutexGuard<'_, Option<Vault>>> {
        Box::pin(async move { MutexGuard::map(self.state().session.lock().await, |s| &mut s.vault) })
    }

    /// `tessera unlock` while the app runs unlocks the app.
    fn unlock<'a>(&'a self, password: &'a str) -> HostFuture<'a, Result<()>> {
        Box::pin(async move {
            let state = self.state();
            let mut session = state.session.lock().await;
            if session.vault.is_none() {
                let locked = LockedVault::open(&state.vault_path).await?;
                let vault = locked.unlock_with_keychain(password, state.keychain()).await?;
                crate::commands::session::open_session(state, &mut session, vault).await?;
                drop(session);
                events::unlocked(&self.app);
            }
            Ok(())
        })
    }

    fn lock(&self) -> HostFuture<'_, ()> {
        Box::pin(async move {
            let mut session = self.state().session.lock().await;
            if session.vault.is_some() {
                session.lock();
                drop(session);
                events::locked(&self.app, "agent");
            }
        })
    }

    fn used(&self) {
        self.state().touch();
    }

    fn ask<'a>(&'a self, program: &'a str, items: &'a [String]) -> Option<HostFuture<'a, Result<Decision>>> {
        Some(Box::pin(async move {
            let questions = &self.state().questions;
            let (id, answer) = questions.open();
            let _closing = Closing { questions, id };
            events::consent_requested(
                &self.app,
                ConsentQuestion {
                    id,
                    program: program.to_owned(),
                    items: items.to_vec(),
                },
            );
            if let Some(w) = self.app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
            answer
                .await
                .map_err(|_| Error::ConsentDenied("the question was dismissed in the app".into()))
        }))
    }

    /// A `quit` request locks the app; it does not close the window.
    fn quit_stops(&self) -> bool {
        false
    }

    fn vault_path(&self) -> &Path {
        &self.vault_path
    }

    fn idle_lock(&self) -> Duration {
        let minutes = self
            .state()
            .session
            .try_lock()
            .map(|s| s.settings.auto_lock_minutes)
            .unwrap_or(5);
        Duration::from_secs(u64::from(minutes) * 60)
    }
}

/// Binds the vault's agent socket and serves it for as long as the app
/// runs. When `tessera agent` already serves it, the app leaves it be.
pub async fn serve<R: Runtime>(app: AppHandle<R>) {
    let state = app.state::<AppState>();
    let vault_path = state.vault_path.clone();
    let info = |state: &AppState, info: AgentInfo| {
        if let Ok(mut slot) = state.agent.lock() {
            *slot = info;
        }
    };
    let socket = match agent::socket_path(&vault_path) {
        Ok(s) => s,
        Err(e) => return info(&state, AgentInfo::unavailable(e.to_string())),
    };
    let listener = match agent::bind(&socket).await {
        Ok(l) => l,
        Err(Error::AgentRunning(_)) => return info(&state, AgentInfo::elsewhere(&socket)),
        Err(e) => return info(&state, AgentInfo::unavailable(e.to_string())),
    };
    let host = AppHost {
        app: app.clone(),
        vault_path,
    };
    let agent = match Agent::hosted(host, socket.clone()) {
        Ok(a) => a,
        Err(e) => {
            let _ = std::fs::remove_file(&socket);
            return info(&state, AgentInfo::unavailable(e.to_string()));
        }
    };
    info(&state, AgentInfo::serving(&socket));
    if let Err(e) = agent.serve(listener).await {
        info(&state, AgentInfo::unavailable(e.to_string()));
    }
}

/// On exit: the socket file goes, so the CLI does not find a dead agent.
pub fn remove_socket(state: &AppState) {
    let serving = state
        .agent
        .lock()
        .ok()
        .filter(|a| a.state == AgentState::Serving)
        .map(|a| a.socket.clone());
    if let Some(socket) = serving {
        let _ = std::fs::remove_file(socket);
    }
}
