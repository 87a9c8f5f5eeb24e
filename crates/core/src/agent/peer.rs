//! Who is on the other end of the socket: the kernel's peer credentials
//! (SO_PEERCRED) and, from /proc, the program behind them.

use crate::error::{Error, Result};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use tokio::net::UnixStream;

/// Our own user id, read from /proc (no libc call needed).
pub fn current_uid() -> Result<u32> {
    Ok(std::fs::metadata("/proc/self")?.uid())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub uid: u32,
    pub pid: Option<i32>,
    /// `/proc/PID/exe`; `None` if it cannot be read (the process is gone).
    /// Private, so it cannot change after `trusted_cli` was decided from it.
    executable: Option<PathBuf>,
    /// Whether it is the tessera CLI the agent trusts: see [`Peer::is_tessera_cli`].
    trusted_cli: bool,
}

/// The directory the trusted `tessera` CLI lives in: the one holding the
/// agent's own program (`tessera agent` is the CLI itself; the desktop app
/// is installed, and built, next to it). `None` if it cannot be read, and
/// then no client is trusted as the CLI.
pub fn cli_dir() -> Option<PathBuf> {
    std::fs::read_link("/proc/self/exe")
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
}

impl Peer {
    pub fn of(stream: &UnixStream, cli_dir: Option<&Path>) -> Result<Peer> {
        let cred = stream.peer_cred()?;
        let pid = cred.pid();
        Ok(Peer::new(cred.uid(), pid, pid.and_then(executable_of), cli_dir))
    }

    pub fn new(uid: u32, pid: Option<i32>, executable: Option<PathBuf>, cli_dir: Option<&Path>) -> Peer {
        let trusted_cli = match (executable.as_deref(), cli_dir) {
            (Some(exe), Some(dir)) => {
                exe.file_name().is_some_and(|n| n == "tessera") && exe.parent() == Some(dir)
            }
            _ => false,
        };
        Peer {
            uid,
            pid,
            executable,
            trusted_cli,
        }
    }

    pub fn executable(&self) -> Option<&Path> {
        self.executable.as_deref()
    }

    /// Whether this peer is the tessera CLI: a program named `tessera` in
    /// the agent's own directory ([`cli_dir`]), not any program of that
    /// name. Only the CLI may name another program as the recipient of
    /// secrets, and answer consent questions, since it asks the user on
    /// the terminal itself. A copy elsewhere (say, dropped in /tmp by
    /// another program) is treated like any other program.
    pub fn is_tessera_cli(&self) -> bool {
        self.trusted_cli
    }

    /// The program the secrets are for: a CLI's `for_program`, else the
    /// program that started the CLI (the shell or script that ran `tessera
    /// get`), else the peer's own program.
    pub fn requester(&self, for_program: Option<&str>) -> String {
        let own = self
            .executable
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "an unknown program".into());
        if !self.is_tessera_cli() {
            return own;
        }
        if let Some(p) = for_program.filter(|p| p.starts_with('/')) {
            return p.to_owned();
        }
        self.pid
            .and_then(parent_of)
            .and_then(executable_of)
            .map(|p| p.display().to_string())
            .unwrap_or(own)
    }
}

fn executable_of(pid: i32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// The parent's pid, from /proc/PID/stat (`pid (comm) state ppid ...`; the
/// command name may itself hold spaces and parentheses, so read after the
/// last `)`).
fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Refuses a peer of another user.
pub fn check_same_user(peer: &Peer, uid: u32) -> Result<()> {
    if peer.uid != uid {
        return Err(Error::AgentRefused(format!(
            "the agent serves only its own user (uid {uid}); this client runs as uid {}",
            peer.uid
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_of_this_process_is_found() {
        let me = std::process::id() as i32;
        let parent = parent_of(me).unwrap();
        assert!(parent > 0 && parent != me);
        assert!(executable_of(me).unwrap().is_absolute());
    }

    #[test]
    fn a_cli_peer_names_its_recipient_and_others_do_not() {
        let dir = Some(Path::new("/usr/local/bin"));
        let cli = Peer::new(1, None, Some("/usr/local/bin/tessera".into()), dir);
        assert!(cli.is_tessera_cli());
        assert_eq!(cli.requester(Some("/usr/bin/env")), "/usr/bin/env");
        assert_eq!(cli.requester(Some("relative")), "/usr/local/bin/tessera");
        let other = Peer::new(1, None, Some("/usr/bin/python3".into()), dir);
        assert!(!other.is_tessera_cli());
        assert_eq!(other.requester(Some("/usr/bin/env")), "/usr/bin/python3");
        assert!(check_same_user(&other, 1).is_ok());

        // A program named tessera elsewhere is just another program.
        let copy = Peer::new(1, None, Some("/tmp/x/tessera".into()), dir);
        assert!(!copy.is_tessera_cli());
        assert_eq!(copy.requester(Some("/usr/bin/env")), "/tmp/x/tessera");
        // Nor is anything trusted when the agent cannot tell where it lives.
        assert!(!Peer::new(1, None, Some("/usr/local/bin/tessera".into()), None).is_tessera_cli());
        assert!(!Peer::new(1, None, None, dir).is_tessera_cli());
        assert_eq!(
            check_same_user(&other, 2).unwrap_err().code(),
            "agent.peer_refused"
        );
    }
}
