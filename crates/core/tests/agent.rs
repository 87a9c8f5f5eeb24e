//! The agent over its real Unix socket: modes, peer checks, consent from the
//! vault's stored decisions, idle lock, and the audit of every use.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tessera_core::agent::protocol::{Request, Response, Want};
use tessera_core::agent::{bind, Agent, AgentClient, AgentConfig, Host, HostFuture};
use tessera_core::audit::AuditAction;
use tessera_core::consent::Decision;
use tessera_core::crypto::KdfParams;
use tessera_core::{ItemDetails, ItemKind, ItemMeta, LockedVault, NewItem, Vault, Zeroizing};

const PW: &str = "correct horse battery staple";

struct Running {
    _dir: tempfile::TempDir,
    vault: PathBuf,
    socket: PathBuf,
    agent: Arc<Agent>,
    task: tokio::task::JoinHandle<tessera_core::Result<()>>,
}

async fn start(idle: Duration) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.db");
    let mut v = Vault::create(&vault, PW, KdfParams::FLOOR).await.unwrap();
    v.add(NewItem {
        kind: ItemKind::ApiKey,
        meta: ItemMeta {
            name: "stripe".into(),
            ..Default::default()
        },
        details: ItemDetails::default(),
        value: Zeroizing::new("sk_live_CANARY_1234".into()),
        expires_at: None,
    })
    .await
    .unwrap();
    v.close().await.unwrap();
    let socket = dir.path().join("run").join("agent.sock");
    let listener = bind(&socket).await.unwrap();
    let agent = Agent::new(AgentConfig {
        vault_path: vault.clone(),
        socket_path: socket.clone(),
        idle_lock: idle,
    })
    .unwrap();
    let task = tokio::spawn(Arc::clone(&agent).serve(listener));
    Running {
        _dir: dir,
        vault,
        socket,
        agent,
        task,
    }
}

async fn call(socket: &Path, r: &Request) -> tessera_core::Result<Response> {
    AgentClient::connect(socket).await.unwrap().unwrap().call(r).await
}

async fn unlocked(socket: &Path) -> bool {
    match call(socket, &Request::Status).await.unwrap() {
        Response::Status { unlocked, .. } => unlocked,
        other => panic!("{other:?}"),
    }
}

fn want() -> Vec<Want> {
    vec![Want {
        item: "stripe".into(),
        field: "value".into(),
    }]
}

/// What the agent sees as the requesting program: this test binary.
fn me() -> String {
    std::fs::read_link("/proc/self/exe")
        .unwrap()
        .display()
        .to_string()
}

async fn with_vault<T>(path: &Path, f: impl AsyncFnOnce(&mut Vault) -> T) -> T {
    let mut v = LockedVault::open(path).await.unwrap().unlock(PW).await.unwrap();
    let out = f(&mut v).await;
    v.close().await.unwrap();
    out
}

