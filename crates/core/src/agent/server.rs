//! The agent: holds one unlocked vault and answers requests on a Unix
//! socket, asking the user before a program first gets an item's secret.

use super::peer::{self, Peer};
use super::protocol::{Request, Response, Want, MAX_LINE, PROTOCOL_VERSION};
use crate::consent::Decision;
use crate::error::{Error, Result};
use crate::items::Field;
use crate::keychain::Keychain;
use crate::search::Query;
use crate::vault::{LockedVault, Vault};
use std::collections::HashMap;
use std::future::Future;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard, Notify};
use zeroize::Zeroizing;

/// How long the agent waits for the user to answer a consent question.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a client may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub struct AgentConfig {
    pub vault_path: PathBuf,
    pub socket_path: PathBuf,
    /// Lock (and forget every key and session decision) after this long
    /// without a request.
    pub idle_lock: Duration,
}

/// A future the agent awaits from its host.
pub type HostFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Whoever holds the vault the agent serves: the agent process itself
/// (`tessera agent`, [`Standalone`]) or the desktop app, which serves the
/// same socket over the vault its window has unlocked.
pub trait Host: Send + Sync + 'static {
    /// The vault, `None` while locked, held exclusively while the guard lives.
    fn vault(&self) -> HostFuture<'_, MappedMutexGuard<'_, Option<Vault>>>;
    fn unlock<'a>(&'a self, password: &'a str) -> HostFuture<'a, Result<()>>;
    /// Drops the vault's keys.
    fn lock(&self) -> HostFuture<'_, ()>;
    /// A request came in (restarts an idle clock).
    fn used(&self);
    /// Asks the user whether `program` may read `items` (their names).
    /// `None` when this host has no way to ask; the agent then asks the
    /// tessera CLI that sent the request, at its terminal.
    fn ask<'a>(&'a self, program: &'a str, items: &'a [String]) -> Option<HostFuture<'a, Result<Decision>>>;
    /// Four times a second while serving.
    fn tick(&self) -> HostFuture<'_, ()> {
        Box::pin(async {})
    }
    /// Whether a `quit` request stops the agent; the app only locks.
    fn quit_stops(&self) -> bool;
    fn vault_path(&self) -> &Path;
    fn idle_lock(&self) -> Duration;
}

/// `tessera agent`: the agent holds the vault itself, locks when idle,
/// and asks at the requesting terminal.
pub struct Standalone {
    config: AgentConfig,
    vault: Mutex<Option<Vault>>,
    last_use: std::sync::Mutex<Instant>,
}

impl Standalone {
    fn touch(&self) {
        if let Ok(mut t) = self.last_use.lock() {
            *t = Instant::now();
        }
    }

    fn idle_for(&self) -> Duration {
        self.last_use.lock().map(|t| t.elapsed()).unwrap_or_default()
    }
}

impl Host for Standalone {
    fn vault(&self) -> HostFuture<'_, MappedMutexGuard<'_, Option<Vault>>> {
        Box::pin(async { MutexGuard::map(self.vault.lock().await, |v| v) })
    }

    fn unlock<'a>(&'a self, password: &'a str) -> HostFuture<'a, Result<()>> {
        Box::pin(async move {
            let mut slot = self.vault.lock().await;
            if slot.is_none() {
                let locked = LockedVault::open(&self.config.vault_path).await?;
                let vault = if locked.needs_device_secret() {
                    locked.unlock_with_keychain(password, &Keychain::system()).await?
                } else {
                    locked.unlock(password).await?
                };
                *slot = Some(vault);
            }
            self.touch();
            Ok(())
        })
    }

    fn lock(&self) -> HostFuture<'_, ()> {
        Box::pin(async {
            let taken = self.vault.lock().await.take();
            if let Some(v) = taken {
                let _ = v.close().await;
            }
        })
    }

    fn used(&self) {
        self.touch();
    }

    fn ask<'a>(&'a self, _: &'a str, _: &'a [String]) -> Option<HostFuture<'a, Result<Decision>>> {
        None
    }

    fn tick(&self) -> HostFuture<'_, ()> {
        Box::pin(async {
            let open = self.vault.lock().await.is_some();
            if open && self.idle_for() >= self.config.idle_lock {
                self.lock().await;
            }
        })
    }

    fn quit_stops(&self) -> bool {
        true
    }

    fn vault_path(&self) -> &Path {
        &self.config.vault_path
    }

    fn idle_lock(&self) -> Duration {
        self.config.idle_lock
    }
}

