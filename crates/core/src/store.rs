//! The SQLite file: connection settings, embedded migrations, file modes.

use crate::error::{Error, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another writer before `vault.busy`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Store {
    pub(crate) conn: SqliteConnection,
    path: PathBuf,
}

impl Store {
    /// Creates a new, empty vault file (mode 0600) and its schema. Refuses to
    /// touch an existing file.
    pub async fn create(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir)?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        match opts.open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::VaultExists(path.display().to_string()))
            }
            Err(e) => return Err(e.into()),
        }
        match Self::connect(path, Expect::Empty).await {
            Ok(store) => Ok(store),
            Err(e) => {
                // Nothing was stored yet: leave no half-made vault behind.
                let _ = std::fs::remove_file(path);
                Err(e)
            }
        }
    }

    /// Opens an existing vault file.
    pub async fn open(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(Error::VaultNotFound(path.display().to_string()));
        }
        Self::connect(path, Expect::Vault).await
    }

    async fn connect(path: &Path, expect: Expect) -> Result<Self> {
        // No journal-mode pragma yet: until the file is known to be ours,
        // nothing may be written to it.
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(false)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // Deleted rows are overwritten with zeros, not left in free pages.
            .pragma("secure_delete", "ON")
            .disable_statement_logging();
        let mut conn = opts.connect().await?;
        check_file(&mut conn, expect).await?;
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&mut conn)
            .await?;
        // `run_direct`, not `run`: the latter's generic `Acquire` bound makes
        // callers' futures fail the Send check (a known sqlx limitation).
        MIGRATOR.run_direct(&mut conn).await?;
        restrict_side_files(path);
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a write transaction that takes the write lock at once, so two
    /// writers queue up instead of failing half-way.
    pub(crate) async fn begin_write(&mut self) -> Result<sqlx::Transaction<'_, sqlx::Sqlite>> {
        Ok(self.conn.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub async fn close(self) -> Result<()> {
        self.conn.close().await?;
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A file we just created.
    Empty,
    /// An existing vault.
    Vault,
}

/// Refuses, before anything is written, a file that is not what we expect:
/// an empty or foreign database is never given our schema by `open`.
async fn check_file(conn: &mut SqliteConnection, expect: Expect) -> Result<()> {
    let tables: Vec<(String,)> = sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(&mut *conn)
        .await?;
    let is_vault = tables.iter().any(|(n,)| n == "vault_header");
    match expect {
        Expect::Empty if tables.is_empty() => Ok(()),
        Expect::Vault if is_vault => Ok(()),
        Expect::Vault if tables.is_empty() => {
            Err(Error::Corrupt("the file is empty, not a Tessera vault".into()))
        }
        _ => Err(Error::Corrupt("this file is not a Tessera vault".into())),
    }
}

/// SQLite gives `-wal`/`-shm` the database file's mode; make sure of it.
fn restrict_side_files(path: &Path) {
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm", "-journal"] {
        use std::os::unix::fs::PermissionsExt;
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.exists() {
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600));
        }
    }
}

/// Removes a database file and any `-wal`/`-shm`/`-journal` beside it.
pub(crate) fn remove_with_side_files(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Makes a new directory entry durable (a rename or link survives power loss).
pub(crate) fn sync_parent_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)?;
    Ok(())
}

/// `$XDG_DATA_HOME/tessera/vault.db`, else `~/.local/share/tessera/vault.db`.
pub fn default_vault_path() -> Option<PathBuf> {
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("tessera").join("vault.db"))
}
