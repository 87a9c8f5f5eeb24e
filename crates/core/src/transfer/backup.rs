//! Tessera's encrypted backup: the whole vault (every item with its full value
//! history) as JSON, sealed with AES-256-GCM under Argon2id(password, fresh
//! salt) at the vault's own KDF parameters.
//!
//! File: `{"format":"tessera-backup","version":1,"kdf":{...},"salt":B64,
//! "ciphertext":B64}`.

use super::{ImportedItem, Parsed};
use crate::audit::{self, AuditAction};
use crate::crypto::{self, KdfParams, Sealer, SALT_LEN};
use crate::error::{Error, Result};
use crate::vault::Vault;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

const FORMAT: &str = "tessera-backup";
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    kdf: KdfParams,
    salt: String,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Payload {
    vault_id: String,
    exported_at: i64,
    items: Vec<ImportedItem>,
}

fn payload_aad(kdf: &KdfParams, salt: &[u8]) -> Vec<u8> {
    let params = format!("{}/{}/{}", kdf.memory_kib, kdf.iterations, kdf.parallelism);
    crypto::aad(salt, params.as_bytes(), FORMAT, "payload")
}

async fn backup_key(password: &str, salt: Vec<u8>, kdf: KdfParams) -> Result<crypto::SecretKey> {
    kdf.check()?;
    let password = crypto::normalize_password(password);
    tokio::task::spawn_blocking(move || crypto::derive_password_key(password.as_bytes(), &salt, &kdf))
        .await
        .map_err(|_| Error::Storage("key derivation task failed".into()))?
        .map_err(Into::into)
}

impl Vault {
    /// Writes an encrypted backup of every item to `out` (mode 0600; an
    /// existing file is not overwritten). Returns the number of items.
    pub async fn export_backup(&mut self, out: &Path, password: &str) -> Result<usize> {
        if password.is_empty() {
            return Err(Error::invalid("the backup password must not be empty"));
        }
        let items = self.read_everything().await?;
        let count = items.len();
        let payload = Payload {
            vault_id: self.id_hex(),
            exported_at: crate::vault::now_ms(),
            items,
        };
        let plain = Zeroizing::new(serde_json::to_vec(&payload).map_err(|e| Error::Storage(e.to_string()))?);
        drop(payload);
        let kdf = self.header.kdf;
        let salt: [u8; SALT_LEN] = crypto::random_bytes()?;
        let key = backup_key(password, salt.to_vec(), kdf).await?;
        let ciphertext = Sealer::new(&key)?.seal(&plain, &payload_aad(&kdf, &salt))?;
        let envelope = Envelope {
            format: FORMAT.into(),
            version: VERSION,
            kdf,
            salt: B64.encode(salt),
            ciphertext: B64.encode(ciphertext),
        };
        let json = serde_json::to_vec_pretty(&envelope).map_err(|e| Error::Storage(e.to_string()))?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut file = opts.open(out).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::invalid(format!("{} already exists", out.display())),
            _ => e.into(),
        })?;
        file.write_all(&json)?;
        file.sync_all()?;
        let mut tx = self.store.begin_write().await?;
        let detail = format!("{count} items to {}", out.display());
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::VaultExported,
            None,
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(count)
    }

    /// Every item with its full history, decrypted. Fails on the first
    /// damaged item rather than writing an incomplete backup.
    async fn read_everything(&mut self) -> Result<Vec<ImportedItem>> {
        let ids: Vec<(Vec<u8>,)> = sqlx::query_as("SELECT id FROM items")
            .fetch_all(&mut self.store.conn)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for (id,) in ids {
            let id: [u8; 16] = id
                .as_slice()
                .try_into()
                .map_err(|_| Error::Corrupt("an item id is malformed".into()))?;
            out.push(self.export_item(&crate::items::id_to_string(&id)).await?);
        }
        Ok(out)
    }
}

/// Opens a backup file with its password.
pub async fn decrypt(bytes: &[u8], password: &str) -> Result<Parsed> {
    let envelope: Envelope = serde_json::from_slice(bytes)
        .map_err(|e| Error::Import(format!("not a Tessera backup: {}", super::json_error(&e))))?;
    if envelope.format != FORMAT {
        return Err(Error::Import("not a Tessera backup".into()));
    }
    if envelope.version > VERSION {
        return Err(Error::Import(format!(
            "this backup was written by a newer Tessera (version {}); upgrade to restore it",
            envelope.version
        )));
    }
    let salt = B64
        .decode(&envelope.salt)
        .map_err(|_| Error::Import("the backup's salt is malformed".into()))?;
    let ciphertext = B64
        .decode(&envelope.ciphertext)
        .map_err(|_| Error::Import("the backup's ciphertext is malformed".into()))?;
    let key = backup_key(password, salt.clone(), envelope.kdf).await?;
    let plain = Sealer::new(&key)?
        .open(&ciphertext, &payload_aad(&envelope.kdf, &salt))
        .map_err(|_| crypto::CryptoError::WrongPassword)?;
    let payload: Payload = serde_json::from_slice(&plain).map_err(|e| {
        Error::Import(format!(
            "the backup's contents are malformed: {}",
            super::json_error(&e)
        ))
    })?;
    Ok(Parsed {
        items: payload.items,
        skipped: Vec::new(),
    })
}
