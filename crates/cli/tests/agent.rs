//! The agent through the real binary: one unlock serves many commands,
//! consent asked on a real terminal (util-linux `script` gives the CLI a
//! pty), decisions kept and revoked, lock, and the fallback when the agent
//! goes away mid-request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct AgentRun {
    v: TestVault,
    runtime: PathBuf,
    child: Option<Child>,
}

impl Drop for AgentRun {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // An agent started by `tessera unlock` is its own process group.
        let _ = self
            .v
            .std_command(&["agent", "--stop"])
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .output();
    }
}

impl AgentRun {
    fn new() -> Self {
        let v = TestVault::new();
        v.add("api-key", "stripe", "sk_live_CANARY_agent_1234", &[]);
        v.add("secret", "db", "db-password-CANARY-5678", &[]);
        let runtime = v.dir.path().join("run");
        std::fs::create_dir_all(&runtime).unwrap();
        AgentRun {
            v,
            runtime,
            child: None,
        }
    }

    /// `tessera ARGS` as a client: no password file, so anything it reads
    /// must come through the agent.
    fn client(&self, args: &[&str]) -> Command {
        let mut c = Command::new(bin());
        c.args(args)
            .env("TESSERA_VAULT", &self.v.path)
            .env_remove("TESSERA_PASSWORD_FILE")
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .stdin(Stdio::null());
        c
    }

    fn with_password(&self, args: &[&str]) -> Command {
        let mut c = self.v.std_command(args);
        c.env("XDG_RUNTIME_DIR", &self.runtime).stdin(Stdio::null());
        c
    }

    fn start_foreground(&mut self, idle: &str) {
        let child = self
            .with_password(&["agent", "--unlock", "--idle-timeout", idle])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        self.child = Some(child);
        self.wait_for_socket();
    }

    fn wait_for_socket(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(rd) = std::fs::read_dir(self.runtime.join("tessera")) {
                if rd
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".sock"))
                {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the agent's socket did not appear");
    }

