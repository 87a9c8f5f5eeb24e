//! `rotate`, `restore`, `policy` and `status`: keeping values fresh.

use crate::output::{self, outln, print_json, summary_json, table};
use crate::{GeneratorArgs, PolicyArgs, RotateSource};
use serde_json::json;
use tessera_core::health::{Action, Finding, HealthReport, HealthSettings, ItemHealth, Problem, Severity};
use tessera_core::oauth::{HttpOptions, OAuthConfig};
use tessera_core::rotation::{Generator, RotationPolicy};
use tessera_core::{Error, ItemEdit, Result, Rotation, Vault, Zeroizing};

/// Who the audit log says rotated a value.
const ACTOR: &str = "tessera CLI";

pub struct RotateRequest<'a> {
    pub name: &'a str,
    pub source: &'a RotateSource,
    pub generator: &'a GeneratorArgs,
    pub reason: &'a str,
    pub expires_at: Option<Option<i64>>,
    /// A new refresh token for an OAuth token signed in again.
    pub refresh_token: Option<Zeroizing<String>>,
}

/// The new value: from stdin, from the flags, or from the item's generator.
async fn new_value(vault: &mut Vault, r: &RotateRequest<'_>) -> Result<Zeroizing<String>> {
    if r.source.value_stdin {
        return crate::secrets::read_stdin_value();
    }
    if r.source.generate {
        return Generator {
            length: r.generator.length,
            alphabet: r.generator.alphabet.parse()?,
            prefix: r.generator.prefix.clone(),
            group: 0,
        }
        .generate();
    }
    let view = vault.item(r.name).await?;
    match view.summary.policy.and_then(|p| p.generator) {
        Some(g) => g.generate(),
        None => Err(Error::invalid(format!(
            "{:?} has no generator: pass --value-stdin or --generate, or set one with `tessera policy NAME --gen-length N`",
            view.summary.name
        ))),
    }
}

/// A token item with an OAuth configuration rotates by the refresh-token
/// grant at its token endpoint.
async fn refresh(vault: &mut Vault, name: &str, json: bool) -> Result<bool> {
    let view = vault.item(name).await?;
    if OAuthConfig::from_details(&view.details)?.is_none() {
        return Ok(false);
    }
    let out = vault.refresh_oauth(name, &HttpOptions::default()).await?;
    if json {
        print_json(&summary_json(&out.summary))?;
    } else {
        let rotated = if out.refresh_token_rotated {
            "; the server rotated the refresh token too"
        } else {
            ""
        };
        eprintln!(
            "Refreshed {:?}: new access token as version {}{rotated}.",
            out.summary.name, out.version
        );
    }
    Ok(true)
}

pub async fn rotate(vault: &mut Vault, r: RotateRequest<'_>, json: bool) -> Result<()> {
    if !r.source.value_stdin && !r.source.generate && refresh(vault, r.name, json).await? {
        return Ok(());
    }
    let value = new_value(vault, &r).await?;
    if let Some(refresh_token) = r.refresh_token {
        let out = vault
            .reauthorize_oauth(r.name, value, refresh_token, None)
            .await?;
        if json {
            print_json(&summary_json(&out.summary))?;
        } else {
            eprintln!(
                "Stored the new tokens of {:?} (version {}).",
                out.summary.name, out.version
            );
        }
        return Ok(());
    }
    let s = vault
        .rotate_with(
            r.name,
            Rotation {
                value,
                reason: r.reason.to_owned(),
                actor: ACTOR.into(),
                expires_at: r.expires_at,
            },
        )
        .await?;
    if json {
        print_json(&summary_json(&s))?;
    } else {
        let grace = s.policy.as_ref().and_then(|p| p.grace_days).unwrap_or(0);
        let kept = if grace > 0 {
            format!("the previous value stays available for {grace} day(s) (`tessera get NAME --previous`), and in the history after that")
        } else {
            "the previous value is kept in its history".into()
        };
        eprintln!(
            "Rotated {:?} to version {}; {kept}.",
            s.name,
            s.version.unwrap_or(0)
        );
        if let Some(url) = s.policy.as_ref().and_then(|p| p.rotate_url.as_deref()) {
            eprintln!("Update it at the service: {url}");
        }
    }
    Ok(())
}

