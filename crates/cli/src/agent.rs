//! The CLI's side of the agent: starting it, unlocking and locking it, and
//! reading through it, asking the user on the terminal when the agent wants
//! consent.

use crate::secrets;
use crate::Cli;
use std::future::Future;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tessera_core::agent::protocol::{Request, Response, Want};
use tessera_core::agent::{self, Agent, AgentClient, AgentConfig};
use tessera_core::consent::Decision;
use tessera_core::refs::{Resolver, SecretRef};
use tessera_core::{Error, ItemSummary, Result, Vault, Zeroizing};

pub fn socket_for(vault: &Path) -> Result<PathBuf> {
    agent::socket_path(vault)
}

/// A connection to an agent that is running *and unlocked*; `None`
/// otherwise, so the caller unlocks the vault itself.
pub async fn unlocked_agent(vault: &Path) -> Result<Option<AgentClient>> {
    let socket = socket_for(vault)?;
    let Some(mut probe) = AgentClient::connect(&socket).await? else {
        return Ok(None);
    };
    match probe.call(&Request::Status).await {
        Ok(Response::Status { unlocked: true, .. }) => AgentClient::connect(&socket).await,
        // Locked, lost or confused: fall back to a direct unlock.
        _ => Ok(None),
    }
}

/// `tessera agent`: serve in the foreground until stopped.
pub async fn serve(vault: PathBuf, idle: Duration, unlock_with: Option<Zeroizing<String>>) -> Result<()> {
    let socket = socket_for(&vault)?;
    let listener = agent::bind(&socket).await?;
    let agent = Agent::new(AgentConfig {
        vault_path: vault,
        socket_path: socket.clone(),
        idle_lock: idle,
    })?;
    if let Some(pw) = unlock_with {
        if let Err(e) = agent.unlock(&pw).await {
            let _ = std::fs::remove_file(&socket);
            return Err(e);
        }
    }
    eprintln!("tessera agent listening on {}", socket.display());
    let stopper = Arc::clone(&agent);
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        if let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
                _ = hup.recv() => {}
            }
            stopper.stop();
        }
    });
    agent.serve(listener).await
}

/// Starts `tessera agent` in the background, detached from the terminal,
/// and waits until it answers.
async fn spawn_agent(vault: &Path, idle: Duration) -> Result<AgentClient> {
    let exe = std::env::current_exe()?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("--vault")
        .arg(vault)
        .arg("agent")
        .arg("--idle-timeout")
        .arg(idle.as_secs().to_string())
        .env_remove("TESSERA_PASSWORD_FILE")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // Its own process group: a Ctrl-C at this terminal must not stop it.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd.spawn()?;
    let socket = socket_for(vault)?;
    for _ in 0..100 {
        if let Some(c) = AgentClient::connect(&socket).await? {
            return Ok(c);
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    Err(Error::AgentLost("the agent did not start".into()))
}

/// `tessera unlock`: unlock the running agent, starting one if needed.
pub async fn unlock(cli: &Cli, vault: &Path, idle: Duration) -> Result<()> {
    if !vault.exists() {
        return Err(Error::VaultNotFound(vault.display().to_string()));
    }
    let socket = socket_for(vault)?;
    let mut client = match AgentClient::connect(&socket).await? {
        Some(mut probe) => {
            if let Response::Status { unlocked: true, .. } = probe.call(&Request::Status).await? {
                eprintln!("The agent is already unlocked.");
                return Ok(());
            }
            AgentClient::connect(&socket)
                .await?
                .ok_or_else(|| Error::AgentLost("the agent went away".into()))?
        }
        None => spawn_agent(vault, idle).await?,
    };
    let password = secrets::master_password(cli.password_file.as_deref())?;
    client.call(&Request::Unlock { password }).await?;
    eprintln!(
        "Unlocked; the agent locks itself after {} s idle.",
        idle.as_secs()
    );
    Ok(())
}

/// `tessera lock` (and `tessera agent --stop`).
pub async fn lock(vault: &Path, quit: bool) -> Result<()> {
    let socket = socket_for(vault)?;
    match AgentClient::connect(&socket).await? {
        Some(mut c) => {
            c.call(if quit { &Request::Quit } else { &Request::Lock }).await?;
            eprintln!("{}", if quit { "The agent stopped." } else { "Locked." });
        }
        None => eprintln!("No agent is running for this vault; nothing to lock."),
    }
    Ok(())
}

/// Asks on the terminal (not standard input, which may be a pipe into the
/// program). `None` when there is no terminal.
fn ask_on_terminal(program: &str, items: &[String]) -> Option<Decision> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let mut out = tty.try_clone().ok()?;
    let mut input = std::io::BufReader::new(tty);
    let names = items
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    for _ in 0..3 {
        write!(
            out,
            "tessera: {program} asks for {names}.\nAllow [o]nce, for this [s]ession, [a]lways, or [d]eny? "
        )
        .ok()?;
        out.flush().ok()?;
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return Some(Decision::Deny);
        }
        if let Ok(d) = line.trim().to_lowercase().parse::<Decision>() {
            return Some(d);
        }
    }
    Some(Decision::Deny)
}