/// "This session" decisions, for one unlock of the vault (its instance).
#[derive(Default)]
struct SessionDecisions {
    instance: u64,
    /// (program, item id) → decision.
    decided: HashMap<(String, String), Decision>,
}

impl SessionDecisions {
    /// The decisions of `vault`'s unlock; those of an earlier unlock are
    /// forgotten.
    fn of(&mut self, vault: &Vault) -> &mut HashMap<(String, String), Decision> {
        if self.instance != vault.instance() {
            self.instance = vault.instance();
            self.decided.clear();
        }
        &mut self.decided
    }
}

pub struct Agent<H: Host = Standalone> {
    host: H,
    socket_path: PathBuf,
    uid: u32,
    session: std::sync::Mutex<SessionDecisions>,
    quit: Notify,
    /// Where the tessera CLI it trusts lives ([`peer::cli_dir`]).
    cli_dir: Option<PathBuf>,
}

/// Reads one request line, refusing lines over [`MAX_LINE`].
async fn read_line(reader: &mut BufReader<UnixStream>) -> Result<Option<Zeroizing<Vec<u8>>>> {
    let mut line = Zeroizing::new(Vec::new());
    let n = (&mut *reader)
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut line)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    if line.len() > MAX_LINE {
        return Err(Error::invalid("the request is too large"));
    }
    Ok(Some(line))
}

async fn write_response(writer: &mut BufReader<UnixStream>, r: &Response) -> Result<()> {
    let mut bytes = Zeroizing::new(serde_json::to_vec(r).map_err(|e| Error::Io(e.to_string()))?);
    bytes.push(b'\n');
    writer.get_mut().write_all(&bytes).await?;
    Ok(())
}

