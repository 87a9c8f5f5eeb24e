//! Shared helpers for the CLI integration tests: a throw-away vault in a temp
//! directory, a runner for the real `tessera` binary, and a little python3
//! `sqlite3` glue for tampering with the vault file from outside.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery staple 🐎";

/// The cheapest Argon2id parameters the vault accepts (the floor).
pub const FAST_KDF: [&str; 6] = [
    "--kdf-memory-mib",
    "19",
    "--kdf-iterations",
    "2",
    "--kdf-parallelism",
    "1",
];

/// Path of the built `tessera` binary.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_tessera")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// What one run of `tessera` did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: std::process::Output) -> Self {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Asserts the documented failure shape: exit code 1 and exactly one
    /// stderr line `error[CODE]: message`. Returns the message.
    pub fn expect_error(&self, code: &str) -> String {
        assert_eq!(self.code, Some(1), "expected exit 1 with {code}, got {self:#?}");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "expected one stderr line, got {:?}", self.stderr);
        let prefix = format!("error[{code}]: ");
        let message = lines[0]
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("expected {prefix:?}..., got {:?}", lines[0]));
        assert!(
            !message.trim().is_empty(),
            "empty error message: {:?}",
            self.stderr
        );
        message.to_owned()
    }

    /// Asserts a clap usage error (exit code 2).
    pub fn expect_usage_error(&self) {
        assert_eq!(self.code, Some(2), "expected a usage error, got {self:#?}");
        assert!(self.stderr.starts_with("error: "), "{:?}", self.stderr);
    }

    pub fn all_output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A vault file in its own temp directory, with the master password in a
/// file next to it.
pub struct TestVault {
    pub dir: TempDir,
    /// `<dir>/vault/vault.db`: the `vault` directory holds nothing else.
    pub path: PathBuf,
    pub password_file: PathBuf,
    sql: std::cell::RefCell<Option<SqlProcess>>,
}

impl TestVault {
    /// A new vault with [`PASSWORD`] and the fast KDF.
    pub fn new() -> Self {
        let v = Self::uninitialized();
        v.init();
        v
    }

    /// `tessera init` with the fast KDF.
    pub fn init(&self) {
        let mut args = vec!["init"];
        args.extend_from_slice(&FAST_KDF);
        self.ok(&args);
        assert!(self.path.is_file());
    }

