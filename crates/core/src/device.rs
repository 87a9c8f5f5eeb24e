//! Unlocking tied to this device, both opt-in and both through the OS keyring:
//!
//! - **Quick unlock**: the unlock key sealed by a random key kept in the
//!   keyring, valid until a chosen time; after that the password is asked.
//! - **Device secret** (two-secret derivation): 32 random bytes kept in the
//!   keyring and mixed into the unlock key, so the vault file and the master
//!   password alone no longer open the vault. It is switched on only after
//!   the user has saved a recovery kit holding the secret.

use crate::audit::{self, AuditAction};
use crate::crypto::{self, Sealer, SecretKey};
use crate::error::{Error, Result};
use crate::keychain::{device_secret_account, quick_unlock_account, Keychain};
use crate::vault::{self, now_ms, LockedVault, Vault};
use serde::Serialize;
use zeroize::Zeroizing;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn quick_aad(vault_id: &[u8], until: i64) -> Vec<u8> {
    crypto::aad(vault_id, &until.to_be_bytes(), "vault", "quick_unlock")
}

/// A device secret and the text the user keeps on paper.
#[derive(Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecoveryKit {
    /// The device secret in base32, in groups of four (`ABCD-EFGH-…`).
    pub secret: String,
    pub vault_id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
}

impl std::fmt::Debug for RecoveryKit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecoveryKit")
            .field("vault_id", &self.vault_id)
            .finish_non_exhaustive()
    }
}

impl Drop for RecoveryKit {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

/// Base32 (RFC 4648, no padding) in dash-separated groups of four.
pub fn encode_secret(secret: &SecretKey) -> String {
    let mut bits = 0u32;
    let mut n = 0;
    let mut plain = Zeroizing::new(String::with_capacity(52));
    for &b in secret.expose() {
        bits = (bits << 8) | u32::from(b);
        n += 8;
        while n >= 5 {
            n -= 5;
            plain.push(BASE32[((bits >> n) & 31) as usize] as char);
        }
    }
    if n > 0 {
        plain.push(BASE32[((bits << (5 - n)) & 31) as usize] as char);
    }
    let groups: Vec<&str> = plain
        .as_bytes()
        .chunks(4)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    groups.join("-")
}

/// Reads a kit's secret back, ignoring dashes, spaces and case.
pub fn decode_secret(text: &str) -> Result<SecretKey> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Zeroizing::new(Vec::with_capacity(32));
    for c in text.chars().filter(|c| !matches!(c, '-' | ' ' | '\n' | '\t')) {
        let c = c.to_ascii_uppercase() as u8;
        let v = BASE32.iter().position(|&x| x == c).ok_or_else(|| {
            Error::invalid("the recovery kit secret has a character that is not in it (A-Z, 2-7)")
        })?;
        bits = (bits << 5) | v as u32;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    SecretKey::from_bytes(&out).ok_or_else(|| Error::invalid("the recovery kit secret has the wrong length"))
}

impl LockedVault {
    /// Unlocks with the password, taking the device secret from the keyring
    /// when the vault needs one.
    pub async fn unlock_with_keychain(self, password: &str, keychain: &Keychain) -> Result<Vault> {
        if !self.needs_device_secret() {
            return self.unlock_with(password, None).await;
        }
        let stored = keychain.get(&device_secret_account(&self.id_hex()))?;
        let ds = stored
            .and_then(|s| SecretKey::from_bytes(&s))
            .ok_or(Error::DeviceSecretMissing)?;
        self.unlock_with(password, Some(ds)).await
    }

    /// Until when quick unlock is set up on this vault, if it is.
    pub fn quick_unlock_until(&self) -> Option<i64> {
        self.header()
            .quick_unlock
            .as_ref()
            .map(|(_, until)| *until)
            .filter(|u| *u > now_ms())
    }

    /// Unlocks without the password while quick unlock is valid.
    pub async fn quick_unlock(self, keychain: &Keychain) -> Result<Vault> {
        let Some((blob, until)) = self.header().quick_unlock.clone() else {
            return Err(Error::QuickUnlockOff);
        };
        let account = quick_unlock_account(&self.id_hex());
        if now_ms() >= until {
            let _ = keychain.delete(&account);
            return Err(Error::QuickUnlockExpired);
        }
        let key = keychain
            .get(&account)?
            .and_then(|k| SecretKey::from_bytes(&k))
            .ok_or(Error::QuickUnlockOff)?;
        let unlock_raw = Sealer::new(&key)?
            .open(&blob, &quick_aad(&self.header().vault_id, until))
            .map_err(|_| Error::QuickUnlockOff)?;
        let unlock = SecretKey::from_bytes(&unlock_raw).ok_or(Error::QuickUnlockOff)?;
        let vault_key = vault::open_vault_key(self.header(), &unlock)?;
        let ds = if self.needs_device_secret() {
            keychain
                .get(&device_secret_account(&self.id_hex()))?
                .and_then(|s| SecretKey::from_bytes(&s))
        } else {
            None
        };
        self.into_unlocked(&vault_key, ds)
    }

    /// Puts a device secret read from a recovery kit into this device's keyring.
    pub fn restore_device_secret(&self, kit_secret: &str, keychain: &Keychain) -> Result<()> {
        let ds = decode_secret(kit_secret)?;
        keychain.set(&device_secret_account(&self.id_hex()), ds.expose())
    }
}

impl Vault {
    /// The unlock key, re-derived from the password (proving the caller knows it).
    async fn unlock_key_from(&self, password: &str) -> Result<SecretKey> {
        let h = &self.header;
        let unlock =
            vault::derive_unlock_key(password, h.salt.clone(), h.kdf, self.device_secret.as_ref()).await?;
        vault::open_vault_key(h, &unlock)?;
        Ok(unlock)
    }

