//! The OS secret store (Secret Service on Linux), for the two secrets that
//! may live outside the vault file: the device secret of the two-secret
//! derivation and the quick-unlock key. Tests inject keyring-core's
//! in-memory store; a missing Secret Service is reported, not fatal.

use crate::error::{Error, Result};
use keyring_core::{CredentialStore, Entry};
use std::sync::Arc;
use zeroize::Zeroizing;

const SERVICE: &str = "tessera";

pub struct Keychain {
    store: std::result::Result<Arc<CredentialStore>, String>,
}

impl Keychain {
    /// The platform's store. If it cannot be reached, every call fails with
    /// `keyring.unavailable` and [`Keychain::status`] says why.
    pub fn system() -> Self {
        #[cfg(target_os = "linux")]
        let store = zbus_secret_service_keyring_store::Store::new()
            .map(|s| s as Arc<CredentialStore>)
            .map_err(|e| format!("no Secret Service on the session bus ({e})"));
        #[cfg(not(target_os = "linux"))]
        let store = Err("no supported OS keyring on this platform yet".to_owned());
        let chain = Self { store };
        // Connecting can succeed with no keyring daemon behind the bus: ask once.
        match chain.probe() {
            Ok(()) => chain,
            Err(reason) => Self { store: Err(reason) },
        }
    }

    /// A keychain over a given store, such as `keyring_core::mock::Store`.
    pub fn with_store(store: Arc<CredentialStore>) -> Self {
        Self { store: Ok(store) }
    }

    /// A keychain that has no store at all.
    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self {
            store: Err(reason.into()),
        }
    }

    /// `Ok` if secrets can be kept, else why not.
    pub fn status(&self) -> std::result::Result<(), String> {
        self.store.as_ref().map(|_| ()).map_err(Clone::clone)
    }

    fn probe(&self) -> std::result::Result<(), String> {
        let entry = self.entry("probe")?;
        match entry.get_secret() {
            Ok(_) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(format!("the OS keyring does not answer ({e})")),
        }
    }

    fn entry(&self, account: &str) -> std::result::Result<Entry, String> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        Entry::new_in_store(store, SERVICE, account)
            .map_err(|e| format!("the OS keyring refused the entry ({e})"))
    }

    fn unavailable_error(reason: String) -> Error {
        Error::KeyringUnavailable(reason)
    }

    pub fn get(&self, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let entry = self.entry(account).map_err(Self::unavailable_error)?;
        match entry.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(Self::unavailable_error(e.to_string())),
        }
    }

    pub fn set(&self, account: &str, secret: &[u8]) -> Result<()> {
        let entry = self.entry(account).map_err(Self::unavailable_error)?;
        entry
            .set_secret(secret)
            .map_err(|e| Self::unavailable_error(e.to_string()))
    }

    pub fn delete(&self, account: &str) -> Result<()> {
        let entry = self.entry(account).map_err(Self::unavailable_error)?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(Self::unavailable_error(e.to_string())),
        }
    }
}

/// Account names: one per vault, so two vaults never share a secret.
pub(crate) fn device_secret_account(vault_id_hex: &str) -> String {
    format!("device-secret/{vault_id_hex}")
}

pub(crate) fn quick_unlock_account(vault_id_hex: &str) -> String {
    format!("quick-unlock/{vault_id_hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_store_round_trip_and_delete() {
        let k = Keychain::with_store(keyring_core::mock::Store::new().unwrap());
        assert!(k.status().is_ok());
        assert_eq!(k.get("a").unwrap(), None);
        k.set("a", b"secret").unwrap();
        assert_eq!(k.get("a").unwrap().unwrap().as_slice(), b"secret");
        k.delete("a").unwrap();
        k.delete("a").unwrap();
        assert_eq!(k.get("a").unwrap(), None);
    }

    #[test]
    fn an_unavailable_keychain_says_why() {
        let k = Keychain::unavailable("no bus");
        assert_eq!(k.status().unwrap_err(), "no bus");
        assert_eq!(k.get("a").unwrap_err().code(), "keyring.unavailable");
    }
}
