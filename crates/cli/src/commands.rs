//! One function per command: parse, call the core, render.

use crate::output::{self, outln, print_json, summary_json, table};
use crate::secrets;
use crate::{Cli, Command, GeneratorArgs, KdfArgs, ValueSource};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tessera_core::crypto::KdfParams;
use tessera_core::keychain::Keychain;
use tessera_core::rotation::Generator;
use tessera_core::transfer::{self, ImportFormat};
use tessera_core::{
    Error, Field, ItemDetails, ItemEdit, ItemKind, ItemMeta, LockedVault, NewItem, Query, Result, Vault,
    Zeroizing,
};

fn vault_path(cli: &Cli) -> Result<PathBuf> {
    cli.vault
        .clone()
        .or_else(tessera_core::store::default_vault_path)
        .ok_or_else(|| Error::invalid("cannot find a home for the vault: set --vault or TESSERA_VAULT"))
}

pub(crate) async fn unlock(cli: &Cli) -> Result<Vault> {
    let path = vault_path(cli)?;
    let locked = LockedVault::open(&path).await?;
    let password = secrets::master_password(cli.password_file.as_deref())?;
    unlock_locked(locked, &password).await
}

/// The OS keyring is asked only for vaults that use a device secret.
async fn unlock_locked(locked: LockedVault, password: &str) -> Result<Vault> {
    if locked.needs_device_secret() {
        let keychain = Keychain::system();
        locked.unlock_with_keychain(password, &keychain).await
    } else {
        locked.unlock(password).await
    }
}

/// Parses `YYYY-MM-DD` (midnight UTC) or an RFC 3339 date-time.
fn parse_expiry(s: &str) -> Result<i64> {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc().timestamp_millis());
        }
    }
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|_| Error::invalid(format!("{s:?} is not a date (expected YYYY-MM-DD)")))
}

fn parse_add_kind(s: &str) -> Result<ItemKind> {
    match s.parse()? {
        k @ (ItemKind::ApiKey | ItemKind::Token | ItemKind::Secret) => Ok(k),
        other => Err(Error::invalid(format!(
            "{other} items are not added with `tessera add` (expected api-key, token or secret)"
        ))),
    }
}

fn value_from(source: &ValueSource, g: &GeneratorArgs) -> Result<Zeroizing<String>> {
    if source.generate {
        Generator {
            length: g.length,
            alphabet: g.alphabet.parse()?,
            prefix: g.prefix.clone(),
        }
        .generate()
    } else {
        secrets::read_stdin_value()
    }
}

fn kdf_params(args: &KdfArgs, current: Option<KdfParams>) -> Result<Option<KdfParams>> {
    let base = current.unwrap_or(KdfParams {
        memory_kib: KdfParams::DEFAULT_MEMORY_KIB,
        iterations: KdfParams::MIN_DEFAULT_ITERATIONS,
        parallelism: KdfParams::DEFAULT_PARALLELISM,
    });
    let memory_kib = match args.kdf_memory_mib {
        Some(m) => m
            .checked_mul(1024)
            .ok_or_else(|| Error::invalid("--kdf-memory-mib is too large"))?,
        None => base.memory_kib,
    };
    let parallelism = args.kdf_parallelism.unwrap_or(base.parallelism);
    let params = match args.kdf_iterations {
        Some(t) => KdfParams {
            memory_kib,
            iterations: t,
            parallelism,
        },
        None if current.is_none() => {
            eprintln!("Calibrating the key derivation to about one second on this machine...");
            KdfParams::calibrate(memory_kib, parallelism, Duration::from_secs(1))?
        }
        None if args.kdf_memory_mib.is_none() && args.kdf_parallelism.is_none() => return Ok(None),
        None => KdfParams {
            memory_kib,
            iterations: base.iterations,
            parallelism,
        },
    };
    params.check()?;
    Ok(Some(params))
}