pub async fn restore(vault: &mut Vault, name: &str, version: i64, json: bool) -> Result<()> {
    let s = vault.restore_version(name, version, ACTOR).await?;
    if json {
        print_json(&summary_json(&s))?;
    } else {
        eprintln!(
            "Version {version} of {:?} is current again, as version {}.",
            s.name,
            s.version.unwrap_or(0)
        );
    }
    Ok(())
}

fn updated_policy(current: Option<RotationPolicy>, a: &PolicyArgs) -> Result<RotationPolicy> {
    let mut p = current.unwrap_or_default();
    if let Some(d) = a.max_age {
        p.max_age_days = Some(d);
    }
    if let Some(d) = a.warn {
        p.warn_days = Some(d);
    }
    if let Some(d) = a.grace {
        p.grace_days = Some(d);
    }
    if let Some(u) = &a.rotate_url {
        p.rotate_url = (!u.is_empty()).then(|| u.clone());
    }
    let touches_generator =
        a.gen_length.is_some() || a.gen_prefix.is_some() || a.gen_alphabet.is_some() || a.gen_group.is_some();
    if touches_generator {
        let mut g = p.generator.take().unwrap_or_default();
        if let Some(n) = a.gen_length {
            g.length = n;
        }
        if let Some(prefix) = &a.gen_prefix {
            g.prefix = prefix.clone();
        }
        if let Some(alpha) = &a.gen_alphabet {
            g.alphabet = alpha.parse()?;
        }
        if let Some(n) = a.gen_group {
            g.group = n;
        }
        p.generator = Some(g);
    }
    Ok(p)
}

fn days(d: Option<u32>) -> String {
    d.map_or_else(|| "-".into(), |d| format!("{d} days"))
}

pub async fn policy(vault: &mut Vault, name: &str, args: &PolicyArgs, clear: bool, json: bool) -> Result<()> {
    let view = vault.item(name).await?;
    let changes = clear
        || args.max_age.is_some()
        || args.warn.is_some()
        || args.grace.is_some()
        || args.rotate_url.is_some()
        || args.gen_length.is_some()
        || args.gen_prefix.is_some()
        || args.gen_alphabet.is_some()
        || args.gen_group.is_some();
    let s = if changes {
        let p = if clear {
            None
        } else {
            Some(updated_policy(view.summary.policy.clone(), args)?).filter(|p| !p.is_empty())
        };
        let edit = ItemEdit {
            policy: Some(p),
            ..Default::default()
        };
        vault.edit(name, edit).await?
    } else {
        view.summary
    };
    if json {
        return print_json(&json!({ "id": s.id, "name": s.name, "policy": s.policy }));
    }
    if changes {
        eprintln!("Updated the policy of {:?}.", s.name);
    }
    let Some(p) = &s.policy else {
        return outln!("{} has no rotation policy.", s.name);
    };
    outln!("Max age   {}", days(p.max_age_days))?;
    outln!("Warn      {} before", days(Some(p.warn_days())))?;
    outln!("Grace     {}", days(p.grace_days))?;
    if let Some(g) = &p.generator {
        let group = if g.group > 0 {
            format!(", dash every {}", g.group)
        } else {
            String::new()
        };
        outln!(
            "Generator {:?} + {} {:?} characters{group}",
            g.prefix,
            g.length,
            g.alphabet
        )?;
    }
    if let Some(u) = &p.rotate_url {
        outln!("Rotate at {u}")?;
    }
    Ok(())
}