#[tokio::test]
async fn unlock_lock_and_modes_of_the_socket() {
    let a = start(Duration::from_secs(60)).await;
    let dir_mode = std::fs::metadata(a.socket.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    let sock_mode = std::fs::metadata(&a.socket).unwrap().permissions().mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    assert_eq!(sock_mode & 0o777, 0o600);
    assert!(!unlocked(&a.socket).await);
    let e = call(
        &a.socket,
        &Request::List {
            text: None,
            kind: None,
            tag: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "vault.locked");
    let e = call(
        &a.socket,
        &Request::Unlock {
            password: Zeroizing::new("wrong".into()),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "crypto.wrong_password");
    call(
        &a.socket,
        &Request::Unlock {
            password: Zeroizing::new(PW.into()),
        },
    )
    .await
    .unwrap();
    assert!(unlocked(&a.socket).await);
    match call(
        &a.socket,
        &Request::List {
            text: Some("str".into()),
            kind: None,
            tag: None,
        },
    )
    .await
    .unwrap()
    {
        Response::Items { items, .. } => assert_eq!(items[0].name, "stripe"),
        other => panic!("{other:?}"),
    }
    // A second agent on the same socket is refused while this one runs.
    assert_eq!(bind(&a.socket).await.unwrap_err().code(), "agent.running");
    call(&a.socket, &Request::Lock).await.unwrap();
    assert!(!unlocked(&a.socket).await);
    call(&a.socket, &Request::Quit).await.unwrap();
    a.task.await.unwrap().unwrap();
    assert!(!a.socket.exists(), "the socket file is removed on the way out");
}

#[tokio::test]
async fn secrets_follow_the_stored_decisions_and_each_use_is_audited() {
    let a = start(Duration::from_secs(60)).await;
    a.agent.unlock(PW).await.unwrap();
    // No decision, and this client is not the tessera CLI, so nobody can be
    // asked: refused, and the value never leaves.
    let e = call(
        &a.socket,
        &Request::Secrets {
            wants: want(),
            for_program: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "consent.denied");
    assert!(!e.to_string().contains("CANARY"));

    a.agent.lock().await;
    with_vault(&a.vault, async |v| {
        v.record_grant(&me(), "stripe", Decision::Always).await.unwrap();
    })
    .await;
    a.agent.unlock(PW).await.unwrap();
    // A foreign client cannot pass itself off as another program.
    let r = call(
        &a.socket,
        &Request::Secrets {
            wants: want(),
            for_program: Some("/usr/bin/env".into()),
        },
    )
    .await
    .unwrap();
    match r {
        Response::Secrets { values } => assert_eq!(*values[0], "sk_live_CANARY_1234"),
        other => panic!("{other:?}"),
    }
    // A missing item is named, and nothing else is handed out.
    let e = call(
        &a.socket,
        &Request::Secrets {
            wants: vec![
                Want {
                    item: "stripe".into(),
                    field: "value".into(),
                },
                Want {
                    item: "nope".into(),
                    field: "value".into(),
                },
            ],
            for_program: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "item.not_found");

    // Deny replaces the grant.
    a.agent.lock().await;
    with_vault(&a.vault, async |v| {
        v.record_grant(&me(), "stripe", Decision::Deny).await.unwrap();
        assert_eq!(v.grants().await.unwrap().len(), 1);
    })
    .await;
    a.agent.unlock(PW).await.unwrap();
    let e = call(
        &a.socket,
        &Request::Secrets {
            wants: want(),
            for_program: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "consent.denied");
    a.agent.lock().await;

    let log = with_vault(&a.vault, async |v| {
        let g = v.grants().await.unwrap().remove(0);
        v.revoke_grant(&g.id).await.unwrap();
        assert!(v.grants().await.unwrap().is_empty());
        v.audit_log().await.unwrap()
    })
    .await;
    let shared: Vec<&str> = log
        .iter()
        .filter(|e| e.action == AuditAction::SecretShared)
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(shared, [format!("stripe to {} (always)", me())]);
    let granted = log
        .iter()
        .filter(|e| e.action == AuditAction::ConsentGranted)
        .count();
    let revoked = log
        .iter()
        .filter(|e| e.action == AuditAction::ConsentRevoked)
        .count();
    assert_eq!((granted, revoked), (2, 1));
    assert!(log.iter().all(|e| !e.detail.contains("CANARY")));
}

#[tokio::test]
async fn it_locks_itself_when_idle() {
    let a = start(Duration::from_millis(600)).await;
    a.agent.unlock(PW).await.unwrap();
    assert!(unlocked(&a.socket).await);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(!a.agent.is_unlocked().await);
    assert!(!unlocked(&a.socket).await);
}

#[tokio::test]
async fn garbage_requests_get_an_error_and_change_nothing() {
    let a = start(Duration::from_secs(60)).await;
    a.agent.unlock(PW).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::UnixStream::connect(&a.socket).await.unwrap();
    s.write_all(b"{\"op\":\"frobnicate\"}\n").await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(out.contains("\"code\":\"input.invalid\""), "{out}");
    // An answer without a question is refused too.
    let e = call(
        &a.socket,
        &Request::Answer {
            decision: Decision::Always,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code(), "input.invalid");
    assert!(unlocked(&a.socket).await);
}

/// A client of another user is refused by its peer credentials (run as
/// root, with the socket opened up so the kernel lets it connect at all).
#[tokio::test]
async fn another_user_is_refused() {
    let uid = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m))
        .unwrap();
    let python = Path::new("/usr/bin/python3");
    let setpriv = Path::new("/usr/bin/setpriv");
    if uid != 0 || !python.exists() || !setpriv.exists() {
        eprintln!("skipped: needs root, /usr/bin/python3 and setpriv to act as another user");
        return;
    }
    let a = start(Duration::from_secs(60)).await;
    a.agent.unlock(PW).await.unwrap();
    for p in [
        a.socket.parent().unwrap().parent().unwrap(),
        a.socket.parent().unwrap(),
    ] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(&a.socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    let script = format!(
        // The agent answers the refusal before reading anything, so read
        // first; the request may then meet a closed socket, which is fine.
        "import socket\ns=socket.socket(socket.AF_UNIX)\ns.connect({:?})\n\
         print(s.makefile().readline())\n\
         try:\n  s.sendall(b'{{\"op\":\"secrets\",\"wants\":[{{\"item\":\"stripe\",\"field\":\"value\"}}]}}\\n')\n  print(s.recv(4096))\n\
         except OSError:\n  pass",
        a.socket.display().to_string()
    );
    let socket = a.socket.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(setpriv)
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "/usr/bin/python3",
                "-c",
                &script,
            ])
            .current_dir("/")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("agent.peer_refused"), "{stdout}");
    assert!(!stdout.contains("CANARY"), "{stdout}");
    assert!(socket.exists());
}

/// A host like the desktop app's: it holds the vault, and asks its own
/// "window" (here a channel the test answers) instead of the client.
struct WindowHost {
    vault_path: PathBuf,
    vault: tokio::sync::Mutex<Option<Vault>>,
    asked: tokio::sync::mpsc::UnboundedSender<(String, Vec<String>, tokio::sync::oneshot::Sender<Decision>)>,
}

impl Host for WindowHost {
    fn vault(&self) -> HostFuture<'_, tokio::sync::MappedMutexGuard<'_, Option<Vault>>> {
        Box::pin(async { tokio::sync::MutexGuard::map(self.vault.lock().await, |v| v) })
    }
    fn unlock<'a>(&'a self, password: &'a str) -> HostFuture<'a, tessera_core::Result<()>> {
        Box::pin(async move {
            let v = LockedVault::open(&self.vault_path)
                .await?
                .unlock(password)
                .await?;
            *self.vault.lock().await = Some(v);
            Ok(())
        })
    }
    fn lock(&self) -> HostFuture<'_, ()> {
        Box::pin(async {
            if let Some(v) = self.vault.lock().await.take() {
                v.close().await.unwrap();
            }
        })
    }
    fn used(&self) {}
    fn ask<'a>(
        &'a self,
        program: &'a str,
        items: &'a [String],
    ) -> Option<HostFuture<'a, tessera_core::Result<Decision>>> {
        Some(Box::pin(async move {
            let (tx, rx) = tokio::sync::oneshot::channel();
            self.asked.send((program.to_owned(), items.to_vec(), tx)).unwrap();
            rx.await
                .map_err(|_| tessera_core::Error::ConsentDenied("closed".into()))
        }))
    }
    fn quit_stops(&self) -> bool {
        false
    }
    fn vault_path(&self) -> &Path {
        &self.vault_path
    }
    fn idle_lock(&self) -> Duration {
        Duration::from_secs(300)
    }
}

