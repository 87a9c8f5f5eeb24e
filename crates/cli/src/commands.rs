//! One function per command: parse, call the core, render.

use crate::agent;
use crate::output::{self, outln, print_json, summary_json, table};
use crate::rotation;
use crate::secrets;
use crate::ConsentAction;
use crate::{Cli, Command, GeneratorArgs, KdfArgs, ValueSource};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::ffi::OsString;
use std::future::Future;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tessera_core::agent::protocol::Want;
use tessera_core::crypto::KdfParams;
use tessera_core::keychain::Keychain;
use tessera_core::refs::{self, EnvPlan, Masker, Resolver, SecretRef, Template};
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
            group: 0,
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

/// Runs one command; the exit code is 0 except for `run`, which passes on
/// its child's.
pub async fn run(cli: Cli) -> Result<u8> {
    let done = match &cli.command {
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
            oauth,
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
                    ..Default::default()
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
            let item = match &oauth.token_endpoint {
                Some(endpoint) => oauth_item(kind, item, endpoint, oauth)?,
                None => item,
            };
            let s = vault.add(item).await?;
            if cli.json {
                print_json(&summary_json(&s))?;
            } else {
                eprintln!("Added {} {:?}.", s.kind, s.name);
            }
            vault.close().await
        }
        Command::Get {
            name,
            field,
            previous,
        } => {
            let parsed: Field = field.parse()?;
            if !previous {
                if let Some(value) = via_agent(&cli, name, field).await? {
                    if cli.json {
                        print_json(&json!({ "name": name, "value": value.as_str() }))?;
                    } else {
                        outln!("{}", value.as_str())?;
                    }
                    return Ok(0);
                }
            }
            let field = parsed;
            let mut vault = unlock(&cli).await?;
            let value = if *previous {
                vault.previous_value(name).await?
            } else {
                vault.field(name, &field).await?
            };
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
            let path = vault_path(&cli)?;
            let from_agent = match agent::unlocked_agent(&path).await? {
                Some(mut a) => Some(agent::list_via(&mut a, search.clone(), kind.clone(), tag.clone()).await),
                None => None,
            };
            let mut direct = None;
            let (items, damaged) = match from_agent {
                Some(Ok(listed)) => listed,
                other => {
                    if let Some(Err(e)) = other {
                        fallback_allowed(&cli, e)?;
                    }
                    let mut vault = unlock(&cli).await?;
                    let items = vault.list(&q).await?;
                    let damaged: Vec<String> = vault.load_index().await?.damaged().to_vec();
                    direct = Some(vault);
                    (items, damaged)
                }
            };
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
            match direct {
                Some(v) => v.close().await,
                None => Ok(()),
            }
        }
        Command::Show { name, reveal } => {
            let mut vault = unlock(&cli).await?;
            let view = vault.item(name).await?;
            let value = if *reveal {
                Some(vault.value(name).await?)
            } else {
                None
            };
            // A token's claims are shown without its value; reading them
            // means opening the value.
            let claims = if view.summary.kind == ItemKind::Token {
                tessera_core::jwt::decode(&vault.value(name).await?)
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
                if let Some(c) = &claims {
                    v["jwt"] = json!({
                        "alg": c.algorithm, "iss": c.issuer, "sub": c.subject, "aud": c.audience,
                        "scope": c.scopes, "exp": c.expires_at.map(output::time),
                        "iat": c.issued_at.map(output::time), "nbf": c.not_before.map(output::time),
                    });
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
                if let Some(t) = s.value_set_at {
                    lines.push(("Rotated", output::time(t)));
                }
                if let Some(p) = &s.policy {
                    let mut rules = Vec::new();
                    if let Some(d) = p.max_age_days {
                        rules.push(format!("rotate every {d} days"));
                    }
                    if let Some(d) = p.grace_days {
                        rules.push(format!("{d} days' grace"));
                    }
                    if p.generator.is_some() {
                        rules.push("generated".into());
                    }
                    lines.push(("Policy", rules.join(", ")));
                    if let Some(u) = &p.rotate_url {
                        lines.push(("Rotate at", u.clone()));
                    }
                }
                if let Some(c) = &claims {
                    let mut jwt = Vec::new();
                    if let Some(v) = &c.issuer {
                        jwt.push(format!("iss {v}"));
                    }
                    if let Some(v) = &c.subject {
                        jwt.push(format!("sub {v}"));
                    }
                    if !c.audience.is_empty() {
                        jwt.push(format!("aud {}", c.audience.join(" ")));
                    }
                    if !c.scopes.is_empty() {
                        jwt.push(format!("scope {}", c.scopes.join(" ")));
                    }
                    if let Some(v) = c.issued_at {
                        jwt.push(format!("iat {}", output::time(v)));
                    }
                    if let Some(v) = c.expires_at {
                        jwt.push(format!("exp {}", output::time(v)));
                    }
                    lines.push(("JWT", jwt.join("; ")));
                }
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
                policy: None,
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
                    return vault.close().await.map(|()| 0);
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
            expires,
            no_expires,
            refresh_token_file,
        } => {
            let expires_at = match (expires, no_expires) {
                (_, true) => Some(None),
                (Some(e), false) => Some(Some(parse_expiry(e)?)),
                (None, false) => None,
            };
            let mut vault = unlock(&cli).await?;
            let refresh_token = refresh_token_file
                .as_deref()
                .map(|p| secrets::read_file(p, "refresh token"))
                .transpose()?;
            let request = rotation::RotateRequest {
                name,
                source,
                generator,
                reason,
                expires_at,
                refresh_token,
            };
            rotation::rotate(&mut vault, request, cli.json).await?;
            vault.close().await
        }
        Command::Restore { name, version } => {
            let mut vault = unlock(&cli).await?;
            rotation::restore(&mut vault, name, *version, cli.json).await?;
            vault.close().await
        }
        Command::Policy { name, policy, clear } => {
            let mut vault = unlock(&cli).await?;
            rotation::policy(&mut vault, name, policy, *clear, cli.json).await?;
            vault.close().await
        }
        Command::Agent {
            idle_timeout,
            unlock,
            stop,
        } => {
            let path = vault_path(&cli)?;
            if *stop {
                agent::lock(&path, true).await
            } else {
                LockedVault::open(&path).await?.close().await?;
                let password = if *unlock {
                    Some(secrets::master_password(cli.password_file.as_deref())?)
                } else {
                    None
                };
                agent::serve(path, Duration::from_secs((*idle_timeout).max(1)), password).await
            }
        }
        Command::Unlock { idle_timeout } => {
            let path = vault_path(&cli)?;
            agent::unlock(&cli, &path, Duration::from_secs((*idle_timeout).max(1))).await
        }
        Command::Lock => agent::lock(&vault_path(&cli)?, false).await,
        Command::Consent { action } => consent(&cli, action).await,
        Command::Status { never_rotated_days } => {
            let mut vault = unlock(&cli).await?;
            rotation::status(&mut vault, *never_rotated_days, cli.json).await?;
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
        Command::Read { reference } => {
            let reference: SecretRef = reference.parse()?;
            let mut source = resolver_for(&cli, vec![reference.clone()], None).await?;
            let value = refs::resolve(&mut source, &reference).await;
            source.close().await?;
            let value = value?;
            if cli.json {
                print_json(&json!({ "reference": reference.to_string(), "value": value.as_str() }))
            } else {
                outln!("{}", value.as_str())
            }
        }
        Command::Run {
            env_files,
            no_masking,
            command,
        } => return run_with_references(&cli, env_files, *no_masking, command).await,
        Command::Inject { input, output, force } => inject(&cli, input, output.as_deref(), *force).await,
    };
    done.map(|()| 0)
}

/// Stands in for the vault when there is nothing to resolve, so that no
/// password is asked for.
struct NoReferences;

impl Resolver for NoReferences {
    fn resolve(&mut self, reference: &SecretRef) -> impl Future<Output = Result<Zeroizing<String>>> + Send {
        let reference = reference.to_string();
        async move { Err(Error::invalid(format!("{reference} was not expected here"))) }
    }
}

/// Resolves every reference of the environment and the env files with the
/// vault, closes the vault (dropping its keys), and only then starts the
/// command.
async fn run_with_references(
    cli: &Cli,
    env_files: &[PathBuf],
    no_masking: bool,
    command: &[OsString],
) -> Result<u8> {
    let mut plan = EnvPlan::new();
    // Variables that are not UTF-8 cannot be references; they are inherited as they are.
    plan.add_environment(
        std::env::vars_os()
            .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?))),
    )?;
    for file in env_files {
        let bytes = Zeroizing::new(
            std::fs::read(file)
                .map_err(|e| Error::invalid(format!("cannot read {}: {e}", file.display())))?,
        );
        plan.add_env_file(&file.display().to_string(), &bytes)?;
    }
    let resolved = if plan.references().next().is_some() {
        let program = command.first().and_then(|c| agent::program_path(c));
        let mut source = resolver_for(cli, plan.references().cloned().collect(), program).await?;
        let resolved = plan.resolve(&mut source).await;
        source.close().await?;
        resolved?
    } else {
        plan.resolve(&mut NoReferences).await?
    };
    let masker = Some(Masker::new(resolved.secrets.iter().map(|s| s.as_str())))
        .filter(|m| !no_masking && !m.is_empty());
    drop(resolved.secrets);
    crate::run::run_child(command, resolved.vars, masker).await
}