    /// Only the directory and the password file; no vault yet.
    pub fn uninitialized() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault").join("vault.db");
        let password_file = dir.path().join("password");
        std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
        TestVault {
            dir,
            path,
            password_file,
            sql: std::cell::RefCell::new(None),
        }
    }

    pub fn vault_dir(&self) -> PathBuf {
        self.path.parent().unwrap().to_path_buf()
    }

    /// Writes `contents` plus a newline to a file in the temp dir.
    pub fn write_password(&self, name: &str, contents: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, format!("{contents}\n")).unwrap();
        p
    }

    pub fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, contents).unwrap();
        p
    }

    /// `tessera` with this vault and password in the environment.
    pub fn command(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("tessera").unwrap();
        c.env("TESSERA_VAULT", &self.path)
            .env("TESSERA_PASSWORD_FILE", &self.password_file)
            .env_remove("XDG_DATA_HOME");
        c
    }

    /// The same, as a plain std command (for spawning and killing).
    pub fn std_command(&self, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(bin());
        c.args(args)
            .env("TESSERA_VAULT", &self.path)
            .env("TESSERA_PASSWORD_FILE", &self.password_file)
            .env_remove("XDG_DATA_HOME");
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        Run::from(self.command().args(args).write_stdin(stdin).output().unwrap())
    }

    /// Runs with another password file.
    pub fn run_with_password(&self, password_file: &Path, args: &[&str], stdin: &str) -> Run {
        Run::from(
            self.command()
                .env("TESSERA_PASSWORD_FILE", password_file)
                .args(args)
                .write_stdin(stdin)
                .output()
                .unwrap(),
        )
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert!(r.success(), "tessera {args:?} failed: {r:#?}");
        r.stdout
    }

    pub fn ok_stdin(&self, args: &[&str], stdin: &str) -> String {
        let r = self.run_stdin(args, stdin);
        assert!(r.success(), "tessera {args:?} failed: {r:#?}");
        r.stdout
    }

    /// Runs and asserts the failure shape with `code`; returns the message.
    pub fn fail(&self, args: &[&str], code: &str) -> String {
        self.run(args).expect_error(code)
    }

    pub fn fail_stdin(&self, args: &[&str], stdin: &str, code: &str) -> String {
        self.run_stdin(args, stdin).expect_error(code)
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut full = vec!["--json"];
        full.extend_from_slice(args);
        let out = self.ok(&full);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("tessera {args:?}: not JSON ({e}): {out}"))
    }

    /// `tessera add KIND NAME --value-stdin EXTRA...`
    pub fn add(&self, kind: &str, name: &str, value: &str, extra: &[&str]) {
        let mut args = vec!["add", kind, name, "--value-stdin"];
        args.extend_from_slice(extra);
        self.ok_stdin(&args, &format!("{value}\n"));
    }

    /// `tessera get NAME`, without the trailing newline (which is asserted).
    pub fn get(&self, name: &str) -> String {
        self.get_field(name, "value")
    }

    pub fn get_field(&self, name: &str, field: &str) -> String {
        let out = self.ok(&["get", name, "--field", field]);
        out.strip_suffix('\n')
            .unwrap_or_else(|| panic!("`get` output does not end in a newline: {out:?}"))
            .to_owned()
    }

    pub fn list(&self) -> Vec<Value> {
        self.json(&["list"])
            .as_array()
            .expect("list --json is an array")
            .clone()
    }

    pub fn names(&self) -> Vec<String> {
        let mut n: Vec<String> = self
            .list()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    }

    pub fn item(&self, name: &str) -> Value {
        self.list()
            .into_iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("no item {name:?} in the list"))
    }

    pub fn id_of(&self, name: &str) -> String {
        self.item(name)["id"].as_str().unwrap().to_owned()
    }

    pub fn history(&self, name: &str) -> Value {
        self.json(&["history", name, "--reveal"])
    }

    pub fn audit_len(&self) -> usize {
        self.json(&["audit"]).as_array().unwrap().len()
    }

    /// Runs one SQL statement on the vault file through python3's sqlite3 (a
    /// separate program, like an attacker or a disk fault would be). Blob
    /// parameters are given as `{"hex": "..."}`; blobs come back as hex.
    pub fn sql(&self, sql: &str, params: &[Value]) -> Vec<Vec<Value>> {
        self.sql
            .borrow_mut()
            .get_or_insert_with(SqlProcess::start)
            .run(&self.path, sql, params)
    }

    /// The hex of one blob cell.
    pub fn blob(&self, sql: &str, params: &[Value]) -> String {
        let rows = self.sql(sql, params);
        assert_eq!(rows.len(), 1, "{sql}: expected one row, got {rows:?}");
        rows[0][0].as_str().unwrap().to_owned()
    }

    /// Every file in the vault's directory with its bytes.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(self.vault_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    /// Asserts the vault holds exactly what it held at `before`: the same
    /// `vault.db` bytes and no WAL frames. (A process that exits without
    /// closing its connection may leave an empty `-wal` and the `-shm` index
    /// behind; neither holds data.)
    pub fn assert_unchanged(&self, before: &[(String, Vec<u8>)], context: &str) {
        let after = self.snapshot();
        let content = |s: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
            s.iter()
                .filter(|(n, b)| {
                    let index = n.ends_with("-shm");
                    let empty_wal = n.ends_with("-wal") && b.is_empty();
                    !index && !empty_wal
                })
                .cloned()
                .collect()
        };
        let (before, after) = (content(before), content(&after));
        let names = |s: &[(String, Vec<u8>)]| -> Vec<(String, usize)> {
            s.iter().map(|(n, b)| (n.clone(), b.len())).collect()
        };
        assert_eq!(
            names(&before),
            names(&after),
            "{context}: the vault's files changed"
        );
        for ((name, a), (_, b)) in before.iter().zip(&after) {
            if let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) {
                panic!("{context}: {name} changed (first difference at byte {i})");
            }
        }
    }

    /// A python3 process holding a connection to the vault open (after one
    /// read), so `-wal` and `-shm` stay on disk and the WAL is not
    /// checkpointed away. `begin` is run first (e.g. `BEGIN IMMEDIATE`).
    /// Released when the returned guard drops.
    pub fn hold_connection(&self, begin: &str) -> Holder {
        const SCRIPT: &str = r#"
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
con.execute("SELECT count(*) FROM items").fetchall()
if sys.argv[2]:
    con.execute(sys.argv[2])
print("ready", flush=True)
sys.stdin.read()
if con.in_transaction:
    con.execute("ROLLBACK")
con.close()
"#;
        let mut child = std::process::Command::new("python3")
            .args(["-c", SCRIPT])
            .arg(&self.path)
            .arg(begin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        assert_eq!(line.trim(), "ready", "python3 could not hold the vault");
        Holder {
            stdin: child.stdin.take(),
            child,
        }
    }
}

