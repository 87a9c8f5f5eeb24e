//! Preferences on real vault files: what the lock screen can read before
//! unlock, what stays sealed, and an old vault gaining the new tables.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sqlx::{Connection, SqliteConnection};
use std::path::Path;
use tessera_core::crypto::KdfParams;
use tessera_core::prefs::Theme;
use tessera_core::{Filters, ItemDetails, ItemKind, ItemMeta, LockedVault, NewItem, Query, Vault, Zeroizing};

const PW: &str = "correct horse battery staple";

fn item(name: &str, kind: ItemKind, tags: &[&str]) -> NewItem {
    NewItem {
        kind,
        meta: ItemMeta {
            name: name.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        },
        details: ItemDetails::default(),
        value: Zeroizing::new("v".into()),
        expires_at: None,
    }
}

/// The vault file and any WAL beside it, as an attacker with the disk sees it.
fn file_bytes(path: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(b) = std::fs::read(std::path::PathBuf::from(p)) {
            all.extend(b);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn the_lock_screen_reads_the_active_profiles_appearance_before_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let mut v = Vault::create(&path, PW, KdfParams::FLOOR).await.unwrap();
    v.set_preference("theme", "dark", None).await.unwrap();
    v.create_profile("Work").await.unwrap();
    v.set_preference("theme", "high_contrast", Some("Work"))
        .await
        .unwrap();
    v.set_preference("text_size", "137.5%", Some("Work"))
        .await
        .unwrap();
    v.close().await.unwrap();

    let mut locked = LockedVault::open(&path).await.unwrap();
    assert_eq!(locked.appearance().await.unwrap().theme, Theme::Dark);
    let mut v = locked.unlock(PW).await.unwrap();
    v.switch_profile("work").await.unwrap();
    v.close().await.unwrap();

    let mut locked = LockedVault::open(&path).await.unwrap();
    let a = locked.appearance().await.unwrap();
    assert_eq!((a.theme, a.text_size), (Theme::HighContrast, 137.5));
    locked.close().await.unwrap();
}

#[tokio::test]
async fn only_appearance_is_plaintext_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let mut v = Vault::create(&path, PW, KdfParams::FLOOR).await.unwrap();
    v.set_preference("never_share_claims", "canaryclaim_zq", None)
        .await
        .unwrap();
    v.set_preference("sharing_default", "ask_once_per_site", None)
        .await
        .unwrap();
    v.set_preference("default_sort", "recently_updated", None)
        .await
        .unwrap();
    v.set_preference("auto_lock_minutes", "1234", None).await.unwrap();
    v.set_preference("accent_colour", "#c0ffee", None).await.unwrap();
    v.create_profile("CanaryProfileQx").await.unwrap();
    v.set_profile_filters(
        "CanaryProfileQx",
        Filters {
            tags: vec!["canarytag_qw".into()],
            kinds: vec![],
        },
    )
    .await
    .unwrap();
    let bytes = file_bytes(&path);
    for secret in [
        "canaryclaim_zq",
        "ask_once_per_site",
        "recently_updated",
        "auto_lock_minutes",
        "1234",
        "CanaryProfileQx",
        "canarytag_qw",
        "never_share_claims",
    ] {
        assert!(
            !contains(&bytes, secret),
            "{secret:?} is in plaintext in the vault file"
        );
    }
    // The appearance is plaintext on purpose: the lock screen needs it.
    assert!(contains(&bytes, "#c0ffee"));
    assert_eq!(
        v.preferences().await.unwrap().privacy.never_share_claims,
        ["canaryclaim_zq"]
    );
    v.close().await.unwrap();
}

#[tokio::test]
async fn a_vault_from_before_the_preferences_migration_opens_and_keeps_its_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let mut v = Vault::create(&path, PW, KdfParams::FLOOR).await.unwrap();
    let s = tessera_core::prefs::Settings {
        auto_lock_minutes: 11,
        clipboard_clear_seconds: 12,
        reveal_seconds: 13,
    };
    v.save_settings(&s).await.unwrap();
    v.close().await.unwrap();
    // Make it look like a file written before migration 3.
    let mut c = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    for sql in [
        "DROP TABLE appearance",
        "DROP TABLE active_profile",
        "DELETE FROM _sqlx_migrations WHERE version = 3",
    ] {
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
    c.close().await.unwrap();

    let mut locked = LockedVault::open(&path).await.unwrap();
    assert_eq!(locked.appearance().await.unwrap().theme, Theme::System);
    let mut v = locked.unlock(PW).await.unwrap();
    assert_eq!(v.settings().await.unwrap(), s);
    assert_eq!(v.profiles().await.unwrap().len(), 1);
    v.close().await.unwrap();
}

#[tokio::test]
async fn the_active_profiles_filters_narrow_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = Vault::create(&dir.path().join("v.db"), PW, KdfParams::FLOOR)
        .await
        .unwrap();
    v.add(item("aws", ItemKind::ApiKey, &["work"])).await.unwrap();
    v.add(item("gh", ItemKind::Token, &["work", "ci"])).await.unwrap();
    v.add(item("home-router", ItemKind::Secret, &["home"]))
        .await
        .unwrap();
    v.create_profile("Work").await.unwrap();
    v.set_profile_filters(
        "Work",
        Filters {
            tags: vec!["Work".into()],
            kinds: vec![ItemKind::ApiKey, ItemKind::Token],
        },
    )
    .await
    .unwrap();
    let all = Query::default();
    assert_eq!(v.list_in_profile(&all).await.unwrap().len(), 3);
    v.switch_profile("Work").await.unwrap();
    let names: Vec<String> = v
        .list_in_profile(&all)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(names, ["aws", "gh"]);
    let q = Query {
        text: Some("gh".into()),
        ..Default::default()
    };
    assert_eq!(v.list_in_profile(&q).await.unwrap().len(), 1);
    v.close().await.unwrap();
}
