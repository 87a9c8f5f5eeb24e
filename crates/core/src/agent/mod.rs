//! The agent: one process that keeps the vault unlocked so that one
//! unlock serves many commands (`tessera agent`, `tessera unlock`).
//!
//! It listens on a Unix socket in a 0700 directory, the socket itself 0600;
//! every connection's peer credentials are checked (same uid only), and a
//! program gets an item's secret only after the user said yes to that
//! program and item (see [`crate::consent`]). After an idle timeout it
//! locks, dropping its keys.
//!
//! What this does not stop: another program of the same user can read the
//! agent's memory or drive a terminal, as it could with any agent
//! (ssh-agent, gpg-agent). Consent keeps secrets from going to programs by
//! mistake; it is not a wall between programs of one user.

mod client;
pub mod peer;
pub mod protocol;
mod server;

pub use client::AgentClient;
pub use server::{bind, Agent, AgentConfig, Host, HostFuture, Standalone};

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Where the agent of `vault` listens: `$TESSERA_AGENT_SOCKET`, else
/// `$XDG_RUNTIME_DIR/tessera/agent-HASH.sock` (`/tmp/tessera-UID/` when
/// there is no runtime directory), HASH naming the vault file, so each
/// vault has its own agent.
pub fn socket_path(vault: &Path) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("TESSERA_AGENT_SOCKET").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").filter(|p| !p.is_empty()) {
        Some(d) => PathBuf::from(d).join("tessera"),
        None => PathBuf::from(format!("/tmp/tessera-{}", peer::current_uid()?)),
    };
    // The vault need not exist yet; its directory does for an agent to help.
    let absolute = match vault.canonicalize() {
        Ok(p) => p,
        Err(_) => std::path::absolute(vault).map_err(|e| Error::Io(e.to_string()))?,
    };
    let digest = ring::digest::digest(&ring::digest::SHA256, absolute.as_os_str().as_encoded_bytes());
    let hash = crate::vault::hex(&digest.as_ref()[..8]);
    Ok(dir.join(format!("agent-{hash}.sock")))
}