pub struct Holder {
    stdin: Option<ChildStdin>,
    child: Child,
}

impl Holder {
    pub fn release(mut self) {
        self.stop();
    }
    fn stop(&mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the python3 holder failed: {status}");
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            drop(self.stdin.take());
            let _ = self.child.wait();
        }
    }
}

/// Runs one SQL statement on `db` with a fresh python3 process.
pub fn sql_on(db: &Path, sql: &str, params: &[Value]) -> Vec<Vec<Value>> {
    SqlProcess::start().run(db, sql, params)
}

/// A python3 process that runs SQL statements sent as JSON lines, each on a
/// fresh connection that is closed (and the WAL checkpointed) before it
/// answers. One per test vault, to pay python's start-up once.
pub struct SqlProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: std::io::BufReader<std::process::ChildStdout>,
}

impl SqlProcess {
    const SCRIPT: &'static str = r#"
import sqlite3, sys, json
for line in sys.stdin:
    req = json.loads(line)
    try:
        args = [bytes.fromhex(p["hex"]) if isinstance(p, dict) else p for p in req["params"]]
        con = sqlite3.connect(req["db"], isolation_level=None)
        rows = con.execute(req["sql"], args).fetchall()
        con.close()
        out = {"rows": [[v.hex() if isinstance(v, bytes) else v for v in r] for r in rows]}
    except Exception as e:
        out = {"error": repr(e)}
    print(json.dumps(out), flush=True)
"#;

    pub fn start() -> Self {
        let mut child = std::process::Command::new("python3")
            .args(["-c", Self::SCRIPT])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3");
        SqlProcess {
            stdin: child.stdin.take(),
            stdout: std::io::BufReader::new(child.stdout.take().unwrap()),
            child,
        }
    }

    pub fn run(&mut self, db: &Path, sql: &str, params: &[Value]) -> Vec<Vec<Value>> {
        use std::io::{BufRead, Write};
        let req = serde_json::json!({ "db": db, "sql": sql, "params": params });
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{req}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let out: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("python3 said {line:?} ({e})"));
        if let Some(err) = out.get("error") {
            panic!("python3 sqlite3 failed on {sql:?}: {err}");
        }
        serde_json::from_value(out["rows"].clone()).unwrap()
    }
}

impl Drop for SqlProcess {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// A blob parameter for [`TestVault::sql`].
pub fn hex(h: &str) -> Value {
    serde_json::json!({ "hex": h })
}

/// The 16-byte id, as stored, of an item id printed by the CLI (a UUID).
pub fn id_hex(id: &str) -> String {
    let h = id.replace('-', "");
    assert_eq!(h.len(), 32, "not a UUID: {id}");
    h
}

/// Flips the low bit of the byte at `index` (negative counts from the end).
pub fn flip_hex(h: &str, index: isize) -> String {
    let mut bytes: Vec<u8> = (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect();
    let i = if index < 0 {
        bytes.len() as isize + index
    } else {
        index
    } as usize;
    bytes[i] ^= 0x01;
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

pub fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// `value` minus the keys that differ between two vaults (ids).
pub fn without_ids(mut v: Value) -> Value {
    match &mut v {
        Value::Object(m) => {
            m.remove("id");
            for (_, x) in m.iter_mut() {
                *x = without_ids(x.take());
            }
        }
        Value::Array(a) => {
            for x in a.iter_mut() {
                *x = without_ids(x.take());
            }
        }
        _ => {}
    }
    v
}