fn describe(p: &Problem) -> String {
    match p {
        Problem::Expired { at } => format!("expired {}", output::date(*at)),
        Problem::Expiring { at } => format!("expires {}", output::date(*at)),
        Problem::RotationOverdue { due_at } => format!("rotation overdue since {}", output::date(*due_at)),
        Problem::RotationDue { due_at } => format!("rotation due {}", output::date(*due_at)),
        Problem::NeverRotated { since } => format!("never rotated, set {}", output::date(*since)),
        Problem::SharedValue { with } => format!("same value as {}", with.join(", ")),
        Problem::Weak { score } => format!("weak value (strength {score}/4)"),
        Problem::InGrace { until } => format!("previous value valid until {}", output::date(*until)),
        Problem::NeedsReauth => "the token endpoint refused the refresh token".into(),
    }
}

/// A name as the shell reads it, quoted only when it needs to be.
fn quote(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./@".contains(c))
    {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

/// What to do about a finding, in one sentence that names the command.
fn advice(item: &ItemHealth, f: &Finding) -> String {
    let name = quote(&item.name);
    let at_service = item
        .rotate_url
        .as_deref()
        .map(|u| format!(" at {u}"))
        .unwrap_or_default();
    let why = match f.problem {
        Problem::Expired { .. } => "Expired; replace it",
        Problem::Expiring { .. } => "Expires soon; replace it before then",
        Problem::RotationOverdue { .. } => "Overdue for rotation; rotate it",
        Problem::RotationDue { .. } => "Due for rotation soon; rotate it",
        Problem::NeverRotated { .. } => "Never rotated",
        Problem::SharedValue { .. } => "The same value is in other items; give each its own",
        Problem::Weak { .. } => "Easy to guess",
        Problem::InGrace { .. } => "The previous value still works during the grace period",
        Problem::NeedsReauth => "The token endpoint refused the refresh token",
    };
    match f.action {
        Action::Rotate => format!("{why}: `tessera rotate {name}`, then update the service{at_service}"),
        Action::ReplaceAtService => format!(
            "{why}: issue a new value at the service{at_service}, then `tessera rotate {name} --value-stdin`"
        ),
        Action::Strengthen => {
            format!("{why}; rotate it to a generated value: `tessera rotate {name} --generate`")
        }
        Action::SetPolicy => {
            format!("{why}; rotate it, or give it a policy: `tessera policy {name} --max-age DAYS`")
        }
        Action::RevokePrevious => format!(
            "{why}; revoke it at the service{at_service} once every client uses the new one"
        ),
        Action::Reauthorize => format!(
            "{why}; sign in to the service{at_service} again and store the new tokens (`tessera rotate {name} --value-stdin --refresh-token-file FILE`)"
        ),
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::Warning => "warning",
        Severity::Notice => "notice",
    }
}

pub async fn status(vault: &mut Vault, never_rotated_days: u32, json: bool) -> Result<()> {
    let settings = HealthSettings {
        never_rotated_days,
        ..Default::default()
    };
    let report: HealthReport = vault.health(&settings).await?;
    if json {
        let v = serde_json::to_value(&report).map_err(|e| Error::Io(e.to_string()))?;
        return print_json(&v);
    }
    if report.items.is_empty() {
        return outln!("All {} items are healthy.", report.checked);
    }
    let mut rows = Vec::new();
    for item in &report.items {
        for (i, f) in item.findings.iter().enumerate() {
            rows.push(vec![
                if i == 0 { item.name.clone() } else { String::new() },
                severity(f.severity).to_owned(),
                describe(&f.problem),
            ]);
        }
    }
    table(&["ITEM", "LEVEL", "PROBLEM"], &rows)?;
    outln!("")?;
    outln!("What to do:")?;
    for item in &report.items {
        for f in &item.findings {
            outln!("  {}: {}", item.name, advice(item, f))?;
        }
    }
    outln!("")?;
    outln!(
        "{} of {} items need attention: {} critical, {} warning, {} notice.",
        report.items.len(),
        report.checked,
        report.critical,
        report.warning,
        report.notice
    )
}
