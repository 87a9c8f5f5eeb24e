//! `tessera prefs` and `tessera profile`: parse, call the core, render.
//! Every rule (keys, ranges, profiles) lives in `tessera_core::prefs`.

use crate::commands::unlock;
use crate::output::{outln, print_json, table};
use crate::{Cli, PrefsCommand, ProfileCommand};
use serde_json::json;
use tessera_core::prefs::{self, Entry, ProfileInfo};
use tessera_core::{Error, Filters, ItemKind, Result};

fn entry_json(e: &Entry) -> serde_json::Value {
    json!({
        "key": e.key,
        "section": e.section,
        "value": e.value,
        "default": e.default,
        "allowed": e.allowed,
        "description": e.description,
    })
}

fn profile_json(p: &ProfileInfo) -> serde_json::Value {
    json!({
        "name": p.name,
        "active": p.active,
        "appearance": p.appearance,
        "filters": p.filters,
    })
}

pub async fn prefs(cli: &Cli, command: &PrefsCommand) -> Result<()> {
    match command {
        PrefsCommand::List { profile } => {
            let mut vault = unlock(cli).await?;
            let entries = vault.profile_preferences(profile.as_deref()).await?.entries();
            if cli.json {
                print_json(&json!(entries.iter().map(entry_json).collect::<Vec<_>>()))?;
            } else {
                let rows: Vec<Vec<String>> = entries
                    .iter()
                    .map(|e| {
                        let mark = if e.value == e.default { "" } else { "*" };
                        vec![
                            e.key.to_owned(),
                            format!("{}{mark}", e.value),
                            e.description.to_owned(),
                        ]
                    })
                    .collect();
                table(&["KEY", "VALUE", "DESCRIPTION"], &rows)?;
                eprintln!(
                    "* differs from the default. `tessera prefs list --json` shows what each key allows."
                );
            }
            vault.close().await
        }
        PrefsCommand::Get { key, profile } => {
            // Check the key before asking for the password.
            let info = prefs::find_key(key)?;
            let mut vault = unlock(cli).await?;
            let p = vault.profile_preferences(profile.as_deref()).await?;
            let value = p.get(info.key)?;
            if cli.json {
                let e = p.entries().into_iter().find(|e| e.key == info.key);
                print_json(
                    &e.as_ref()
                        .map(entry_json)
                        .unwrap_or_else(|| json!({"key": info.key, "value": value})),
                )?;
            } else {
                outln!("{value}")?;
            }
            vault.close().await
        }
        PrefsCommand::Set { key, value, profile } => {
            // Parse against a throw-away copy first: bad input never needs
            // the password, and the core checks it again before writing.
            prefs::Preferences::default().set(key, value)?;
            let mut vault = unlock(cli).await?;
            let e = vault.set_preference(key, value, profile.as_deref()).await?;
            if cli.json {
                print_json(&entry_json(&e))?;
            } else {
                eprintln!("Set {} to {}.", e.key, e.value);
            }
            vault.close().await
        }
        PrefsCommand::Reset { target, profile } => {
            let mut vault = unlock(cli).await?;
            let keys = vault
                .reset_preferences(target.as_deref(), profile.as_deref())
                .await?;
            if cli.json {
                print_json(&json!({ "reset": keys }))?;
            } else {
                match &keys[..] {
                    [one] => eprintln!("Reset {one} to its default."),
                    many => eprintln!("Reset {} preferences to their defaults.", many.len()),
                }
            }
            vault.close().await
        }
        PrefsCommand::Export { file } => {
            let mut vault = unlock(cli).await?;
            let text = vault.export_preferences().await?;
            std::fs::write(file, format!("{text}\n"))
                .map_err(|e| Error::Io(format!("cannot write {}: {e}", file.display())))?;
            if cli.json {
                print_json(&json!({ "file": file }))?;
            } else {
                eprintln!("Wrote the preferences to {}.", file.display());
            }
            vault.close().await
        }
        PrefsCommand::Import { file } => {
            let bytes = std::fs::read(file)
                .map_err(|e| Error::invalid(format!("cannot read {}: {e}", file.display())))?;
            // A bad file is refused before the password is asked for.
            prefs::parse_file(&bytes)?;
            let mut vault = unlock(cli).await?;
            let r = vault.import_preferences(&bytes).await?;
            if cli.json {
                print_json(&json!(r))?;
            } else {
                eprintln!(
                    "Imported the preferences and {} profile(s); {:?} is active.",
                    r.profiles, r.active
                );
            }
            vault.close().await
        }
    }
}

pub async fn profile(cli: &Cli, command: &ProfileCommand) -> Result<()> {
    let mut vault = unlock(cli).await?;
    match command {
        ProfileCommand::List => {
            let ps = vault.profiles().await?;
            if cli.json {
                print_json(&json!(ps.iter().map(profile_json).collect::<Vec<_>>()))?;
            } else {
                let rows: Vec<Vec<String>> = ps
                    .iter()
                    .map(|p| {
                        let kinds: Vec<&str> = p.filters.kinds.iter().map(|k| k.as_str()).collect();
                        vec![
                            if p.active { "*".into() } else { String::new() },
                            p.name.clone(),
                            p.appearance.theme.to_string(),
                            p.filters.tags.join(","),
                            kinds.join(","),
                        ]
                    })
                    .collect();
                table(&["", "NAME", "THEME", "TAGS", "KINDS"], &rows)?;
            }
        }
        ProfileCommand::Create { name } => {
            let p = vault.create_profile(name).await?;
            done(cli, &p, &format!("Created profile {:?}.", p.name))?;
        }
        ProfileCommand::Switch { name } => {
            let p = vault.switch_profile(name).await?;
            done(cli, &p, &format!("Switched to profile {:?}.", p.name))?;
        }
        ProfileCommand::Rename { old, new } => {
            let p = vault.rename_profile(old, new).await?;
            done(cli, &p, &format!("Renamed profile {old:?} to {:?}.", p.name))?;
        }
        ProfileCommand::Delete { name } => {
            vault.delete_profile(name).await?;
            let active = vault.active_profile().await?;
            if cli.json {
                print_json(&json!({ "deleted": name, "active": active.name }))?;
            } else {
                eprintln!("Deleted profile {name:?}; {:?} is active.", active.name);
            }
        }
        ProfileCommand::Filters { name, tags, kinds } => {
            let kinds = kinds
                .iter()
                .map(|k| k.parse::<ItemKind>())
                .collect::<Result<Vec<_>>>()?;
            let p = vault
                .set_profile_filters(
                    name,
                    Filters {
                        tags: tags.clone(),
                        kinds,
                    },
                )
                .await?;
            done(cli, &p, &format!("Updated the filters of profile {:?}.", p.name))?;
        }
    }
    vault.close().await
}

fn done(cli: &Cli, p: &ProfileInfo, message: &str) -> Result<()> {
    if cli.json {
        print_json(&profile_json(p))
    } else {
        eprintln!("{message}");
        Ok(())
    }
}
