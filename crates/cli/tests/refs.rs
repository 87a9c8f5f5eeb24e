//! Secret references through the real binary: `read`, `run` with real child
//! processes (injection, masking, exit codes, signals) and `inject`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;
use std::time::Duration;

const STRIPE: &str = "sk_test_EXAMPLEref0123456789";
const CONCEALED: &str = "<concealed by tessera>";

/// A vault with `stripe` (value and username) and the Bitwarden fixture,
/// whose names have spaces and a `/`.
fn vault() -> TestVault {
    let v = TestVault::new();
    v.add("api-key", "stripe", STRIPE, &["--username", "acct_example"]);
    v.ok(&["import", "bitwarden", fixture("bitwarden.json").to_str().unwrap()]);
    v
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn read_prints_the_value_or_a_field_and_a_newline() {
    let v = vault();
    assert_eq!(v.ok(&["read", "tessera://stripe"]), format!("{STRIPE}\n"));
    assert_eq!(v.ok(&["read", "tessera://stripe/username"]), "acct_example\n");
    assert_eq!(v.ok(&["read", "tessera://STRIPE/value"]), format!("{STRIPE}\n"));
    // A custom field, and names with spaces and a '/', percent-encoded.
    assert_eq!(
        v.ok(&["read", "tessera://GitHub/Recovery%20email"]),
        "octo-recovery@example.com\n"
    );
    assert_eq!(
        v.ok(&["read", "tessera://GitHub%20%2F%20API%20token"]),
        "ghp_EXAMPLEbitwardenHiddenField0000000000\n"
    );
    let j = v.json(&["read", "tessera://stripe/user"]);
    assert_eq!(j["reference"], "tessera://stripe/username");
    assert_eq!(j["value"], "acct_example");
}

#[test]
fn read_of_a_missing_item_or_field_is_ref_not_found() {
    let v = vault();
    let msg = v.fail(&["read", "tessera://nope"], "ref.not_found");
    assert!(msg.contains("tessera://nope"), "{msg}");
    let msg = v.fail(&["read", "tessera://stripe/no-such-field"], "ref.not_found");
    assert!(msg.contains("tessera://stripe/no-such-field"), "{msg}");
    let msg = v.fail(&["read", "tessera://stripe/url"], "ref.not_found");
    assert!(msg.contains("tessera://stripe/url"), "{msg}");
    assert!(!msg.contains(STRIPE));
    for bad in ["stripe", "tessera://", "tessera://a/b/c", "tessera://a%zz"] {
        v.fail(&["read", bad], "input.invalid");
    }
}

#[test]
fn run_injects_references_from_the_environment_and_env_files() {
    let v = vault();
    let env_file = v.file(
        "app.env",
        b"# the app's settings\nGH_TOKEN=tessera://GitHub%20%2F%20API%20token\nexport PLAIN='hello world'\nFROM_ENV=overridden\n",
    );
    let out = v.dir.path().join("seen");
    let r = v
        .command()
        .env("STRIPE_KEY", "tessera://stripe")
        .env("STRIPE_USER", "tessera://stripe/username")
        .env("NOT_A_REF", "see tessera://stripe")
        .env("FROM_ENV", "tessera://nope-but-overridden")
        .args(["run", "--env-file", env_file.to_str().unwrap(), "--", "sh", "-c"])
        .arg(r#"printf '%s|%s|%s|%s|%s|%s' "$STRIPE_KEY" "$STRIPE_USER" "$GH_TOKEN" "$PLAIN" "$NOT_A_REF" "$FROM_ENV" > "$1""#)
        .arg("sh")
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{r:?}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{STRIPE}|acct_example|ghp_EXAMPLEbitwardenHiddenField0000000000|hello world|see tessera://stripe|overridden")
    );
}

#[test]
fn a_missing_reference_stops_the_command_before_it_starts() {
    let v = vault();
    let marker = v.dir.path().join("started");
    let script = r#"touch "$1""#;
    let r = v
        .command()
        .env("OK_KEY", "tessera://stripe")
        .env("GONE", "tessera://no-such-item")
        .args(["run", "--", "sh", "-c", script, "sh"])
        .arg(&marker)
        .output()
        .unwrap();
    let r = run_of(r);
    let msg = r.expect_error("ref.not_found");
    assert!(
        msg.contains("tessera://no-such-item") && msg.contains("$GONE"),
        "{msg}"
    );
    assert!(!marker.exists(), "the command was started");

    let env_file = v.file("missing-field.env", b"KEY=tessera://stripe/nope\n");
    let r = v
        .command()
        .args([
            "run",
            "--env-file",
            env_file.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .arg(&marker)
        .output()
        .unwrap();
    let msg = run_of(r).expect_error("ref.not_found");
    assert!(msg.contains("tessera://stripe/nope"), "{msg}");
    assert!(!msg.contains(STRIPE));
    assert!(!marker.exists(), "the command was started");

    // A malformed reference or env file is bad input, and nothing starts either.
    let bad_file = v.file("bad.env", b"A=1\nnot a line\n");
    let r = v
        .command()
        .args([
            "run",
            "--env-file",
            bad_file.to_str().unwrap(),
            "--",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .arg(&marker)
        .output()
        .unwrap();
    let msg = run_of(r).expect_error("input.invalid");
    assert!(msg.contains("line 2"), "{msg}");
    let r = v
        .command()
        .env("BAD", "tessera://a/b/c")
        .args(["run", "--", "sh", "-c", script, "sh"])
        .arg(&marker)
        .output()
        .unwrap();
    run_of(r).expect_error("input.invalid");
    assert!(!marker.exists(), "the command was started");
}

fn run_of(out: std::process::Output) -> Run {
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn run_masks_secrets_on_stdout_and_stderr() {
    let v = vault();
    let r = v
        .command()
        .env("STRIPE_KEY", "tessera://stripe")
        .args([
            "run",
            "--",
            "sh",
            "-c",
            r#"printf 'out: %s\n' "$STRIPE_KEY"; printf 'err: %s!\n' "$STRIPE_KEY" >&2; printf 'len %s\n' "${#STRIPE_KEY}""#,
        ])
        .output()
        .unwrap();
    let r = run_of(r);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert_eq!(r.stdout, format!("out: {CONCEALED}\nlen {}\n", STRIPE.len()));
    assert_eq!(r.stderr, format!("err: {CONCEALED}!\n"));
}

#[test]
fn run_masks_a_value_split_across_two_writes() {
    let v = vault();
    let (first, second) = STRIPE.split_at(11);
    let script = format!(
        "printf 'key=%s' '{first}'; sleep 0.3; printf '%s end\\n' '{second}'; printf '%s' '{first}' >&2"
    );
    let r = v
        .command()
        .env("STRIPE_KEY", "tessera://stripe")
        .args(["run", "--", "sh", "-c", &script])
        .output()
        .unwrap();
    let r = run_of(r);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert_eq!(r.stdout, format!("key={CONCEALED} end\n"));
    // A start of the value that never completes comes out at the end.
    assert_eq!(r.stderr, first);
}

#[test]
fn run_does_not_hold_back_output_that_cannot_be_a_secret() {
    let v = vault();
    // The child prints a line and the first bytes of the value, then waits.
    let mut child = v
        .std_command(&["run", "--", "sh", "-c", "printf 'hello\\nsk_'; exec sleep 30"])
        .env("STRIPE_KEY", "tessera://stripe")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        let n = stdout.read(&mut buf).unwrap_or(0);
        let _ = tx.send(buf[..n].to_vec());
        let mut rest = Vec::new();
        let _ = stdout.read_to_end(&mut rest);
        let _ = tx.send(rest);
    });
    let first = rx
        .recv_timeout(Duration::from_secs(15))
        .expect("no output while the child runs");
    assert_eq!(String::from_utf8_lossy(&first), "hello\n");
    // SIGTERM to tessera reaches the child; the held-back "sk_" is not a
    // secret after all and comes out at the end.
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143));
    let rest = rx.recv_timeout(Duration::from_secs(15)).unwrap();
    assert_eq!(String::from_utf8_lossy(&rest), "sk_");
}

#[test]
fn no_masking_shows_the_value() {
    let v = vault();
    let r = v
        .command()
        .env("STRIPE_KEY", "tessera://stripe")
        .args([
            "run",
            "--no-masking",
            "--",
            "sh",
            "-c",
            r#"echo "$STRIPE_KEY"; echo "$STRIPE_KEY" >&2"#,
        ])
        .output()
        .unwrap();
    let r = run_of(r);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert_eq!(r.stdout, format!("{STRIPE}\n"));
    assert_eq!(r.stderr, format!("{STRIPE}\n"));
}

#[test]
fn run_passes_the_exit_code_through() {
    let v = vault();
    for (script, code) in [("exit 0", 0), ("exit 7", 7), ("exit 255", 255)] {
        let r = v
            .command()
            .env("STRIPE_KEY", "tessera://stripe")
            .args(["run", "--", "sh", "-c", script])
            .output()
            .unwrap();
        assert_eq!(r.status.code(), Some(code), "{script}: {r:?}");
    }
    // Without references no password is needed (and the vault is not opened).
    let r = v
        .command()
        .env("TESSERA_PASSWORD_FILE", "/nonexistent")
        .args(["run", "--", "sh", "-c", "exit 3"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(3), "{r:?}");
    // A command that cannot start is an error, not a crash.
    let r = run_of(
        v.command()
            .args(["run", "--", "/nonexistent/program"])
            .output()
            .unwrap(),
    );
    r.expect_error("input.invalid");
    // The command is required, after --.
    let r = run_of(v.command().args(["run"]).output().unwrap());
    r.expect_usage_error();
}

#[test]
fn a_child_killed_by_a_signal_gives_128_plus_the_signal() {
    let v = vault();
    for (masking, extra) in [(true, None), (false, Some("--no-masking"))] {
        let mut args = vec!["run"];
        args.extend(extra);
        args.extend(["--", "sh", "-c", "kill -TERM $$"]);
        let r = v
            .command()
            .env("STRIPE_KEY", "tessera://stripe")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(r.status.code(), Some(143), "masking {masking}: {r:?}");
    }
}

#[test]
fn sigterm_to_tessera_reaches_the_child() {
    let v = vault();
    let marker = v.dir.path().join("trapped");
    let script = r#"trap 'echo got TERM > "$1"; exit 3' TERM; echo ready; while :; do sleep 0.1; done"#;
    for extra in [None, Some("--no-masking")] {
        let _ = std::fs::remove_file(&marker);
        let mut args = vec!["run"];
        args.extend(extra);
        args.extend(["--", "sh", "-c", script, "sh", marker.to_str().unwrap()]);
        let mut child = v
            .std_command(&args)
            .env("STRIPE_KEY", "tessera://stripe")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line, "ready\n", "{extra:?}");
        std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(3), "{extra:?}: {status}");
        assert_eq!(std::fs::read_to_string(&marker).unwrap(), "got TERM\n");
    }
}

#[test]
fn inject_renders_a_template_to_a_private_file_or_stdout() {
    let v = vault();
    let template = v.file(
        "config.tpl",
        b"# config\nkey = {{ tessera://stripe }}\nuser = \"{{tessera://stripe/username}}\"\ntoken={{  tessera://GitHub%20%2F%20API%20token\t}}\nkept = {{ .Values.other }} ${{ secrets.X }}\n",
    );
    let expected = format!("# config\nkey = {STRIPE}\nuser = \"acct_example\"\ntoken=ghp_EXAMPLEbitwardenHiddenField0000000000\nkept = {{{{ .Values.other }}}} ${{{{ secrets.X }}}}\n");
    assert_eq!(v.ok(&["inject", "-i", template.to_str().unwrap()]), expected);

    let out = v.dir.path().join("config.out");
    v.ok(&[
        "inject",
        "-i",
        template.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
    assert_eq!(mode(&out), 0o600);

    // An existing file is replaced only with --force (and is 0600 after).
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
    let msg = v.fail(
        &[
            "inject",
            "-i",
            template.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "input.invalid",
    );
    assert!(msg.contains("--force"), "{msg}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    v.ok(&[
        "inject",
        "-i",
        template.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
    assert_eq!(mode(&out), 0o600);
}

/// Files in the test's directory other than the vault's.
fn files_in(v: &TestVault) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(v.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn inject_errors_leave_no_output_file() {
    let v = vault();
    let out = v.dir.path().join("out.conf");
    let unterminated = v.file("open.tpl", b"a = 1\nb = {{ tessera://stripe\n}}\n");
    let before = files_in(&v);
    let msg = v.fail(
        &[
            "inject",
            "-i",
            unterminated.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "input.invalid",
    );
    assert!(msg.contains("open.tpl") && msg.contains("line 2"), "{msg}");

    let missing = v.file(
        "missing.tpl",
        b"a = {{ tessera://stripe }}\nb = {{ tessera://stripe/nope }}\n",
    );
    let before_missing = files_in(&v);
    let msg = v.fail(
        &[
            "inject",
            "-i",
            missing.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "ref.not_found",
    );
    assert!(
        msg.contains("tessera://stripe/nope") && msg.contains("line 2"),
        "{msg}"
    );
    assert!(!msg.contains(STRIPE));
    assert!(!out.exists());
    // No temp file either.
    assert_eq!(files_in(&v), before_missing);
    assert_eq!(before.len() + 1, before_missing.len());
    // Nothing on stdout when rendering to stdout fails.
    let r = v.run(&["inject", "-i", missing.to_str().unwrap()]);
    r.expect_error("ref.not_found");
    assert_eq!(r.stdout, "");
}