    /// Runs `tessera ARGS` under `script`, so it has a terminal to ask on,
    /// typing `answer` at the prompt.
    fn on_terminal(&self, args: &[&str], answer: &str) -> (bool, String) {
        let line = std::iter::once(bin())
            .chain(args.iter().copied())
            .map(shell_quote)
            .collect::<Vec<_>>()
            .join(" ");
        let mut c = Command::new("script");
        c.args(["-qec", &line, "/dev/null"])
            .env("TESSERA_VAULT", &self.v.path)
            .env_remove("TESSERA_PASSWORD_FILE")
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Give the prompt time to appear before typing, as a person would.
        std::thread::sleep(Duration::from_millis(800));
        let _ = stdin.write_all(format!("{answer}\n").as_bytes());
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn output(mut c: Command) -> Run {
    let out = c.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn this_test() -> String {
    std::fs::read_link("/proc/self/exe")
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn without_an_agent_a_client_needs_the_password() {
    let a = AgentRun::new();
    let r = output(a.client(&["get", "stripe"]));
    r.expect_error("input.invalid");
    assert!(r.stderr.contains("no password given"), "{r:#?}");
}

#[test]
fn one_unlock_serves_many_commands_once_the_program_is_allowed() {
    let mut a = AgentRun::new();
    a.start_foreground("600");
    // This test program asks (through `tessera get`); nobody can be asked
    // without a terminal, so it is refused, and says how to allow it.
    let r = output(a.client(&["get", "stripe"]));
    let msg = r.expect_error("consent.denied");
    assert!(msg.contains("tessera consent allow"), "{msg}");
    assert!(!r.all_output().contains("CANARY"));

    // Allowed for this program and this item only.
    let r = output(a.with_password(&["consent", "allow", &this_test(), "stripe"]));
    assert!(r.success(), "{r:#?}");
    for _ in 0..3 {
        let r = output(a.client(&["get", "stripe"]));
        assert!(r.success(), "{r:#?}");
        assert_eq!(r.stdout, "sk_live_CANARY_agent_1234\n");
    }
    output(a.client(&["get", "db"])).expect_error("consent.denied");
    // Listing needs no consent: it shows no secret.
    let r = output(a.client(&["--json", "list"]));
    assert!(
        r.success() && r.stdout.contains("\"stripe\"") && !r.stdout.contains("CANARY"),
        "{r:#?}"
    );
    // A reference and `run` go through the agent too.
    let r = output(a.client(&["read", "tessera://stripe"]));
    assert!(r.success(), "{r:#?}");
    output(a.client(&["read", "tessera://nope"])).expect_error("ref.not_found");

    // Every use was audited, with the program's path.
    let log = output(a.with_password(&["audit"]));
    assert!(
        log.stdout
            .contains(&format!("stripe to {} (always)", this_test())),
        "{}",
        log.stdout
    );

    // Revoking asks again (and so refuses here).
    let list = output(a.with_password(&["--json", "consent", "list"]));
    let grants: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let id = grants[0]["id"].as_str().unwrap().to_owned();
    assert!(output(a.with_password(&["consent", "revoke", &id])).success());
    output(a.client(&["get", "stripe"])).expect_error("consent.denied");

    // Locked, a client falls back to asking for the password.
    assert!(output(a.client(&["lock"])).success());
    output(a.client(&["get", "stripe"])).expect_error("input.invalid");
    let r = output(a.with_password(&["get", "stripe"]));
    assert_eq!(r.stdout, "sk_live_CANARY_agent_1234\n");
}

#[test]
fn consent_is_asked_on_the_terminal_once_session_always_and_deny() {
    let mut a = AgentRun::new();
    a.start_foreground("600");
    // `script` runs the CLI from a shell: the shell is the requester.
    let (ok, text) = a.on_terminal(&["get", "stripe"], "o");
    assert!(ok, "{text}");
    assert!(
        text.contains("asks for \"stripe\"") && text.contains("[o]nce"),
        "{text}"
    );
    assert!(text.contains("sk_live_CANARY_agent_1234"), "{text}");
    // Once is not remembered: asked again; this time for the session.
    let (ok, text) = a.on_terminal(&["get", "stripe"], "s");
    assert!(ok, "{text}");
    // Session: not asked again while the agent stays unlocked.
    let (ok, text) = a.on_terminal(&["get", "stripe"], "");
    assert!(ok && !text.contains("asks for"), "{text}");
    // Deny is stored; a later request is refused without asking.
    let (ok, text) = a.on_terminal(&["get", "db"], "d");
    assert!(!ok && text.contains("consent.denied"), "{text}");
    let (ok, text) = a.on_terminal(&["get", "db"], "a");
    assert!(!ok && !text.contains("asks for"), "{text}");
    let list = output(a.with_password(&["consent", "list"]));
    assert!(
        list.stdout.contains("deny") && list.stdout.contains("db"),
        "{list:#?}"
    );
    // Locking forgets the session decision.
    assert!(output(a.client(&["lock"])).success());
    assert!(output(a.with_password(&["unlock"])).success());
    let (ok, text) = a.on_terminal(&["get", "stripe"], "a");
    assert!(ok && text.contains("asks for"), "{text}");
    let (ok, text) = a.on_terminal(&["get", "stripe"], "");
    assert!(ok && !text.contains("asks for"), "{text}");
}

#[test]
fn run_names_the_program_it_starts() {
    let mut a = AgentRun::new();
    a.start_foreground("600");
    let sh = std::fs::canonicalize("/bin/sh").unwrap().display().to_string();
    assert!(output(a.with_password(&["consent", "allow", &sh, "stripe"])).success());
    let mut c = a.client(&[
        "run",
        "--",
        "sh",
        "-c",
        "printf '%s' \"$KEY\" | wc -c; echo \"$KEY\"",
    ]);
    c.env("KEY", "tessera://stripe");
    let r = output(c);
    assert!(r.success(), "{r:#?}");
    assert_eq!(r.stdout, "25\n<concealed by tessera>\n");
}

#[test]
fn unlock_starts_an_agent_that_locks_when_idle() {
    let a = AgentRun::new();
    let r = output(a.with_password(&["unlock", "--idle-timeout", "1"]));
    assert!(r.success(), "{r:#?}");
    assert!(output(a.with_password(&["consent", "allow", &this_test(), "stripe"])).success());
    let r = output(a.client(&["get", "stripe"]));
    assert!(r.success(), "{r:#?}");
    std::thread::sleep(Duration::from_millis(2500));
    output(a.client(&["get", "stripe"])).expect_error("input.invalid");
    assert!(output(a.client(&["agent", "--stop"])).success());
}

#[test]
fn the_agent_dying_mid_request_falls_back_to_a_direct_unlock() {
    let mut a = AgentRun::new();
    a.start_foreground("600");
    let mut c = Command::new("script");
    let line = format!("{} get stripe", shell_quote(bin()));
    c.args(["-qec", &line, "/dev/null"])
        .env("TESSERA_VAULT", &a.v.path)
        .env("TESSERA_PASSWORD_FILE", &a.v.password_file)
        .env("XDG_RUNTIME_DIR", &a.runtime)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut client = c.spawn().unwrap();
    // The client is waiting at the consent question; the agent dies.
    std::thread::sleep(Duration::from_millis(800));
    let mut agent = a.child.take().unwrap();
    agent.kill().unwrap();
    agent.wait().unwrap();
    let mut stdin = client.stdin.take().unwrap();
    let _ = stdin.write_all(b"o\n");
    drop(stdin);
    let out = client.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("warning[agent.lost]"), "{text}");
    assert!(text.contains("sk_live_CANARY_agent_1234"), "{text}");
    // The stale socket left by the killed agent does not stop a new one.
    let r = output(a.with_password(&["unlock"]));
    assert!(r.success(), "{r:#?}");
}

#[test]
fn list_through_the_agent_warns_about_a_damaged_item_as_a_direct_read_does() {
    let mut a = AgentRun::new();
    let uuid = a.v.id_of("stripe");
    let stripe = id_hex(&uuid);
    let meta = a.v.blob("SELECT meta FROM items WHERE id = ?", &[hex(&stripe)]);
    a.v.sql(
        "UPDATE items SET meta = ? WHERE id = ?",
        &[hex(&flip_hex(&meta, 20)), hex(&stripe)],
    );
    a.start_foreground("600");
    let r = output(a.client(&["--json", "list"]));
    assert!(r.success(), "{r:#?}");
    let names: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&r.stdout)
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["db"]);
    let warnings: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{r:#?}");
    assert!(warnings[0].starts_with("warning[vault.corrupt]: "), "{r:#?}");
    assert!(warnings[0].contains(&uuid), "{r:#?}");
}

#[test]
fn a_copy_of_the_cli_elsewhere_cannot_speak_for_another_program() {
    let mut a = AgentRun::new();
    a.start_foreground("600");
    let sh = std::fs::canonicalize("/bin/sh").unwrap().display().to_string();
    assert!(output(a.with_password(&["consent", "allow", &sh, "stripe"])).success());
    // The same binary under the same name, in a directory of the user's:
    // what any program of this user could drop there.
    let elsewhere = a.v.dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let copy = elsewhere.join("tessera");
    std::fs::copy(bin(), &copy).unwrap();
    let mut c = Command::new(&copy);
    c.args(["run", "--", "sh", "-c", "echo \"$KEY\""])
        .env("TESSERA_VAULT", &a.v.path)
        .env_remove("TESSERA_PASSWORD_FILE")
        .env("XDG_RUNTIME_DIR", &a.runtime)
        .env("KEY", "tessera://stripe")
        .stdin(Stdio::null());
    let r = output(c);
    // It is asked about as itself, not as the shell it names, and nobody
    // can be asked: refused, and nothing of the secret printed.
    let msg = r.expect_error("consent.denied");
    assert!(msg.contains(&copy.display().to_string()), "{msg}");
    assert!(!r.all_output().contains("CANARY"), "{r:#?}");
    // The real CLI, next to the agent, still speaks for the shell.
    let mut c = a.client(&["run", "--", "sh", "-c", "echo \"$KEY\""]);
    c.env("KEY", "tessera://stripe");
    let r = output(c);
    assert!(r.success(), "{r:#?}");
}