    pub fn device_secret_enabled(&self) -> bool {
        self.header.device_secret_required
    }

    pub fn quick_unlock_until(&self) -> Option<i64> {
        self.header
            .quick_unlock
            .as_ref()
            .map(|(_, until)| *until)
            .filter(|u| *u > now_ms())
    }

    /// Lets this device unlock without the password until `until` (ms).
    pub async fn enable_quick_unlock(
        &mut self,
        password: &str,
        until: i64,
        keychain: &Keychain,
    ) -> Result<()> {
        keychain.status().map_err(Error::KeyringUnavailable)?;
        if until <= now_ms() {
            return Err(Error::invalid("quick unlock must end in the future"));
        }
        let unlock = self.unlock_key_from(password).await?;
        let key = SecretKey::random()?;
        let blob = Sealer::new(&key)?.seal(unlock.expose(), &quick_aad(&self.header.vault_id, until))?;
        keychain.set(&quick_unlock_account(&self.id_hex()), key.expose())?;
        let mut tx = self.store.begin_write().await?;
        sqlx::query("UPDATE vault_header SET quick_unlock = ?, quick_unlock_expires = ? WHERE singleton = 1")
            .bind(&blob)
            .bind(until)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::DeviceUnlockChanged,
            None,
            "quick unlock on",
        )
        .await?;
        tx.commit().await?;
        self.header.quick_unlock = Some((blob, until));
        Ok(())
    }

    pub async fn disable_quick_unlock(&mut self, keychain: &Keychain) -> Result<()> {
        let _ = keychain.delete(&quick_unlock_account(&self.id_hex()));
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "UPDATE vault_header SET quick_unlock = NULL, quick_unlock_expires = NULL WHERE singleton = 1",
        )
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::DeviceUnlockChanged,
            None,
            "quick unlock off",
        )
        .await?;
        tx.commit().await?;
        self.header.quick_unlock = None;
        Ok(())
    }

    /// A fresh device secret and its recovery kit. Nothing changes until
    /// [`Vault::enable_device_secret`] is called with it.
    pub fn new_recovery_kit(&self) -> Result<(SecretKey, RecoveryKit)> {
        let ds = SecretKey::random()?;
        let kit = RecoveryKit {
            secret: encode_secret(&ds),
            vault_id: self.id_hex(),
            created_at: now_ms(),
        };
        Ok((ds, kit))
    }

    /// Switches on two-secret derivation with `ds`, which the user has saved
    /// in a recovery kit. The keyring gets the secret first; if the vault
    /// cannot be updated it is taken out again.
    pub async fn enable_device_secret(
        &mut self,
        password: &str,
        ds: SecretKey,
        keychain: &Keychain,
    ) -> Result<()> {
        keychain.status().map_err(Error::KeyringUnavailable)?;
        if self.header.device_secret_required {
            return Err(Error::invalid("the device secret is already on"));
        }
        let password_unlock = self.unlock_key_from(password).await?;
        let vault_key = vault::open_vault_key(&self.header, &password_unlock)?;
        let h = &self.header;
        let new_unlock = vault::derive_unlock_key(password, h.salt.clone(), h.kdf, Some(&ds)).await?;
        let wrapped = vault::wrap_vault_key(&self.header, &new_unlock, &vault_key)?;
        let account = device_secret_account(&self.id_hex());
        keychain.set(&account, ds.expose())?;
        let result = self.write_wrapping(&wrapped, true, "device secret on").await;
        if result.is_err() {
            let _ = keychain.delete(&account);
        }
        result?;
        self.header.device_secret_required = true;
        self.header.wrapped_vault_key = wrapped;
        self.header.quick_unlock = None;
        self.device_secret = Some(ds);
        Ok(())
    }

    /// Back to the password alone.
    pub async fn disable_device_secret(&mut self, password: &str, keychain: &Keychain) -> Result<()> {
        if !self.header.device_secret_required {
            return Ok(());
        }
        let current = self.unlock_key_from(password).await?;
        let vault_key = vault::open_vault_key(&self.header, &current)?;
        let h = &self.header;
        let password_only = vault::derive_unlock_key(password, h.salt.clone(), h.kdf, None).await?;
        let wrapped = vault::wrap_vault_key(&self.header, &password_only, &vault_key)?;
        self.write_wrapping(&wrapped, false, "device secret off").await?;
        let _ = keychain.delete(&device_secret_account(&self.id_hex()));
        self.header.device_secret_required = false;
        self.header.wrapped_vault_key = wrapped;
        self.header.quick_unlock = None;
        self.device_secret = None;
        Ok(())
    }

    async fn write_wrapping(&mut self, wrapped: &[u8], device_secret: bool, detail: &str) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        sqlx::query(
            "UPDATE vault_header SET wrapped_vault_key = ?, device_secret_required = ?, quick_unlock = NULL,
               quick_unlock_expires = NULL, updated_at = ? WHERE singleton = 1",
        )
        .bind(wrapped)
        .bind(i64::from(device_secret))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            &self.keys,
            &self.header,
            AuditAction::DeviceUnlockChanged,
            None,
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_kit_encoding_round_trips_and_tolerates_formatting() {
        let ds = SecretKey::random().unwrap();
        let text = encode_secret(&ds);
        assert_eq!(text.chars().filter(|c| *c != '-').count(), 52);
        assert!(text.split('-').all(|g| g.len() <= 4));
        let back = decode_secret(&text.to_lowercase().replace('-', " ")).unwrap();
        assert_eq!(back.expose(), ds.expose());
        assert_eq!(decode_secret("ABC1").unwrap_err().code(), "input.invalid");
        assert_eq!(decode_secret("ABCD").unwrap_err().code(), "input.invalid");
    }
}