pub async fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Init(kdf) => init(&cli, kdf).await,
        Command::Add {
            kind,
            name,
            service,
            env_var,
            scopes,
            tags,
            expires,
            notes,
            username,
            url,
            source,
            generator,
        } => {
            let kind = parse_add_kind(kind)?;
            let expires_at = expires.as_deref().map(parse_expiry).transpose()?;
            let mut vault = unlock(&cli).await?;
            let value = value_from(source, generator)?;
            let item = NewItem {
                kind,
                meta: ItemMeta {
                    name: name.clone(),
                    service: service.clone(),
                    tags: tags.clone(),
                    env_var: env_var.clone(),
                    scopes: scopes.clone(),
                },
                details: ItemDetails {
                    notes: notes.clone(),
                    username: username.clone(),
                    url: url.clone(),
                    fields: Vec::new(),
                },
                value,
                expires_at,
            };
            let s = vault.add(item).await?;
            if cli.json {
                print_json(&summary_json(&s))?;
            } else {
                eprintln!("Added {} {:?}.", s.kind, s.name);
            }
            vault.close().await
        }
        Command::Get { name, field } => {
            let field: Field = field.parse()?;
            let mut vault = unlock(&cli).await?;
            let value = vault.field(name, &field).await?;
            if cli.json {
                print_json(&json!({ "name": name, "value": value.as_str() }))?;
            } else {
                outln!("{}", value.as_str())?;
            }
            vault.close().await
        }
        Command::List { kind, tag, search } => {
            let q = Query {
                text: search.clone(),
                kind: kind.as_deref().map(str::parse).transpose()?,
                tag: tag.clone(),
            };
            let mut vault = unlock(&cli).await?;
            let items = vault.list(&q).await?;
            let damaged: Vec<String> = vault.load_index().await?.damaged().to_vec();
            if cli.json {
                print_json(&json!(items.iter().map(summary_json).collect::<Vec<_>>()))?;
            } else {
                let rows: Vec<Vec<String>> = items
                    .iter()
                    .map(|s| {
                        vec![
                            s.name.clone(),
                            s.kind.to_string(),
                            s.service.clone().unwrap_or_default(),
                            s.expires_at.map(output::date).unwrap_or_default(),
                            s.tags.join(","),
                        ]
                    })
                    .collect();
                table(&["NAME", "KIND", "SERVICE", "EXPIRES", "TAGS"], &rows)?;
            }
            for d in damaged {
                eprintln!("warning[vault.corrupt]: {d}");
            }
            vault.close().await
        }
        Command::Show { name, reveal } => {
            let mut vault = unlock(&cli).await?;
            let view = vault.item(name).await?;
            let value = if *reveal {
                Some(vault.value(name).await?)
            } else {
                None
            };
            let s = &view.summary;
            let d = &view.details;
            if cli.json {
                let mut v = summary_json(s);
                v["notes"] = json!(d.notes);
                v["username"] = json!(d.username);
                v["url"] = json!(d.url);
                v["versions"] = json!(view.versions);
                v["fields"] = json!(d
                    .fields
                    .iter()
                    .map(|f| json!({"name": f.name, "hidden": f.hidden,
                        "value": if f.hidden && !reveal { None } else { Some(&f.value) }}))
                    .collect::<Vec<_>>());
                if let Some(val) = &value {
                    v["value"] = json!(val.as_str());
                }
                print_json(&v)?;
            } else {
                let mut lines = vec![
                    ("Name", s.name.clone()),
                    ("Kind", s.kind.to_string()),
                    ("Id", s.id.clone()),
                ];
                let opt = |lines: &mut Vec<(&str, String)>, k, v: &Option<String>| {
                    if let Some(v) = v {
                        lines.push((k, v.clone()));
                    }
                };
                opt(&mut lines, "Service", &s.service);
                opt(&mut lines, "Env", &s.env_var);
                opt(&mut lines, "Username", &d.username);
                opt(&mut lines, "URL", &d.url);
                if !s.scopes.is_empty() {
                    lines.push(("Scopes", s.scopes.join(", ")));
                }
                if !s.tags.is_empty() {
                    lines.push(("Tags", s.tags.join(", ")));
                }
                lines.push(("Created", output::time(s.created_at)));
                lines.push(("Updated", output::time(s.updated_at)));
                if let Some(e) = s.expires_at {
                    lines.push(("Expires", output::time(e)));
                }
                lines.push(("Versions", view.versions.to_string()));
                for (k, v) in lines {
                    outln!("{k:<9} {v}")?;
                }
                for f in &d.fields {
                    let shown = if f.hidden && !reveal {
                        "••••••••"
                    } else {
                        f.value.as_str()
                    };
                    outln!("{:<9} {}: {shown}", "Field", f.name)?;
                }
                if let Some(n) = &d.notes {
                    outln!("Notes     {n}")?;
                }
                match &value {
                    Some(v) => outln!("Value     {}", v.as_str())?,
                    None => outln!("Value     •••••••• (use --reveal or `tessera get`)")?,
                }
            }
            vault.close().await
        }
        Command::Edit {
            name,
            new_name,
            service,
            env_var,
            scopes,
            tags,
            expires,
            no_expires,
            notes,
            username,
            url,
            clear,
        } => {
            let mut edit = ItemEdit {
                name: new_name.clone(),
                service: service.clone().map(Some),
                env_var: env_var.clone().map(Some),
                tags: (!tags.is_empty()).then(|| tags.clone()),
                scopes: (!scopes.is_empty()).then(|| scopes.clone()),
                notes: notes.clone().map(Some),
                username: username.clone().map(Some),
                url: url.clone().map(Some),
                expires_at: match (expires, no_expires) {
                    (_, true) => Some(None),
                    (Some(e), false) => Some(Some(parse_expiry(e)?)),
                    (None, false) => None,
                },
            };
            for c in clear {
                match c.as_str() {
                    "service" => edit.service = Some(None),
                    "env" => edit.env_var = Some(None),
                    "scopes" => edit.scopes = Some(Vec::new()),
                    "tags" => edit.tags = Some(Vec::new()),
                    "notes" => edit.notes = Some(None),
                    "username" => edit.username = Some(None),
                    "url" => edit.url = Some(None),
                    other => {
                        return Err(Error::invalid(format!(
                            "--clear {other:?}: expected service, env, scopes, tags, notes, username or url"
                        )))
                    }
                }
            }
            let mut vault = unlock(&cli).await?;
            let s = vault.edit(name, edit).await?;
            if cli.json {
                print_json(&summary_json(&s))?;
            } else {
                eprintln!("Updated {:?}.", s.name);
            }
            vault.close().await
        }
        Command::Rm { name, yes } => {
            let mut vault = unlock(&cli).await?;
            if !yes && std::io::stdin().is_terminal() {
                let view = vault.item(name).await?;
                eprint!(
                    "Delete {} {:?} and its {} value(s)? [y/N] ",
                    view.summary.kind, view.summary.name, view.versions
                );
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    eprintln!("Nothing deleted.");
                    return vault.close().await;
                }
            }
            let s = vault.remove(name).await?;
            if cli.json {
                print_json(&summary_json(&s))?;
            } else {
                eprintln!("Deleted {:?}.", s.name);
            }
            vault.close().await
        }
        Command::Rotate {
            name,
            source,
            generator,
            reason,
        } => {
            let mut vault = unlock(&cli).await?;
            let value = value_from(source, generator)?;
            let s = vault.rotate(name, &value, reason).await?;
            if cli.json {
                print_json(&summary_json(&s))?;
            } else {
                eprintln!("Rotated {:?}; the previous value is kept in its history.", s.name);
            }
            vault.close().await
        }
        Command::History { name, reveal } => {
            let mut vault = unlock(&cli).await?;
            let (s, versions) = vault.history(name).await?;
            if cli.json {
                let list: Vec<_> = versions
                    .iter()
                    .map(|v| {
                        json!({
                            "version": v.seq,
                            "created_at": output::time(v.created_at),
                            "retired_at": v.retired_at.map(output::time),
                            "current": v.retired_at.is_none(),
                            "value": reveal.then_some(v.value.as_str()),
                        })
                    })
                    .collect();
                print_json(&json!({ "id": s.id, "name": s.name, "versions": list }))?;
            } else {
                let rows: Vec<Vec<String>> = versions
                    .iter()
                    .map(|v| {
                        vec![
                            v.seq.to_string(),
                            output::time(v.created_at),
                            v.retired_at.map(output::time).unwrap_or_else(|| "current".into()),
                            if *reveal {
                                v.value.to_string()
                            } else {
                                "••••••••".into()
                            },
                        ]
                    })
                    .collect();
                table(&["VERSION", "CREATED", "RETIRED", "VALUE"], &rows)?;
            }
            vault.close().await
        }
        Command::Passwd {
            new_password_file,
            kdf,
        } => {
            let path = vault_path(&cli)?;
            let locked = LockedVault::open(&path).await?;
            let current_params = locked.kdf_params();
            let current = secrets::master_password(cli.password_file.as_deref())?;
            let mut vault = unlock_locked(locked, &current).await?;
            let new = secrets::new_password(new_password_file.as_deref(), "New master password")?;
            let params = kdf_params(kdf, Some(current_params))?;
            vault.change_password(&current, &new, params).await?;
            eprintln!("Master password changed.");
            vault.close().await
        }
        Command::Import {
            format,
            file,
            backup_password_file,
        } => import(&cli, format, file, backup_password_file.as_deref()).await,
        Command::Export {
            out,
            backup_password_file,
        } => {
            let locked = LockedVault::open(&vault_path(&cli)?).await?;
            let password = secrets::master_password(cli.password_file.as_deref())?;
            let mut vault = unlock_locked(locked, &password).await?;
            let backup_password = match backup_password_file {
                Some(p) => secrets::read_file(p, "backup password")?,
                None => password,
            };
            let n = vault.export_backup(out, &backup_password).await?;
            if cli.json {
                print_json(&json!({ "exported": n, "file": out }))?;
            } else {
                eprintln!("Wrote an encrypted backup of {n} item(s) to {}.", out.display());
            }
            vault.close().await
        }
        Command::RestoreDeviceSecret => {
            let locked = LockedVault::open(&vault_path(&cli)?).await?;
            eprintln!("Type the secret from the recovery kit, then press Enter:");
            let mut line = Zeroizing::new(String::new());
            std::io::stdin().read_line(&mut line)?;
            locked.restore_device_secret(&line, &Keychain::system())?;
            eprintln!("The device secret is back in this device's keyring.");
            locked.close().await
        }
        Command::Prefs { command } => crate::prefs::prefs(&cli, command).await,
        Command::Profile { command } => crate::prefs::profile(&cli, command).await,
        Command::Audit { verify } => {
            let mut vault = unlock(&cli).await?;
            let entries = vault.audit_log().await?;
            if cli.json {
                print_json(&json!(entries
                    .iter()
                    .map(
                        |e| json!({"seq": e.seq, "at": output::time(e.at), "action": e.action,
                                    "item_id": e.item_id, "detail": e.detail})
                    )
                    .collect::<Vec<_>>()))?;
            } else if *verify {
                outln!(
                    "The audit log is intact: {} entries, chain verified.",
                    entries.len()
                )?;
            } else {
                let rows: Vec<Vec<String>> = entries
                    .iter()
                    .map(|e| {
                        let action = serde_json::to_value(e.action)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default();
                        vec![e.seq.to_string(), output::time(e.at), action, e.detail.clone()]
                    })
                    .collect();
                table(&["SEQ", "AT", "ACTION", "DETAIL"], &rows)?;
            }
            vault.close().await
        }
    }
}