/// Secrets through the agent, answering its consent question if it asks.
pub async fn secrets_via(
    client: &mut AgentClient,
    wants: Vec<Want>,
    for_program: Option<String>,
) -> Result<Vec<Zeroizing<String>>> {
    let mut reply = client.call(&Request::Secrets { wants, for_program }).await?;
    if let Response::AskConsent { program, items } = &reply {
        let Some(decision) = ask_on_terminal(program, items) else {
            return Err(Error::ConsentDenied(format!(
                "{program} has no permission for {} and there is no terminal to ask on; allow it with `tessera consent allow {program} ITEM`",
                items.join(", ")
            )));
        };
        reply = client.call(&Request::Answer { decision }).await?;
    }
    match reply {
        Response::Secrets { values } => Ok(values),
        _ => Err(Error::AgentLost("the agent answered out of turn".into())),
    }
}

pub async fn list_via(
    client: &mut AgentClient,
    text: Option<String>,
    kind: Option<String>,
    tag: Option<String>,
) -> Result<(Vec<ItemSummary>, Vec<String>)> {
    match client.call(&Request::List { text, kind, tag }).await? {
        Response::Items { items, damaged } => Ok((items, damaged)),
        _ => Err(Error::AgentLost("the agent answered out of turn".into())),
    }
}

/// Secrets fetched through the agent in one request (so the user is asked
/// once), then handed out by reference.
pub struct AgentResolver {
    values: Vec<(SecretRef, Zeroizing<String>)>,
}

impl AgentResolver {
    pub async fn fetch(
        client: &mut AgentClient,
        refs: Vec<SecretRef>,
        for_program: Option<String>,
    ) -> Result<Self> {
        let wants = refs
            .iter()
            .map(|r| Want {
                item: r.item.clone(),
                field: tessera_core::refs::field_name(&r.field).to_owned(),
            })
            .collect();
        match secrets_via(client, wants, for_program).await {
            Ok(values) => Ok(AgentResolver {
                values: refs.into_iter().zip(values).collect(),
            }),
            Err(Error::Remote {
                code: "item.not_found" | "item.field_not_found",
                message,
                want: Some(i),
            }) if i < refs.len() => Err(Error::RefNotFound {
                reference: refs[i].to_string(),
                detail: message,
            }),
            Err(e) => Err(e),
        }
    }
}

impl Resolver for AgentResolver {
    fn resolve(&mut self, reference: &SecretRef) -> impl Future<Output = Result<Zeroizing<String>>> + Send {
        let found = self
            .values
            .iter()
            .find(|(r, _)| r == reference)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Error::invalid(format!("{reference} was not fetched from the agent")));
        async move { found }
    }
}

/// Where references are resolved: the agent, or the vault opened here.
pub enum AnyResolver {
    Agent(AgentResolver),
    Vault(Box<Vault>),
}

impl AnyResolver {
    pub async fn close(self) -> Result<()> {
        match self {
            AnyResolver::Agent(_) => Ok(()),
            AnyResolver::Vault(v) => v.close().await,
        }
    }
}

impl Resolver for AnyResolver {
    async fn resolve(&mut self, reference: &SecretRef) -> Result<Zeroizing<String>> {
        match self {
            AnyResolver::Agent(a) => a.resolve(reference).await,
            AnyResolver::Vault(v) => v.resolve(reference).await,
        }
    }
}

/// The absolute path of the program `tessera run` will start, found on
/// PATH as the shell would, for the agent's consent question.
pub fn program_path(program: &std::ffi::OsStr) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let p = Path::new(program);
    let found = if p.components().count() > 1 {
        p.canonicalize().ok()
    } else {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join(p))
                .find(|c| {
                    c.metadata()
                        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
                })
                .and_then(|c| c.canonicalize().ok())
        })
    };
    found.map(|f| f.display().to_string())
}