#[tokio::test]
async fn a_hosted_agent_asks_its_window_and_session_answers_end_with_the_unlock() {
    let a = start(Duration::from_secs(60)).await;
    a.agent.stop();
    a.task.await.unwrap().unwrap();
    let (asked, mut questions) = tokio::sync::mpsc::unbounded_channel();
    let host = WindowHost {
        vault_path: a.vault.clone(),
        vault: tokio::sync::Mutex::new(None),
        asked,
    };
    let socket = a.socket.clone();
    let agent = Agent::hosted(host, socket.clone()).unwrap();
    let task = tokio::spawn(Arc::clone(&agent).serve(bind(&socket).await.unwrap()));
    agent.unlock(PW).await.unwrap();
    let secrets = Request::Secrets {
        wants: want(),
        for_program: None,
    };

    // The window says "this session": the value comes back, and the next
    // request is not asked about.
    let answer = tokio::spawn(async move {
        let (program, items, tx) = questions.recv().await.unwrap();
        assert_eq!(program, me());
        assert_eq!(items, vec!["stripe".to_owned()]);
        tx.send(Decision::Session).unwrap();
        questions
    });
    match call(&socket, &secrets).await.unwrap() {
        Response::Secrets { values } => assert_eq!(values[0].as_str(), "sk_live_CANARY_1234"),
        other => panic!("{other:?}"),
    }
    let mut questions = answer.await.unwrap();
    assert!(matches!(
        call(&socket, &secrets).await.unwrap(),
        Response::Secrets { .. }
    ));
    assert!(questions.try_recv().is_err(), "asked again within the session");

    // A quit request locks a hosted agent but keeps it serving.
    assert!(matches!(
        call(&socket, &Request::Quit).await.unwrap(),
        Response::Done
    ));
    assert!(!unlocked(&socket).await);
    assert!(!task.is_finished());

    // After a new unlock the session decision is gone: asked again, and a
    // denial from the window is final and stored.
    agent.unlock(PW).await.unwrap();
    let answer = tokio::spawn(async move {
        let (_, _, tx) = questions.recv().await.unwrap();
        tx.send(Decision::Deny).unwrap();
    });
    let e = call(&socket, &secrets).await.unwrap_err();
    assert_eq!(e.code(), "consent.denied");
    answer.await.unwrap();
    let grants = agent
        .host()
        .vault()
        .await
        .as_mut()
        .unwrap()
        .grants()
        .await
        .unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].decision, Decision::Deny);
    agent.stop();
    task.await.unwrap().unwrap();
}
