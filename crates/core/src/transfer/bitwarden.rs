//! Bitwarden's unencrypted JSON export. Logins become secrets (password as the
//! value, username and URL kept); secure notes become secrets holding the
//! note; hidden custom fields become items of their own; SSH keys become
//! secrets holding the private key. Cards and identities are reported as
//! skipped, as are passkeys until the passkey store lands.

use super::{json_error, kind_from_name, parse_time, ImportedItem, ImportedValue, Parsed, Skipped};
use crate::error::{Error, Result};
use crate::items::{CustomField, ItemDetails, ItemKind, ItemMeta};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Export {
    encrypted: bool,
    #[serde(default)]
    folders: Vec<Folder>,
    #[serde(default)]
    items: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Folder {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[serde(rename = "type")]
    kind: u8,
    name: String,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    folder_id: Option<String>,
    #[serde(default)]
    fields: Vec<Field>,
    #[serde(default)]
    login: Option<Login>,
    #[serde(default)]
    ssh_key: Option<SshKey>,
    #[serde(default)]
    password_history: Option<Vec<OldPassword>>,
    #[serde(default)]
    creation_date: Option<String>,
    #[serde(default)]
    revision_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OldPassword {
    #[serde(default)]
    last_used_date: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

#[derive(Deserialize)]
struct Field {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(rename = "type")]
    kind: u8,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Login {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    totp: Option<String>,
    #[serde(default)]
    uris: Option<Vec<Uri>>,
    #[serde(default)]
    fido2_credentials: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
struct Uri {
    #[serde(default)]
    uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SshKey {
    #[serde(default)]
    private_key: Option<String>,
    #[serde(default)]
    public_key: Option<String>,
    #[serde(default)]
    key_fingerprint: Option<String>,
}

fn filled(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|v| !v.trim().is_empty()).cloned()
}

fn value(v: String, at: Option<i64>) -> Vec<ImportedValue> {
    vec![ImportedValue {
        value: v,
        created_at: at,
        retired_at: None,
    }]
}

/// A login's earlier passwords become its retired versions, oldest first.
fn with_history(item: &Item, current: String, updated: Option<i64>) -> Vec<ImportedValue> {
    let mut old: Vec<(Option<i64>, String)> = match (item.kind, &item.password_history) {
        (1, Some(h)) => h
            .iter()
            .filter_map(|p| {
                Some((
                    p.last_used_date.as_deref().and_then(parse_time),
                    filled(&p.password)?,
                ))
            })
            .collect(),
        _ => Vec::new(),
    };
    old.sort_by_key(|(at, _)| *at);
    let mut versions: Vec<ImportedValue> = old
        .into_iter()
        .map(|(at, v)| ImportedValue {
            value: v,
            created_at: None,
            retired_at: at,
        })
        .collect();
    versions.extend(value(current, updated));
    versions
}

pub fn parse(bytes: &[u8]) -> Result<Parsed> {
    let export: Export = serde_json::from_slice(bytes)
        .map_err(|e| Error::Import(format!("not a Bitwarden JSON export: {}", json_error(&e))))?;
    if export.encrypted {
        return Err(Error::Import(
            "this Bitwarden export is encrypted; export it again as JSON (not encrypted)".into(),
        ));
    }
    let folders: HashMap<String, String> = export.folders.into_iter().map(|f| (f.id, f.name)).collect();
    let mut parsed = Parsed::default();
    for (i, raw) in export.items.into_iter().enumerate() {
        let item: Item = serde_json::from_value(raw)
            .map_err(|e| Error::Import(format!("item {}: {}", i + 1, json_error(&e))))?;
        let record = format!("item {} ({:?})", i + 1, item.name);
        let skip = |parsed: &mut Parsed, reason: &str| {
            parsed.skipped.push(Skipped {
                record: record.clone(),
                reason: reason.to_owned(),
            })
        };
        let created = item.creation_date.as_deref().and_then(parse_time);
        let updated = item.revision_date.as_deref().and_then(parse_time).or(created);
        let tags: Vec<String> = item
            .folder_id
            .as_ref()
            .and_then(|id| folders.get(id))
            .cloned()
            .into_iter()
            .collect();

        // Visible fields stay with the item; hidden ones become items.
        let mut fields = Vec::new();
        for f in &item.fields {
            let name = f.name.clone().unwrap_or_else(|| "field".into());
            match (f.kind, filled(&f.value)) {
                (1, Some(v)) => parsed.items.push(ImportedItem {
                    kind: kind_from_name(&name),
                    meta: ItemMeta {
                        name: format!("{} / {name}", item.name.trim()),
                        tags: tags.clone(),
                        ..Default::default()
                    },
                    details: ItemDetails::default(),
                    created_at: created,
                    updated_at: updated,
                    expires_at: None,
                    versions: value(v, updated),
                }),
                (0 | 2, Some(v)) => fields.push(CustomField {
                    name,
                    value: v,
                    hidden: false,
                }),
                (3, _) => skip(
                    &mut parsed,
                    &format!("linked field {name:?} points at another field; not kept"),
                ),
                _ => {}
            }
        }

        let mut details = ItemDetails {
            notes: filled(&item.notes),
            username: None,
            url: None,
            fields,
        };
        let main_value = match item.kind {
            1 => {
                let Some(login) = &item.login else {
                    skip(&mut parsed, "login item without login data");
                    continue;
                };
                details.username = filled(&login.username);
                let uris: Vec<String> = login
                    .uris
                    .iter()
                    .flatten()
                    .filter_map(|u| filled(&u.uri))
                    .collect();
                details.url = uris.first().cloned();
                for (k, extra) in uris.iter().enumerate().skip(1) {
                    details.fields.push(CustomField {
                        name: format!("url {}", k + 1),
                        value: extra.clone(),
                        hidden: false,
                    });
                }
                if let Some(t) = filled(&login.totp) {
                    details.fields.push(CustomField {
                        name: "totp".into(),
                        value: t,
                        hidden: true,
                    });
                }
                let passkeys = login.fido2_credentials.as_ref().map_or(0, Vec::len);
                if passkeys > 0 {
                    skip(
                        &mut parsed,
                        &format!("{passkeys} passkey(s) not imported: passkeys are not supported yet"),
                    );
                }
                match filled(&login.password) {
                    Some(p) => p,
                    None => {
                        if passkeys == 0 {
                            skip(&mut parsed, "login has no password");
                        }
                        continue;
                    }
                }
            }
            2 => match details.notes.take() {
                Some(n) => n,
                None => {
                    skip(&mut parsed, "secure note is empty");
                    continue;
                }
            },
            3 => {
                skip(&mut parsed, "payment cards are not supported");
                continue;
            }
            4 => {
                skip(
                    &mut parsed,
                    "identities (name and address records) are not supported",
                );
                continue;
            }
            5 => {
                let Some(key) = &item.ssh_key else {
                    skip(&mut parsed, "SSH key item without key data");
                    continue;
                };
                for (name, v) in [
                    ("public key", &key.public_key),
                    ("fingerprint", &key.key_fingerprint),
                ] {
                    if let Some(v) = filled(v) {
                        details.fields.push(CustomField {
                            name: name.into(),
                            value: v,
                            hidden: false,
                        });
                    }
                }
                match filled(&key.private_key) {
                    Some(k) => k,
                    None => {
                        skip(&mut parsed, "SSH key item has no private key");
                        continue;
                    }
                }
            }
            other => {
                skip(&mut parsed, &format!("unknown item type {other}"));
                continue;
            }
        };
        parsed.items.push(ImportedItem {
            kind: ItemKind::Secret,
            meta: ItemMeta {
                name: item.name.trim().to_owned(),
                tags,
                ..Default::default()
            },
            details,
            created_at: created,
            updated_at: updated,
            expires_at: None,
            versions: with_history(&item, main_value, updated),
        });
    }
    Ok(parsed)
}