async fn init(cli: &Cli, kdf: &KdfArgs) -> Result<()> {
    let path = vault_path(cli)?;
    if path.exists() {
        return Err(Error::VaultExists(path.display().to_string()));
    }
    if cli.password_file.is_none() {
        eprintln!("Choose a master password. It cannot be recovered: if you forget it, the vault is lost.");
    }
    let password = secrets::new_password(cli.password_file.as_deref(), "Master password")?;
    let params = kdf_params(kdf, None)?.unwrap_or(KdfParams::FLOOR);
    let vault = Vault::create(&path, &password, params).await?;
    if cli.json {
        print_json(&json!({ "vault": path, "kdf": params }))?;
    } else {
        eprintln!(
            "Created {} (Argon2id m = {} MiB, t = {}, p = {}).",
            path.display(),
            params.memory_kib / 1024,
            params.iterations,
            params.parallelism
        );
    }
    vault.close().await
}

async fn import(cli: &Cli, format: &str, file: &Path, backup_password_file: Option<&Path>) -> Result<()> {
    let format: ImportFormat = format.parse()?;
    let bytes = Zeroizing::new(
        std::fs::read(file).map_err(|e| Error::invalid(format!("cannot read {}: {e}", file.display())))?,
    );
    let locked = LockedVault::open(&vault_path(cli)?).await?;
    let password = secrets::master_password(cli.password_file.as_deref())?;
    let parsed = match format {
        ImportFormat::TesseraBackup => {
            let backup_password = match backup_password_file {
                Some(p) => secrets::read_file(p, "backup password")?,
                None => password.clone(),
            };
            transfer::backup::decrypt(&bytes, &backup_password).await?
        }
        other => transfer::parse(other, &bytes)?,
    };
    let mut vault = unlock_locked(locked, &password).await?;
    let bar = if std::io::stderr().is_terminal() && !cli.json {
        let bar = ProgressBar::new(parsed.items.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} items") {
            bar.set_style(style);
        }
        Some(bar)
    } else {
        None
    };
    let mut progress = |done: usize, _total: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    };
    let report = vault.import_items(parsed, &mut progress).await?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if cli.json {
        print_json(&json!(report))?;
    } else {
        eprintln!("Imported {} item(s).", report.imported);
        for (from, to) in &report.renamed {
            eprintln!("  renamed {from:?} to {to:?} (another item had that name)");
        }
        if !report.skipped.is_empty() {
            eprintln!("Skipped {}:", report.skipped.len());
            for s in &report.skipped {
                eprintln!("  {}: {}", s.record, s.reason);
            }
        }
    }
    vault.close().await
}
