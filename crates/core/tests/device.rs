//! Quick unlock and the device secret, with keyring-core's in-memory store
//! and, when TESSERA_REAL_KEYRING=1 (set by scripts/test.sh inside a
//! dbus-run-session with gnome-keyring), with the real Secret Service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use tessera_core::crypto::KdfParams;
use tessera_core::keychain::Keychain;
use tessera_core::{ItemDetails, ItemKind, ItemMeta, LockedVault, NewItem, Vault, Zeroizing};

const PW: &str = "device test password";

fn mock() -> Keychain {
    Keychain::with_store(keyring_core::mock::Store::new().unwrap())
}

async fn vault_with_item(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("v.db");
    let mut v = Vault::create(&path, PW, KdfParams::FLOOR).await.unwrap();
    v.add(NewItem {
        kind: ItemKind::Secret,
        meta: ItemMeta {
            name: "s".into(),
            ..Default::default()
        },
        details: ItemDetails::default(),
        value: Zeroizing::new("value".into()),
        expires_at: None,
    })
    .await
    .unwrap();
    v.close().await.unwrap();
    path
}

fn later(ms: i64) -> i64 {
    chrono::Utc::now().timestamp_millis() + ms
}

async fn check_quick_unlock(keychain: &Keychain) {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_item(dir.path()).await;
    let locked = LockedVault::open(&path).await.unwrap();
    assert_eq!(locked.quick_unlock_until(), None);
    assert_eq!(
        locked.quick_unlock(keychain).await.err().unwrap().code(),
        "quick_unlock.off"
    );

    let mut v = LockedVault::open(&path).await.unwrap().unlock(PW).await.unwrap();
    let e = v
        .enable_quick_unlock("wrong", later(60_000), keychain)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "crypto.wrong_password");
    v.enable_quick_unlock(PW, later(60_000), keychain).await.unwrap();
    v.close().await.unwrap();

    let locked = LockedVault::open(&path).await.unwrap();
    assert!(locked.quick_unlock_until().is_some());
    let mut v = locked.quick_unlock(keychain).await.unwrap();
    assert_eq!(*v.value("s").await.unwrap(), "value");

    // A password change invalidates it.
    v.change_password(PW, "another password", None).await.unwrap();
    v.close().await.unwrap();
    let locked = LockedVault::open(&path).await.unwrap();
    assert_eq!(
        locked.quick_unlock(keychain).await.err().unwrap().code(),
        "quick_unlock.off"
    );

    // Expiry: the password is asked again.
    let mut v = LockedVault::open(&path)
        .await
        .unwrap()
        .unlock("another password")
        .await
        .unwrap();
    v.enable_quick_unlock("another password", later(300), keychain)
        .await
        .unwrap();
    v.close().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let locked = LockedVault::open(&path).await.unwrap();
    assert_eq!(
        locked.quick_unlock(keychain).await.err().unwrap().code(),
        "quick_unlock.expired"
    );
}

async fn check_device_secret(keychain: &Keychain) {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_item(dir.path()).await;
    let mut v = LockedVault::open(&path).await.unwrap().unlock(PW).await.unwrap();
    let (ds, kit) = v.new_recovery_kit().unwrap();
    v.enable_device_secret(PW, ds, keychain).await.unwrap();
    assert!(v.device_secret_enabled());
    v.close().await.unwrap();

    // The password alone no longer opens it; with the keyring it does.
    let e = LockedVault::open(&path)
        .await
        .unwrap()
        .unlock(PW)
        .await
        .err()
        .unwrap();
    assert_eq!(e.code(), "vault.device_secret_missing");
    let mut v = LockedVault::open(&path)
        .await
        .unwrap()
        .unlock_with_keychain(PW, keychain)
        .await
        .unwrap();
    assert_eq!(*v.value("s").await.unwrap(), "value");
    // Password changes keep the device secret in the derivation.
    v.change_password(PW, "pw2", None).await.unwrap();
    let vault_id = v.id_hex();
    v.close().await.unwrap();
    let e = LockedVault::open(&path)
        .await
        .unwrap()
        .unlock_with_keychain(PW, keychain)
        .await
        .err()
        .unwrap();
    assert_eq!(e.code(), "crypto.wrong_password");

    // On a device without the secret, the recovery kit restores it.
    let other_device = mock();
    let e = LockedVault::open(&path)
        .await
        .unwrap()
        .unlock_with_keychain("pw2", &other_device)
        .await
        .err()
        .unwrap();
    assert_eq!(e.code(), "vault.device_secret_missing");
    let locked = LockedVault::open(&path).await.unwrap();
    assert_eq!(locked.id_hex(), vault_id);
    locked.restore_device_secret(&kit.secret, &other_device).unwrap();
    let mut v = locked.unlock_with_keychain("pw2", &other_device).await.unwrap();

    // Switching it off returns to the password alone.
    v.disable_device_secret("pw2", &other_device).await.unwrap();
    v.close().await.unwrap();
    LockedVault::open(&path)
        .await
        .unwrap()
        .unlock("pw2")
        .await
        .unwrap();
}

#[tokio::test]
async fn quick_unlock_with_the_in_memory_keyring() {
    check_quick_unlock(&mock()).await;
}

#[tokio::test]
async fn device_secret_with_the_in_memory_keyring() {
    check_device_secret(&mock()).await;
}

#[tokio::test]
async fn without_a_keyring_nothing_is_switched_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = vault_with_item(dir.path()).await;
    let none = Keychain::unavailable("no Secret Service");
    let mut v = LockedVault::open(&path).await.unwrap().unlock(PW).await.unwrap();
    let (ds, _) = v.new_recovery_kit().unwrap();
    assert_eq!(
        v.enable_device_secret(PW, ds, &none).await.unwrap_err().code(),
        "keyring.unavailable"
    );
    assert_eq!(
        v.enable_quick_unlock(PW, later(60_000), &none)
            .await
            .unwrap_err()
            .code(),
        "keyring.unavailable"
    );
    v.close().await.unwrap();
    // The password still works.
    LockedVault::open(&path)
        .await
        .unwrap()
        .unlock_with_keychain(PW, &none)
        .await
        .unwrap();
}

/// Against gnome-keyring over D-Bus; scripts/test.sh runs it in a private session.
#[tokio::test]
async fn real_secret_service() {
    if std::env::var("TESSERA_REAL_KEYRING").as_deref() != Ok("1") {
        eprintln!("skipped: set TESSERA_REAL_KEYRING=1 inside a D-Bus session with a Secret Service");
        return;
    }
    let keychain = tokio::task::spawn_blocking(Keychain::system).await.unwrap();
    keychain.status().expect("the Secret Service should be reachable");
    check_quick_unlock(&keychain).await;
    check_device_secret(&keychain).await;
}