async fn inject(cli: &Cli, input: &Path, output: Option<&Path>, force: bool) -> Result<()> {
    let bytes = Zeroizing::new(
        std::fs::read(input).map_err(|e| Error::invalid(format!("cannot read {}: {e}", input.display())))?,
    );
    let in_file = |e: Error| match e {
        Error::Invalid(m) => Error::Invalid(format!("{}: {m}", input.display())),
        other => other,
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| in_file(Error::invalid("not valid UTF-8")))?;
    let template = Template::parse(text).map_err(in_file)?;
    if let Some(out) = output {
        refs::check_output_free(out, force)?;
    }
    let rendered = if template.references().next().is_some() {
        let mut source = resolver_for(cli, template.references().cloned().collect(), None).await?;
        let rendered = template.render(&mut source).await;
        source.close().await?;
        rendered?
    } else {
        template.render(&mut NoReferences).await?
    };
    match output {
        Some(out) => {
            refs::write_private_file(out, rendered.as_bytes(), force)?;
            if cli.json {
                print_json(&json!({ "file": out, "references": template.references().count() }))?;
            } else {
                eprintln!("Wrote {}.", out.display());
            }
            Ok(())
        }
        None => output::write_raw(rendered.as_bytes()),
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

/// After the agent failed mid-request: go on with a direct unlock if the
/// password can be had without the agent, else report the failure.
fn fallback_allowed(cli: &Cli, e: Error) -> Result<()> {
    if e.code() != "agent.lost" {
        return Err(e);
    }
    if cli.password_file.is_some() || std::io::stdin().is_terminal() {
        eprintln!("warning[agent.lost]: {e}; unlocking the vault directly");
        Ok(())
    } else {
        Err(Error::AgentLost(e.to_string()))
    }
}

/// One field through an unlocked agent; `None` when there is none (or it
/// went away and a direct unlock can take over).
async fn via_agent(cli: &Cli, name: &str, field: &str) -> Result<Option<Zeroizing<String>>> {
    let path = vault_path(cli)?;
    let Some(mut client) = agent::unlocked_agent(&path).await? else {
        return Ok(None);
    };
    let want = Want {
        item: name.to_owned(),
        field: field.to_owned(),
    };
    match agent::secrets_via(&mut client, vec![want], None).await {
        Ok(mut values) => Ok(values.pop()),
        Err(e) => fallback_allowed(cli, e).map(|()| None),
    }
}

async fn consent(cli: &Cli, action: &ConsentAction) -> Result<()> {
    let mut vault = unlock(cli).await?;
    match action {
        ConsentAction::List => {
            let grants = vault.grants().await?;
            if cli.json {
                print_json(&json!(grants))?;
            } else if grants.is_empty() {
                outln!("No program has a lasting decision.")?;
            } else {
                let rows: Vec<Vec<String>> = grants
                    .iter()
                    .map(|g| {
                        vec![
                            g.id.clone(),
                            g.decision.as_str().to_owned(),
                            g.item_name.clone(),
                            g.executable.clone(),
                            output::date(g.created_at),
                        ]
                    })
                    .collect();
                table(&["ID", "DECISION", "ITEM", "PROGRAM", "SINCE"], &rows)?;
            }
        }
        ConsentAction::Allow { program, item } | ConsentAction::Deny { program, item } => {
            let decision = if matches!(action, ConsentAction::Allow { .. }) {
                tessera_core::consent::Decision::Always
            } else {
                tessera_core::consent::Decision::Deny
            };
            let program = std::path::absolute(program).map_err(|e| Error::invalid(e.to_string()))?;
            let g = vault
                .record_grant(&program.display().to_string(), item, decision)
                .await?;
            if cli.json {
                print_json(&json!(g))?;
            } else {
                eprintln!(
                    "{} {} may {}read {:?} through the agent.",
                    g.id,
                    g.executable,
                    if decision.allows() { "" } else { "not " },
                    g.item_name
                );
            }
        }
        ConsentAction::Revoke { id } => {
            let g = vault.revoke_grant(id).await?;
            eprintln!(
                "Forgot the decision for {} and {:?}; it will be asked again.",
                g.executable, g.item_name
            );
        }
    }
    vault.close().await
}

/// Resolves through an unlocked agent when one runs (asking once for all
/// of `refs`), else opens the vault here.
async fn resolver_for(
    cli: &Cli,
    refs: Vec<SecretRef>,
    for_program: Option<String>,
) -> Result<agent::AnyResolver> {
    let path = vault_path(cli)?;
    if let Some(mut client) = agent::unlocked_agent(&path).await? {
        match agent::AgentResolver::fetch(&mut client, refs, for_program).await {
            Ok(r) => return Ok(agent::AnyResolver::Agent(r)),
            Err(e) => fallback_allowed(cli, e)?,
        }
    }
    Ok(agent::AnyResolver::Vault(Box::new(unlock(cli).await?)))
}

/// An OAuth token item from `add`'s flags: the value read is the access token.
fn oauth_item(kind: ItemKind, item: NewItem, endpoint: &str, args: &crate::OAuthArgs) -> Result<NewItem> {
    if kind != ItemKind::Token {
        return Err(Error::invalid(
            "--token-endpoint is for token items (`tessera add token`)",
        ));
    }
    let secret = args
        .client_secret_file
        .as_deref()
        .map(|p| secrets::read_file(p, "client secret"))
        .transpose()?;
    let cfg =
        tessera_core::oauth::OAuthConfig::new(endpoint, args.client_id.clone().unwrap_or_default(), secret)?;
    let refresh = match &args.refresh_token_file {
        Some(p) => secrets::read_file(p, "refresh token")?,
        None => return Err(Error::invalid("an OAuth token needs --refresh-token-file")),
    };
    let mut new = NewItem::oauth(
        item.meta.clone(),
        &cfg,
        item.value.clone(),
        &refresh,
        item.expires_at,
    )?;
    new.details.notes = item.details.notes.clone();
    new.details.username = item.details.username.clone();
    new.details.url = item.details.url.clone();
    Ok(new)
}
