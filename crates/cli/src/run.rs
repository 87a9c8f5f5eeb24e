//! `tessera run`'s process side: start the command with the resolved
//! environment, pass its output through the masker, pass signals on to it,
//! and hand back its exit code.

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use tessera_core::refs::Masker;
use tessera_core::{Error, Result, Zeroizing};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::process::Command;
use tokio::signal::unix::{signal, SignalKind};

/// Runs `command` with `env` set on top of the inherited environment. With a
/// masker, its stdout and stderr go through it; without, the child writes to
/// our file descriptors directly. Returns its exit code, or 128 + the signal
/// that killed it.
pub async fn run_child(
    command: &[OsString],
    env: Vec<(String, Zeroizing<String>)>,
    masker: Option<Masker>,
) -> Result<u8> {
    let (program, args) = command
        .split_first()
        .ok_or_else(|| Error::invalid("no command given after --"))?;
    // Listen before the child exists: a signal that arrives while it starts
    // is then passed on instead of killing us and orphaning it.
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut quit = signal(SignalKind::quit())?;

    let mut cmd = Command::new(program);
    cmd.args(args);
    for (name, value) in &env {
        cmd.env(name, value.as_str());
    }
    if masker.is_some() {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    let spawned = cmd.spawn();
    // The values now live in the child; drop our copies at once.
    drop(cmd);
    drop(env);
    let mut child =
        spawned.map_err(|e| Error::invalid(format!("cannot start {}: {e}", program.to_string_lossy())))?;
    let pid = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .map(Pid::from_raw);

    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let pumps = async {
        if let Some(masker) = masker {
            tokio::join!(
                pump(stdout, tokio::io::stdout(), masker.clone()),
                pump(stderr, tokio::io::stderr(), masker),
            );
        }
    };
    let forward = |sig: Signal| {
        if let Some(pid) = pid {
            // The child may be gone already; then there is no one to tell.
            let _ = kill(pid, sig);
        }
    };
    // A Ctrl-C in a terminal reaches the child directly too (same process
    // group), so it may see SIGINT twice; forwarding is still needed for
    // signals sent to tessera alone, as supervisors and `kill` do.
    let waiting = async {
        loop {
            tokio::select! {
                status = child.wait() => break status,
                Some(()) = interrupt.recv() => forward(Signal::SIGINT),
                Some(()) = terminate.recv() => forward(Signal::SIGTERM),
                Some(()) = hangup.recv() => forward(Signal::SIGHUP),
                Some(()) = quit.recv() => forward(Signal::SIGQUIT),
            }
        }
    };
    let (status, ()) = tokio::join!(waiting, pumps);
    Ok(exit_code(status?))
}

/// The shell's convention: the exit code, or 128 + the signal number.
fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    match status.signal() {
        Some(sig) => u8::try_from(128 + sig).unwrap_or(255),
        None => 1,
    }
}

/// Copies one of the child's streams to ours through the masker, writing
/// each chunk as soon as it is read.
async fn pump<R, W>(from: Option<R>, mut to: W, mut masker: Masker)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let Some(mut from) = from else { return };
    let mut chunk = Zeroizing::new(vec![0u8; 8192]);
    let mut masked = Vec::new();
    loop {
        let n = match from.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        masked.clear();
        masker.push(&chunk[..n], &mut masked);
        if write_now(&mut to, &masked).await.is_err() {
            // Our reader went away: dropping the pipe lets the child see
            // EPIPE, as it would at the head of a shell pipeline.
            return;
        }
    }
    masked.clear();
    masker.finish(&mut masked);
    let _ = write_now(&mut to, &masked).await;
}

async fn write_now<W: AsyncWrite + Unpin>(to: &mut W, bytes: &[u8]) -> std::io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    to.write_all(bytes).await?;
    to.flush().await
}
