//! The vault state machine: create, unlock, lock, change password.
//!
//! A [`LockedVault`] holds only the open file and its header. Unlocking runs
//! Argon2id, unwraps the vault key and derives the working subkeys; locking
//! drops them (they zeroize on drop) together with the decrypted index.

use crate::audit::AuditAction;
use crate::crypto::{self, KdfParams, Mac, Sealer, SecretKey, SALT_LEN};
use crate::error::{Error, Result};
use crate::search::Index;
use crate::store::Store;
use std::path::Path;
use std::time::Duration;

/// Bumped when the meaning of stored bytes changes.
pub const VAULT_FORMAT_VERSION: i64 = 1;
/// Extra delay on a wrong password: never faster than a right one, and a
/// little slower for anyone guessing.
const WRONG_PASSWORD_DELAY: Duration = Duration::from_millis(150);

#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub vault_id: [u8; 16],
    pub kdf: KdfParams,
    pub salt: Vec<u8>,
    pub device_secret_required: bool,
    pub wrapped_vault_key: Vec<u8>,
    /// The unlock key sealed by a key kept in the OS keyring, and its expiry.
    pub quick_unlock: Option<(Vec<u8>, i64)>,
}

/// The working keys, all derived from the vault key.
pub(crate) struct Keys {
    pub fields: Sealer,
    pub names: Mac,
    pub audit: Mac,
    /// Fingerprints of values, to find values shared between items.
    pub values: Mac,
}

impl Keys {
    fn derive(vault_key: &SecretKey) -> Result<Self> {
        let k = vault_key.expose();
        Ok(Self {
            fields: Sealer::new(&crypto::hkdf_expand(k, b"tessera/fields/v1")?)?,
            names: Mac::new(&crypto::hkdf_expand(k, b"tessera/name-index/v1")?),
            audit: Mac::new(&crypto::hkdf_expand(k, b"tessera/audit-chain/v1")?),
            values: Mac::new(&crypto::hkdf_expand(k, b"tessera/value-fingerprint/v1")?),
        })
    }
}

pub struct LockedVault {
    pub(crate) store: Store,
    pub(crate) header: Header,
}

pub struct Vault {
    pub(crate) store: Store,
    pub(crate) header: Header,
    pub(crate) keys: Keys,
    pub(crate) index: Option<Index>,
    /// Held while unlocked when the vault uses two-secret derivation.
    pub(crate) device_secret: Option<SecretKey>,
    /// Tells one unlock from the next, so that "for this session" decisions
    /// (see the agent) end with the unlock they were made in.
    pub(crate) instance: u64,
}

