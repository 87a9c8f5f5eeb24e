//! The crate error: every failure has a stable machine code that the CLI and
//! the UI match on. No message ever carries a secret value.

use crate::crypto::CryptoError;
use crate::oauth::OAuthError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("the vault is locked")]
    Locked,
    #[error("no vault at {0}; create one with `tessera init`")]
    VaultNotFound(String),
    #[error("a vault already exists at {0}")]
    VaultExists(String),
    #[error("the vault is busy: another process is writing to it")]
    Busy,
    #[error("the vault is damaged: {0}")]
    Corrupt(String),
    #[error("the vault was written by a newer Tessera (format {0}); upgrade to open it")]
    TooNew(i64),
    #[error("no item named {0:?}")]
    NotFound(String),
    #[error("item {item:?} has no field {field:?}")]
    FieldNotFound { item: String, field: String },
    #[error("an item named {0:?} already exists")]
    Exists(String),
    #[error("{0}")]
    Invalid(String),
    #[error("cannot import: {0}")]
    Import(String),
    #[error("the audit log has been tampered with: {0}")]
    AuditBroken(String),
    #[error("the OS keyring is not available: {0}")]
    KeyringUnavailable(String),
    #[error("this vault also needs its device secret, which is not in this device's keyring; restore it from the recovery kit")]
    DeviceSecretMissing,
    #[error("quick unlock has expired; unlock with the master password")]
    QuickUnlockExpired,
    #[error("quick unlock is not set up on this device")]
    QuickUnlockOff,
    #[error("storage error: {0}")]
    Storage(String),
    #[error("i/o error: {0}")]
    Io(String),
    #[error("the grace period of {0:?} is over: its previous value is retired (it is still in the history)")]
    GraceOver(String),
    #[error("refused: {0}")]
    AgentRefused(String),
    #[error("an agent is already running on {0}")]
    AgentRunning(String),
    #[error("lost the agent: {0}")]
    AgentLost(String),
    #[error("consent denied: {0}")]
    ConsentDenied(String),
    /// An error the agent reported, with its code and, for a request of
    /// several secrets, which one failed.
    #[error("{message}")]
    Remote {
        code: &'static str,
        message: String,
        want: Option<usize>,
    },
    /// A `tessera://` reference to a missing item or field.
    #[error("{reference} does not resolve: {detail}")]
    RefNotFound { reference: String, detail: String },
    #[error(transparent)]
    OAuth(#[from] OAuthError),
}

/// Every code [`Error::code`] can return, so that one sent back by the
/// agent keeps its meaning on this side.
const CODES: &[&str] = &[
    "crypto.wrong_password",
    "input.invalid",
    "vault.corrupt",
    "crypto.failure",
    "vault.locked",
    "vault.not_found",
    "vault.exists",
    "vault.busy",
    "vault.too_new",
    "item.not_found",
    "item.field_not_found",
    "item.exists",
    "import.invalid",
    "audit.broken",
    "keyring.unavailable",
    "vault.device_secret_missing",
    "quick_unlock.expired",
    "quick_unlock.off",
    "store.failure",
    "io.failure",
    "rotation.grace_over",
    "agent.peer_refused",
    "agent.running",
    "agent.lost",
    "consent.denied",
    "ref.not_found",
    "oauth.invalid_grant",
    "oauth.unreachable",
    "oauth.timeout",
    "oauth.bad_response",
    "oauth.error",
];

/// The static form of a code received as text; unknown codes become
/// `agent.failure`.
pub fn known_code(code: &str) -> &'static str {
    CODES
        .iter()
        .find(|c| **c == code)
        .copied()
        .unwrap_or("agent.failure")
}

impl Error {
    /// The stable code, `area.reason`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Crypto(CryptoError::WrongPassword) => "crypto.wrong_password",
            Error::Crypto(CryptoError::WeakParams(_) | CryptoError::InvalidParams(_)) => "input.invalid",
            Error::Crypto(CryptoError::Open) => "vault.corrupt",
            Error::Crypto(CryptoError::Random) => "crypto.failure",
            Error::Locked => "vault.locked",
            Error::VaultNotFound(_) => "vault.not_found",
            Error::VaultExists(_) => "vault.exists",
            Error::Busy => "vault.busy",
            Error::Corrupt(_) => "vault.corrupt",
            Error::TooNew(_) => "vault.too_new",
            Error::NotFound(_) => "item.not_found",
            Error::FieldNotFound { .. } => "item.field_not_found",
            Error::Exists(_) => "item.exists",
            Error::Invalid(_) => "input.invalid",
            Error::Import(_) => "import.invalid",
            Error::AuditBroken(_) => "audit.broken",
            Error::KeyringUnavailable(_) => "keyring.unavailable",
            Error::DeviceSecretMissing => "vault.device_secret_missing",
            Error::QuickUnlockExpired => "quick_unlock.expired",
            Error::QuickUnlockOff => "quick_unlock.off",
            Error::Storage(_) => "store.failure",
            Error::Io(_) => "io.failure",
            Error::GraceOver(_) => "rotation.grace_over",
            Error::AgentRefused(_) => "agent.peer_refused",
            Error::AgentRunning(_) => "agent.running",
            Error::AgentLost(_) => "agent.lost",
            Error::ConsentDenied(_) => "consent.denied",
            Error::Remote { code, .. } => code,
            Error::RefNotFound { .. } => "ref.not_found",
            Error::OAuth(OAuthError::InvalidGrant) => "oauth.invalid_grant",
            Error::OAuth(OAuthError::Unreachable(_)) => "oauth.unreachable",
            Error::OAuth(OAuthError::Timeout) => "oauth.timeout",
            Error::OAuth(OAuthError::BadResponse(_)) => "oauth.bad_response",
            Error::OAuth(OAuthError::Server { .. }) => "oauth.error",
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with extended codes.
        if let sqlx::Error::Database(db) = &e {
            if let Some(code) = db.code() {
                if let Ok(n) = code.parse::<i64>() {
                    match n & 0xff {
                        5 | 6 => return Error::Busy,
                        11 | 26 => return Error::Corrupt("the database file is malformed".into()),
                        _ => {}
                    }
                }
            }
        }
        // sqlx messages carry SQL text and codes, never bound values.
        Error::Storage(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            sqlx::migrate::MigrateError::VersionMissing(v) => Error::TooNew(v),
            sqlx::migrate::MigrateError::Execute(inner) => inner.into(),
            other => Error::Storage(other.to_string()),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
