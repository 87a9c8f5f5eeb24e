//! References resolved by a real vault on a real file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tessera_core::crypto::KdfParams;
use tessera_core::refs::{self, EnvPlan, SecretRef, Template};
use tessera_core::{CustomField, ItemDetails, ItemKind, ItemMeta, NewItem, Vault, Zeroizing};

async fn vault_with_items(dir: &std::path::Path) -> Vault {
    let mut v = Vault::create(&dir.join("vault.db"), "pw for refs", KdfParams::FLOOR)
        .await
        .unwrap();
    v.add(NewItem {
        kind: ItemKind::ApiKey,
        meta: ItemMeta {
            name: "team/prod db".into(),
            ..Default::default()
        },
        details: ItemDetails {
            username: Some("admin".into()),
            fields: vec![CustomField {
                name: "Replica URL".into(),
                value: "postgres://replica".into(),
                hidden: false,
            }],
            notes: None,
            url: None,
        },
        value: Zeroizing::new("s3cret-db-value".into()),
        expires_at: None,
    })
    .await
    .unwrap();
    v
}

#[tokio::test]
async fn the_vault_resolves_values_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = vault_with_items(dir.path()).await;
    for (text, expected) in [
        ("tessera://team%2Fprod%20db", "s3cret-db-value"),
        ("tessera://TEAM%2FPROD%20DB/username", "admin"),
        ("tessera://team%2Fprod db/replica%20url", "postgres://replica"),
    ] {
        let r: SecretRef = text.parse().unwrap();
        assert_eq!(
            refs::resolve(&mut v, &r).await.unwrap().as_str(),
            expected,
            "{text}"
        );
    }
    for missing in [
        "tessera://nope",
        "tessera://team%2Fprod%20db/url",
        "tessera://team%2Fprod%20db/other",
    ] {
        let r: SecretRef = missing.parse().unwrap();
        let e = refs::resolve(&mut v, &r).await.unwrap_err();
        assert_eq!(e.code(), "ref.not_found", "{missing}");
        assert!(e.to_string().contains(&r.to_string()), "{e}");
    }

    let t =
        Template::parse("user={{ tessera://team%2Fprod%20db/username }} pw={{tessera://team%2Fprod%20db}}")
            .unwrap();
    assert_eq!(
        t.render(&mut v).await.unwrap().as_str(),
        "user=admin pw=s3cret-db-value"
    );

    let mut plan = EnvPlan::new();
    plan.add_environment([("DB".to_owned(), "tessera://team%2Fprod%20db".to_owned())])
        .unwrap();
    let env = plan.resolve(&mut v).await.unwrap();
    assert_eq!(env.vars[0].1.as_str(), "s3cret-db-value");
    v.close().await.unwrap();
}