/// Creates the socket's directory (0700) and binds the socket (0600). A
/// socket file nobody answers on is stale and replaced; a live one means
/// another agent runs, and is refused.
pub async fn bind(socket: &Path) -> Result<UnixListener> {
    if let Some(dir) = socket.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    if socket.exists() {
        if UnixStream::connect(socket).await.is_ok() {
            return Err(Error::AgentRunning(socket.display().to_string()));
        }
        std::fs::remove_file(socket)?;
    }
    let listener = UnixListener::bind(socket)?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

impl Agent<Standalone> {
    /// The agent of `tessera agent`, holding the vault itself.
    pub fn new(config: AgentConfig) -> Result<Arc<Agent>> {
        let socket_path = config.socket_path.clone();
        Agent::hosted(
            Standalone {
                config,
                vault: Mutex::new(None),
                last_use: std::sync::Mutex::new(Instant::now()),
            },
            socket_path,
        )
    }
}

impl<H: Host> Agent<H> {
    /// An agent serving `host`'s vault on `socket_path`.
    pub fn hosted(host: H, socket_path: PathBuf) -> Result<Arc<Agent<H>>> {
        Ok(Arc::new(Agent {
            host,
            socket_path,
            uid: peer::current_uid()?,
            session: std::sync::Mutex::new(SessionDecisions::default()),
            quit: Notify::new(),
            cli_dir: peer::cli_dir(),
        }))
    }

    pub fn host(&self) -> &H {
        &self.host
    }

    pub async fn unlock(&self, password: &str) -> Result<()> {
        self.host.unlock(password).await
    }

    pub async fn is_unlocked(&self) -> bool {
        self.host.vault().await.is_some()
    }

    /// Drops the vault's keys; the session decisions go with the unlock.
    pub async fn lock(&self) {
        self.host.lock().await;
    }

    fn session_decision(&self, vault: &Vault, program: &str, item: &str) -> Option<Decision> {
        let mut s = self.session.lock().ok()?;
        s.of(vault).get(&(program.to_owned(), item.to_owned())).copied()
    }

    fn remember_for_session(&self, vault: &Vault, program: &str, items: &[(String, String)]) {
        if let Ok(mut s) = self.session.lock() {
            let decided = s.of(vault);
            for (id, _) in items {
                decided.insert((program.to_owned(), id.clone()), Decision::Session);
            }
        }
    }

    /// Serves until a `quit` request (or [`Agent::stop`]); removes the
    /// socket file on the way out.
    pub async fn serve(self: Arc<Self>, listener: UnixListener) -> Result<()> {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        let result = loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        let agent = Arc::clone(&self);
                        tokio::spawn(async move { agent.handle(stream).await });
                    }
                    Err(e) => break Err(Error::from(e)),
                },
                _ = tick.tick() => self.host.tick().await,
                _ = self.quit.notified() => break Ok(()),
            }
        };
        if self.host.quit_stops() {
            self.lock().await;
        }
        let _ = std::fs::remove_file(&self.socket_path);
        result
    }

    pub fn stop(&self) {
        self.quit.notify_one();
    }

    async fn handle(self: Arc<Self>, stream: UnixStream) {
        let peer = match Peer::of(&stream, self.cli_dir.as_deref()) {
            Ok(p) => p,
            Err(_) => return,
        };
        let mut conn = BufReader::new(stream);
        if let Err(e) = peer::check_same_user(&peer, self.uid) {
            let _ = write_response(&mut conn, &Response::error(&e)).await;
            return;
        }
        let request = match tokio::time::timeout(REQUEST_TIMEOUT, read_line(&mut conn)).await {
            Ok(Ok(Some(line))) => match serde_json::from_slice::<Request>(&line) {
                Ok(r) => r,
                Err(_) => {
                    let e = Error::invalid("the agent could not read the request");
                    let _ = write_response(&mut conn, &Response::error(&e)).await;
                    return;
                }
            },
            _ => return,
        };
        let reply = match request {
            Request::Status => Ok(self.status().await),
            Request::Unlock { password } => self.unlock(&password).await.map(|()| Response::Done),
            Request::Lock => {
                self.lock().await;
                Ok(Response::Done)
            }
            Request::Quit => {
                if self.host.quit_stops() {
                    self.stop();
                } else {
                    self.lock().await;
                }
                Ok(Response::Done)
            }
            Request::List { text, kind, tag } => self.list(text, kind, tag).await,
            Request::Secrets { wants, for_program } => {
                match self
                    .secrets(&mut conn, &peer, wants, for_program.as_deref())
                    .await
                {
                    // It has answered already.
                    Ok(()) => return,
                    Err(e) => Err(e),
                }
            }
            Request::Answer { .. } => Err(Error::invalid("there is no question to answer")),
        };
        let reply = reply.unwrap_or_else(|e| Response::error(&e));
        let _ = write_response(&mut conn, &reply).await;
    }

    async fn status(&self) -> Response {
        // The guard goes before the host is asked anything else.
        let unlocked = self.host.vault().await.is_some();
        Response::Status {
            version: PROTOCOL_VERSION,
            unlocked,
            vault: self.host.vault_path().display().to_string(),
            idle_lock_seconds: self.host.idle_lock().as_secs(),
        }
    }

    async fn list(
        &self,
        text: Option<String>,
        kind: Option<String>,
        tag: Option<String>,
    ) -> Result<Response> {
        self.host.used();
        let mut slot = self.host.vault().await;
        let vault = slot.as_mut().ok_or(Error::Locked)?;
        let q = Query {
            text,
            kind: kind.as_deref().map(str::parse).transpose()?,
            tag,
        };
        // Another process may have written since the index was built.
        let index = vault.fresh_index().await?;
        let items = index.search(&q).into_iter().cloned().collect();
        let damaged = index.damaged().to_vec();
        Ok(Response::Items { items, damaged })
    }

    /// Hands out secrets once every item has a "yes" for the requesting
    /// program: stored, for this session, or from the user now.
    async fn secrets(
        &self,
        conn: &mut BufReader<UnixStream>,
        peer: &Peer,
        wants: Vec<Want>,
        for_program: Option<&str>,
    ) -> Result<()> {
        let program = peer.requester(for_program);
        self.host.used();
        let (mut items, undecided, values) = {
            let mut slot = self.host.vault().await;
            let vault = slot.as_mut().ok_or(Error::Locked)?;
            let grants = vault.grants().await?;
            // (id, name, how it was allowed)
            let mut items: Vec<(String, String, Decision)> = Vec::new();
            // Every value is read before anyone is asked, so a missing item
            // or field fails at once; they wait in zeroizing memory.
            let mut values = Vec::with_capacity(wants.len());
            for (i, w) in wants.iter().enumerate() {
                let found = async {
                    let s = vault.item(&w.item).await?.summary;
                    let field: Field = w.field.parse()?;
                    let value = vault.field(&s.id, &field).await?;
                    Ok::<_, Error>((s, value))
                };
                let (s, value) = found.await.map_err(|e| Error::Remote {
                    code: e.code(),
                    message: e.to_string(),
                    want: Some(i),
                })?;
                values.push(value);
                if !items.iter().any(|(id, _, _)| *id == s.id) {
                    items.push((s.id, s.name, Decision::Once));
                }
            }
            let mut undecided = Vec::new();
            for (id, name, how) in &mut items {
                let stored = grants
                    .iter()
                    .rev()
                    .find(|g| g.executable == program && g.item_id == *id)
                    .map(|g| g.decision);
                let decided = stored.or_else(|| self.session_decision(vault, &program, id));
                match decided {
                    Some(Decision::Deny) => {
                        return Err(Error::ConsentDenied(format!("{program} may not read {name:?}")))
                    }
                    Some(d) => *how = d,
                    None => undecided.push((id.clone(), name.clone())),
                }
            }
            (items, undecided, values)
        };
        if !undecided.is_empty() {
            let names_asked: Vec<String> = undecided.iter().map(|(_, n)| n.clone()).collect();
            let decision = match self.host.ask(&program, &names_asked) {
                Some(asking) => tokio::time::timeout(ANSWER_TIMEOUT, asking)
                    .await
                    .map_err(|_| Error::ConsentDenied("no answer in time".into()))??,
                None if peer.is_tessera_cli() => ask_client(conn, &program, names_asked.clone()).await?,
                None => {
                    return Err(Error::ConsentDenied(format!(
                        "{program} has no permission for {}, and there is no one to ask; allow it with `tessera consent allow {program} ITEM`",
                        names(&undecided)
                    )))
                }
            };
            let mut slot = self.host.vault().await;
            let vault = slot.as_mut().ok_or(Error::Locked)?;
            for (id, _) in &undecided {
                if decision.is_lasting() {
                    vault.record_grant(&program, id, decision).await?;
                }
            }
            if decision == Decision::Session {
                self.remember_for_session(vault, &program, &undecided);
            }
            drop(slot);
            if !decision.allows() {
                return Err(Error::ConsentDenied(format!(
                    "{program} may not read {}",
                    names(&undecided)
                )));
            }
            for (id, _, how) in &mut items {
                if undecided.iter().any(|(u, _)| u == id) {
                    *how = decision;
                }
            }
        }
        let reply = Response::Secrets { values };
        // Answer first, then write the audit entries: the fsync is not on
        // the caller's path.
        write_response(conn, &reply).await?;
        drop(reply);
        self.host.used();
        let mut slot = self.host.vault().await;
        let vault = slot.as_mut().ok_or(Error::Locked)?;
        for (id, name, how) in &items {
            vault.audit_secret_use(id, name, &program, *how).await?;
        }
        Ok(())
    }
}

/// Asks the tessera CLI that sent the request, which asks at its terminal.
async fn ask_client(conn: &mut BufReader<UnixStream>, program: &str, items: Vec<String>) -> Result<Decision> {
    let ask = Response::AskConsent {
        program: program.to_owned(),
        items,
    };
    write_response(conn, &ask).await?;
    let answer = tokio::time::timeout(ANSWER_TIMEOUT, read_line(conn))
        .await
        .map_err(|_| Error::ConsentDenied("no answer in time".into()))??
        .ok_or_else(|| Error::ConsentDenied("the question was not answered".into()))?;
    match serde_json::from_slice::<Request>(&answer) {
        Ok(Request::Answer { decision }) => Ok(decision),
        _ => Err(Error::invalid("expected an answer to the consent question")),
    }
}

fn names(items: &[(String, String)]) -> String {
    items
        .iter()
        .map(|(_, n)| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
