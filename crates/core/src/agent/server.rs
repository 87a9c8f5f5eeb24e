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
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{Mutex, Notify};
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

struct State {
    vault: Option<Vault>,
    last_use: Instant,
    /// "This session" decisions: (program, item id) → decision.
    session: HashMap<(String, String), Decision>,
}

pub struct Agent {
    config: AgentConfig,
    uid: u32,
    state: Mutex<State>,
    quit: Notify,
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

impl Agent {
    pub fn new(config: AgentConfig) -> Result<Arc<Agent>> {
        Ok(Arc::new(Agent {
            config,
            uid: peer::current_uid()?,
            state: Mutex::new(State {
                vault: None,
                last_use: Instant::now(),
                session: HashMap::new(),
            }),
            quit: Notify::new(),
        }))
    }

    pub async fn unlock(&self, password: &str) -> Result<()> {
        let mut st = self.state.lock().await;
        if st.vault.is_none() {
            let locked = LockedVault::open(&self.config.vault_path).await?;
            let vault = if locked.needs_device_secret() {
                locked.unlock_with_keychain(password, &Keychain::system()).await?
            } else {
                locked.unlock(password).await?
            };
            st.vault = Some(vault);
        }
        st.last_use = Instant::now();
        Ok(())
    }

    pub async fn is_unlocked(&self) -> bool {
        self.state.lock().await.vault.is_some()
    }

    /// Drops the vault's keys and every session decision.
    pub async fn lock(&self) {
        let mut st = self.state.lock().await;
        st.session.clear();
        if let Some(v) = st.vault.take() {
            let _ = v.close().await;
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
                _ = tick.tick() => self.lock_if_idle().await,
                _ = self.quit.notified() => break Ok(()),
            }
        };
        self.lock().await;
        let _ = std::fs::remove_file(&self.config.socket_path);
        result
    }

    pub fn stop(&self) {
        self.quit.notify_one();
    }

    async fn lock_if_idle(&self) {
        let idle = {
            let st = self.state.lock().await;
            st.vault.is_some() && st.last_use.elapsed() >= self.config.idle_lock
        };
        if idle {
            self.lock().await;
        }
    }

    async fn handle(self: Arc<Self>, stream: UnixStream) {
        let peer = match Peer::of(&stream) {
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
                self.stop();
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
        let st = self.state.lock().await;
        Response::Status {
            version: PROTOCOL_VERSION,
            unlocked: st.vault.is_some(),
            vault: self.config.vault_path.display().to_string(),
            idle_lock_seconds: self.config.idle_lock.as_secs(),
        }
    }

    async fn list(
        &self,
        text: Option<String>,
        kind: Option<String>,
        tag: Option<String>,
    ) -> Result<Response> {
        let mut st = self.state.lock().await;
        st.last_use = Instant::now();
        let vault = st.vault.as_mut().ok_or(Error::Locked)?;
        // Another process may have written since the index was built.
        vault.reload_index().await?;
        let q = Query {
            text,
            kind: kind.as_deref().map(str::parse).transpose()?,
            tag,
        };
        let items = vault.list(&q).await?;
        Ok(Response::Items { items })
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
        let (mut items, undecided, values) = {
            let mut st = self.state.lock().await;
            st.last_use = Instant::now();
            let vault = st.vault.as_mut().ok_or(Error::Locked)?;
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
                let decided = stored.or_else(|| st.session.get(&(program.clone(), id.clone())).copied());
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
            if !peer.is_tessera_cli() {
                return Err(Error::ConsentDenied(format!(
                    "{program} has no permission for {}, and there is no one to ask; allow it with `tessera consent allow {program} ITEM`",
                    names(&undecided)
                )));
            }
            let ask = Response::AskConsent {
                program: program.clone(),
                items: undecided.iter().map(|(_, n)| n.clone()).collect(),
            };
            write_response(conn, &ask).await?;
            let answer = tokio::time::timeout(ANSWER_TIMEOUT, read_line(conn))
                .await
                .map_err(|_| Error::ConsentDenied("no answer in time".into()))??
                .ok_or_else(|| Error::ConsentDenied("the question was not answered".into()))?;
            let decision = match serde_json::from_slice::<Request>(&answer) {
                Ok(Request::Answer { decision }) => decision,
                _ => return Err(Error::invalid("expected an answer to the consent question")),
            };
            let mut st = self.state.lock().await;
            let vault = st.vault.as_mut().ok_or(Error::Locked)?;
            for (id, _) in &undecided {
                if decision.is_lasting() {
                    vault.record_grant(&program, id, decision).await?;
                }
            }
            if decision == Decision::Session {
                for (id, _) in &undecided {
                    st.session.insert((program.clone(), id.clone()), decision);
                }
            }
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
        let mut st = self.state.lock().await;
        st.last_use = Instant::now();
        let vault = st.vault.as_mut().ok_or(Error::Locked)?;
        for (id, name, how) in &items {
            vault.audit_secret_use(id, name, &program, *how).await?;
        }
        Ok(())
    }
}

fn names(items: &[(String, String)]) -> String {
    items
        .iter()
        .map(|(_, n)| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}