fn next_instance() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn wrap_aad(vault_id: &[u8]) -> Vec<u8> {
    crypto::aad(vault_id, &[], "vault", "vault_key")
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl LockedVault {
    pub async fn open(path: &Path) -> Result<Self> {
        let mut store = Store::open(path).await?;
        let header = read_header(&mut store).await?;
        Ok(Self { store, header })
    }

    pub fn kdf_params(&self) -> KdfParams {
        self.header.kdf
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// Unlocks with the master password alone. A vault that also needs its
    /// device secret refuses with `vault.device_secret_missing`; see
    /// [`LockedVault::unlock_with_keychain`].
    pub async fn unlock(self, password: &str) -> Result<Vault> {
        if self.header.device_secret_required {
            let _ = self.store.close().await;
            return Err(Error::DeviceSecretMissing);
        }
        self.unlock_with(password, None).await
    }

    /// Runs the full KDF whatever happens, so a wrong password costs at least
    /// as much as a right one.
    pub(crate) async fn unlock_with(self, password: &str, device_secret: Option<SecretKey>) -> Result<Vault> {
        let vault_key = unwrap_vault_key(&self.header, password, device_secret.clone()).await;
        match vault_key {
            Ok(vk) => Ok(self.into_unlocked(&vk, device_secret)?),
            Err(e) => {
                // Same derivation work as the success path, then the delay.
                let _ = Keys::derive(&SecretKey::random()?);
                tokio::time::sleep(WRONG_PASSWORD_DELAY).await;
                // Close cleanly so SQLite removes its -wal/-shm side files.
                let _ = self.store.close().await;
                Err(e)
            }
        }
    }

    pub(crate) fn into_unlocked(
        self,
        vault_key: &SecretKey,
        device_secret: Option<SecretKey>,
    ) -> Result<Vault> {
        Ok(Vault {
            keys: Keys::derive(vault_key)?,
            store: self.store,
            header: self.header,
            index: None,
            device_secret,
            instance: next_instance(),
        })
    }

    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// True if this vault also needs a device secret to open.
    pub fn needs_device_secret(&self) -> bool {
        self.header.device_secret_required
    }

    /// The vault id, as bound into every ciphertext.
    pub fn id_hex(&self) -> String {
        hex(&self.header.vault_id)
    }

    pub async fn close(self) -> Result<()> {
        self.store.close().await
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn wrap_vault_key(header: &Header, unlock: &SecretKey, vault_key: &SecretKey) -> Result<Vec<u8>> {
    Ok(Sealer::new(unlock)?.seal(vault_key.expose(), &wrap_aad(&header.vault_id))?)
}

/// Opens the wrapped vault key with an unlock key.
pub(crate) fn open_vault_key(header: &Header, unlock: &SecretKey) -> Result<SecretKey> {
    let raw = Sealer::new(unlock)?
        .open(&header.wrapped_vault_key, &wrap_aad(&header.vault_id))
        .map_err(|_| crypto::CryptoError::WrongPassword)?;
    SecretKey::from_bytes(&raw)
        .ok_or_else(|| Error::Corrupt("the wrapped vault key has the wrong length".into()))
}

pub(crate) async fn unwrap_vault_key(
    header: &Header,
    password: &str,
    device_secret: Option<SecretKey>,
) -> Result<SecretKey> {
    let password = crypto::normalize_password(password);
    let salt = header.salt.clone();
    let kdf = header.kdf;
    kdf.check()?;
    // Argon2 is seconds of CPU: keep it off the async executor.
    let password_key =
        tokio::task::spawn_blocking(move || crypto::derive_password_key(password.as_bytes(), &salt, &kdf))
            .await
            .map_err(|_| Error::Storage("key derivation task failed".into()))??;
    let unlock = crypto::unlock_key(&password_key, device_secret.as_ref())?;
    open_vault_key(header, &unlock)
}

pub(crate) async fn derive_unlock_key(
    password: &str,
    salt: Vec<u8>,
    kdf: KdfParams,
    device_secret: Option<&SecretKey>,
) -> Result<SecretKey> {
    let password = crypto::normalize_password(password);
    let key =
        tokio::task::spawn_blocking(move || crypto::derive_password_key(password.as_bytes(), &salt, &kdf))
            .await
            .map_err(|_| Error::Storage("key derivation task failed".into()))??;
    crypto::unlock_key(&key, device_secret).map_err(Into::into)
}

/// vault_id, format_version, salt, m, t, p, device_secret_required, wrapped
/// key, quick unlock blob and expiry.
type HeaderRow = (
    Vec<u8>,
    i64,
    Vec<u8>,
    i64,
    i64,
    i64,
    i64,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<i64>,
);

async fn read_header(store: &mut Store) -> Result<Header> {
    let row: Option<HeaderRow> = sqlx::query_as(
        "SELECT vault_id, format_version, kdf_salt, kdf_memory_kib, kdf_iterations, kdf_parallelism,
                device_secret_required, wrapped_vault_key, quick_unlock, quick_unlock_expires
         FROM vault_header WHERE singleton = 1",
    )
    .fetch_optional(&mut store.conn)
    .await?;
    let Some((id, version, salt, m, t, p, ds, wrapped, quick, quick_until)) = row else {
        return Err(Error::Corrupt("the vault header is missing".into()));
    };
    if version > VAULT_FORMAT_VERSION {
        return Err(Error::TooNew(version));
    }
    let vault_id: [u8; 16] = id
        .as_slice()
        .try_into()
        .map_err(|_| Error::Corrupt("the vault id is malformed".into()))?;
    let as_u32 =
        |v: i64| u32::try_from(v).map_err(|_| Error::Corrupt("the KDF parameters are malformed".into()));
    Ok(Header {
        vault_id,
        kdf: KdfParams {
            memory_kib: as_u32(m)?,
            iterations: as_u32(t)?,
            parallelism: as_u32(p)?,
        },
        salt,
        device_secret_required: ds != 0,
        wrapped_vault_key: wrapped,
        quick_unlock: quick.zip(quick_until),
    })
}

impl Vault {
    /// Different for every unlock in this process.
    pub fn instance(&self) -> u64 {
        self.instance
    }

    /// Creates a new vault at `path` with a fresh random vault key.
    ///
    /// The vault is built under a temporary name and linked into place only
    /// once its header is written, so an interrupted `init` leaves no
    /// half-made vault where a real one is expected.
    pub async fn create(path: &Path, password: &str, kdf: KdfParams) -> Result<Vault> {
        kdf.check()?;
        if password.is_empty() {
            return Err(Error::invalid("the master password must not be empty"));
        }
        if path.exists() {
            return Err(Error::VaultExists(path.display().to_string()));
        }
        let file_name = path
            .file_name()
            .ok_or_else(|| Error::invalid(format!("{} is not a file path", path.display())))?;
        let vault_id: [u8; 16] = crypto::random_bytes()?;
        let salt: [u8; SALT_LEN] = crypto::random_bytes()?;
        let unlock = derive_unlock_key(password, salt.to_vec(), kdf, None).await?;
        let vault_key = SecretKey::random()?;
        let wrapped = Sealer::new(&unlock)?.seal(vault_key.expose(), &wrap_aad(&vault_id))?;
        let header = Header {
            vault_id,
            kdf,
            salt: salt.to_vec(),
            device_secret_required: false,
            wrapped_vault_key: wrapped,
            quick_unlock: None,
        };
        let suffix: [u8; 6] = crypto::random_bytes()?;
        let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let tmp = path.with_file_name(format!(".{}.init-{suffix}", file_name.to_string_lossy()));

        let mut vault = Vault {
            keys: Keys::derive(&vault_key)?,
            store: Store::create(&tmp).await?,
            header,
            index: Some(Index::default()),
            device_secret: None,
            instance: 0,
        };
        let written = vault.write_header().await;
        let Vault {
            keys,
            store,
            header,
            index,
            ..
        } = vault;
        let closed = store.close().await;
        let linked = written.and(closed).and_then(|()| {
            std::fs::hard_link(&tmp, path).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => Error::VaultExists(path.display().to_string()),
                _ => e.into(),
            })
        });
        crate::store::remove_with_side_files(&tmp);
        linked?;
        crate::store::sync_parent_dir(path);
        Ok(Vault {
            keys,
            store: Store::open(path).await?,
            header,
            index,
            device_secret: None,
            instance: next_instance(),
        })
    }

    async fn write_header(&mut self) -> Result<()> {
        let h = &self.header;
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "INSERT INTO vault_header (singleton, vault_id, format_version, kdf_algorithm, kdf_salt,
               kdf_memory_kib, kdf_iterations, kdf_parallelism, wrapped_vault_key, created_at, updated_at)
             VALUES (1, ?, ?, 'argon2id-v19', ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&h.vault_id[..])
        .bind(VAULT_FORMAT_VERSION)
        .bind(&h.salt)
        .bind(i64::from(h.kdf.memory_kib))
        .bind(i64::from(h.kdf.iterations))
        .bind(i64::from(h.kdf.parallelism))
        .bind(&h.wrapped_vault_key)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        crate::audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::VaultCreated,
            None,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    pub fn kdf_params(&self) -> KdfParams {
        self.header.kdf
    }

    /// Drops every key and decrypted entry; the file stays open.
    pub fn lock(self) -> LockedVault {
        // Keys, device secret and index drop (and zeroize) here.
        LockedVault {
            store: self.store,
            header: self.header,
        }
    }

    pub async fn close(self) -> Result<()> {
        self.store.close().await
    }

    /// Re-wraps the vault key under a key from the new password (and new
    /// salt and, optionally, new KDF parameters). No item is re-encrypted.
    pub async fn change_password(&mut self, current: &str, new: &str, kdf: Option<KdfParams>) -> Result<()> {
        if new.is_empty() {
            return Err(Error::invalid("the new master password must not be empty"));
        }
        let kdf = kdf.unwrap_or(self.header.kdf);
        kdf.check()?;
        // Prove the caller knows the current password before re-wrapping.
        let vault_key = unwrap_vault_key(&self.header, current, self.device_secret.clone()).await?;
        let salt: [u8; SALT_LEN] = crypto::random_bytes()?;
        let unlock = derive_unlock_key(new, salt.to_vec(), kdf, self.device_secret.as_ref()).await?;
        let wrapped = wrap_vault_key(&self.header, &unlock, &vault_key)?;
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "UPDATE vault_header SET kdf_salt = ?, kdf_memory_kib = ?, kdf_iterations = ?, kdf_parallelism = ?,
               wrapped_vault_key = ?, updated_at = ?, quick_unlock = NULL, quick_unlock_expires = NULL
             WHERE singleton = 1",
        )
        .bind(&salt[..])
        .bind(i64::from(kdf.memory_kib))
        .bind(i64::from(kdf.iterations))
        .bind(i64::from(kdf.parallelism))
        .bind(&wrapped)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        crate::audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::PasswordChanged,
            None,
            "",
        )
        .await?;
        tx.commit().await?;
        self.header.salt = salt.to_vec();
        self.header.kdf = kdf;
        self.header.wrapped_vault_key = wrapped;
        // The quick-unlock blob held the old unlock key: it is gone.
        self.header.quick_unlock = None;
        Ok(())
    }

    /// The vault id, as bound into every ciphertext.
    pub fn id_hex(&self) -> String {
        hex(&self.header.vault_id)
    }
}
