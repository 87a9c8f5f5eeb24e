//! Secret references, `tessera://ITEM[/FIELD]`, and what `tessera read`,
//! `run` and `inject` build on them: an environment plan, templates, a
//! resolver, a streaming masker for a child's output and a private atomic
//! file write. Starting processes is the CLI's business, not this module's.
//!
//! ITEM and FIELD are percent-decoded, so a name holding `/` is written
//! `%2F` (and `%` itself `%25`); the field defaults to the item's value.
//! Every reference is resolved before anything is started or written: one
//! missing item or field and nothing happens (`ref.not_found`).

use crate::error::{Error, Result};
use crate::items::Field;
use crate::vault::Vault;
use std::collections::hash_map::{Entry, HashMap};
use std::fmt;
use std::future::Future;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use zeroize::Zeroizing;

pub const SCHEME: &str = "tessera://";

/// What a masked secret is replaced with in a child's output.
pub const CONCEALED: &str = "<concealed by tessera>";

/// Values shorter than this (in characters) are not masked: they would
/// rewrite ordinary output (`on`, `42`, `yes`), and hiding them protects
/// nothing worth the noise.
pub const MIN_MASKED_CHARS: usize = 4;

/// A reference to one field of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRef {
    pub item: String,
    pub field: Field,
}

impl SecretRef {
    pub fn new(item: impl Into<String>, field: Field) -> Self {
        SecretRef {
            item: item.into(),
            field,
        }
    }

    /// True when `text` is meant as a reference (it may still be malformed).
    pub fn is_reference(text: &str) -> bool {
        text.starts_with(SCHEME)
    }
}

fn invalid_ref(text: &str, why: &str) -> Error {
    Error::invalid(format!("{text:?} is not a valid tessera:// reference: {why}"))
}

impl FromStr for SecretRef {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let Some(rest) = text.strip_prefix(SCHEME) else {
            return Err(invalid_ref(text, "it does not start with tessera://"));
        };
        if rest.chars().any(char::is_control) {
            return Err(invalid_ref(text, "it contains a control character"));
        }
        let mut parts = rest.split('/');
        let item_part = parts.next().unwrap_or_default();
        let field_part = parts.next();
        if parts.next().is_some() {
            return Err(invalid_ref(
                text,
                "it has more than one '/'; write a '/' inside a name as %2F",
            ));
        }
        let item = percent_decode(item_part).map_err(|why| invalid_ref(text, why))?;
        if item.trim().is_empty() {
            return Err(invalid_ref(text, "the item name is empty"));
        }
        let field = match field_part {
            None => Field::Value,
            Some(part) => {
                let name = percent_decode(part).map_err(|why| invalid_ref(text, why))?;
                if name.is_empty() {
                    return Err(invalid_ref(
                        text,
                        "the field name after '/' is empty (leave out the '/' for the value)",
                    ));
                }
                name.parse()?
            }
        };
        Ok(SecretRef { item, field })
    }
}

/// The canonical form, which parses back to the same reference.
impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SCHEME)?;
        f.write_str(&percent_encode(&self.item))?;
        if self.field != Field::Value {
            f.write_str("/")?;
            f.write_str(&percent_encode(field_name(&self.field)))?;
        }
        Ok(())
    }
}

/// The name a reference uses for a field.
pub fn field_name(field: &Field) -> &str {
    match field {
        Field::Value => "value",
        Field::Name => "name",
        Field::Service => "service",
        Field::Env => "env",
        Field::Username => "username",
        Field::Url => "url",
        Field::Notes => "notes",
        Field::Custom(name) => name,
    }
}

fn percent_decode(part: &str) -> std::result::Result<String, &'static str> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) => out.push(b),
                None => return Err("'%' must be followed by two hex digits (write '%' itself as %25)"),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "a percent-encoded name is not UTF-8")
}

/// Encodes only what would be read differently: `%`, `/`, whitespace,
/// control characters and braces (which end a template placeholder).
fn percent_encode(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        if matches!(c, '%' | '/' | '{' | '}') || c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---- resolving ----------------------------------------------------------------

/// Where references get their values: the unlocked vault here, an agent
/// process in the CLI later. A missing item or field may be reported as
/// `Error::NotFound` / `Error::FieldNotFound`; [`resolve`] turns those into
/// `ref.not_found`.
pub trait Resolver {
    fn resolve(&mut self, reference: &SecretRef) -> impl Future<Output = Result<Zeroizing<String>>> + Send;
}

impl Resolver for Vault {
    fn resolve(&mut self, reference: &SecretRef) -> impl Future<Output = Result<Zeroizing<String>>> + Send {
        self.field(&reference.item, &reference.field)
    }
}

/// Resolves one reference; a missing item or field is `ref.not_found`,
/// naming the reference.
pub async fn resolve<R: Resolver>(resolver: &mut R, reference: &SecretRef) -> Result<Zeroizing<String>> {
    resolver.resolve(reference).await.map_err(|e| match e {
        Error::NotFound(_) | Error::FieldNotFound { .. } => Error::RefNotFound {
            reference: reference.to_string(),
            detail: e.to_string(),
        },
        other => other,
    })
}

/// Adds where a reference was found to its `ref.not_found` error.
fn found_in(e: Error, place: &str) -> Error {
    match e {
        Error::RefNotFound { reference, detail } => Error::RefNotFound {
            reference,
            detail: format!("{detail} ({place})"),
        },
        other => other,
    }
}

// ---- environments -----------------------------------------------------------

/// A variable for the child: a plain value, or a reference to resolve.
#[derive(Clone)]
pub enum EnvValue {
    Plain(Zeroizing<String>),
    Reference(SecretRef),
}

/// Plain values from an env file may be secrets too: never printed.
impl fmt::Debug for EnvValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvValue::Plain(_) => f.write_str("Plain(..)"),
            EnvValue::Reference(r) => write!(f, "Reference({r})"),
        }
    }
}

/// The variables `tessera run` sets in the child's environment, on top of
/// the inherited one. A later setting of a name replaces an earlier one, so
/// env files (added after the environment) win, and the last file wins.
#[derive(Debug, Clone, Default)]
pub struct EnvPlan {
    vars: Vec<(String, EnvValue)>,
}

/// The resolved environment, and the vault values in it (to mask).
pub struct ResolvedEnv {
    pub vars: Vec<(String, Zeroizing<String>)>,
    pub secrets: Vec<Zeroizing<String>>,
}

impl EnvPlan {
    pub fn new() -> Self {
        Self::default()
    }

    fn set(&mut self, name: &str, value: EnvValue) {
        self.vars.retain(|(n, _)| n != name);
        self.vars.push((name.to_owned(), value));
    }

    /// Takes the variables whose whole value is a reference; the others are
    /// left to be inherited as they are.
    pub fn add_environment(&mut self, vars: impl IntoIterator<Item = (String, String)>) -> Result<()> {
        for (name, value) in vars {
            if SecretRef::is_reference(&value) {
                let reference = value
                    .parse()
                    .map_err(|e: Error| Error::invalid(format!("${name}: {e}")))?;
                self.set(&name, EnvValue::Reference(reference));
            }
        }
        Ok(())
    }

    /// Every `KEY=value` of a dotenv file; values that are a whole
    /// reference are resolved, the others set as they are. `label` names
    /// the file in errors.
    pub fn add_env_file(&mut self, label: &str, bytes: &[u8]) -> Result<()> {
        let assignments = crate::transfer::dotenv::assignments(bytes)
            .map_err(|e| Error::invalid(format!("{label}: line {}: {}", e.line, e.message)))?;
        for a in assignments {
            let value = if SecretRef::is_reference(&a.value) {
                let reference = a
                    .value
                    .parse()
                    .map_err(|e: Error| Error::invalid(format!("{label}: line {}: {e}", a.line)))?;
                EnvValue::Reference(reference)
            } else {
                EnvValue::Plain(a.value)
            };
            self.set(&a.key, value);
        }
        Ok(())
    }

    pub fn vars(&self) -> &[(String, EnvValue)] {
        &self.vars
    }

    /// The references to resolve, one per variable.
    pub fn references(&self) -> impl Iterator<Item = &SecretRef> {
        self.vars.iter().filter_map(|(_, v)| match v {
            EnvValue::Reference(r) => Some(r),
            EnvValue::Plain(_) => None,
        })
    }

    /// Resolves every reference; the first that fails stops it all.
    pub async fn resolve<R: Resolver>(&self, resolver: &mut R) -> Result<ResolvedEnv> {
        let mut vars = Vec::with_capacity(self.vars.len());
        let mut secrets = Vec::new();
        for (name, value) in &self.vars {
            let resolved = match value {
                EnvValue::Plain(v) => v.clone(),
                EnvValue::Reference(r) => {
                    let v = resolve(resolver, r)
                        .await
                        .map_err(|e| found_in(e, &format!("in ${name}")))?;
                    secrets.push(v.clone());
                    v
                }
            };
            vars.push((name.clone(), resolved));
        }
        Ok(ResolvedEnv { vars, secrets })
    }
}

// ---- templates ----------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Reference { reference: SecretRef, line: usize },
}

/// A text with `{{ tessera://... }}` placeholders. Only `{{` followed by
/// optional spaces and `tessera://` opens one, so the `{{ }}` of other
/// template languages passes through; an opened placeholder must close with
/// `}}` on the same line. Everything else is copied verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl FromStr for Template {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Template::parse(text)
    }
}

impl Template {
    pub fn parse(text: &str) -> Result<Self> {
        let mut parts = Vec::new();
        let mut literal_start = 0;
        let mut search_from = 0;
        while let Some(found) = text[search_from..].find("{{") {
            let open = search_from + found;
            let inner_start = open + 2;
            let after_open = text[inner_start..].trim_start_matches([' ', '\t']);
            if !after_open.starts_with(SCHEME) {
                // Not ours: keep it as text, and look again one byte on so
                // `{{{ tessera://x }}}` still finds its placeholder.
                search_from = open + 1;
                continue;
            }
            let line = text[..open].matches('\n').count() + 1;
            let line_end = text[inner_start..]
                .find('\n')
                .map_or(text.len(), |p| inner_start + p);
            let Some(close) = text[inner_start..line_end].find("}}") else {
                return Err(Error::invalid(format!(
                    "line {line}: a {{{{ tessera:// placeholder is not closed with }}}} on the same line"
                )));
            };
            let inner = text[inner_start..inner_start + close].trim_matches([' ', '\t']);
            let reference = inner
                .parse()
                .map_err(|e: Error| Error::invalid(format!("line {line}: {e}")))?;
            if literal_start < open {
                parts.push(Part::Text(text[literal_start..open].to_owned()));
            }
            parts.push(Part::Reference { reference, line });
            literal_start = inner_start + close + 2;
            search_from = literal_start;
        }
        if literal_start < text.len() {
            parts.push(Part::Text(text[literal_start..].to_owned()));
        }
        Ok(Template { parts })
    }

    pub fn references(&self) -> impl Iterator<Item = &SecretRef> {
        self.parts.iter().filter_map(|p| match p {
            Part::Reference { reference, .. } => Some(reference),
            Part::Text(_) => None,
        })
    }

    /// Resolves every placeholder (each distinct reference once), then
    /// builds the whole text; nothing is returned if one fails.
    pub async fn render<R: Resolver>(&self, resolver: &mut R) -> Result<Zeroizing<String>> {
        let mut values: HashMap<String, Zeroizing<String>> = HashMap::new();
        for part in &self.parts {
            if let Part::Reference { reference, line } = part {
                let key = reference.to_string();
                if let Entry::Vacant(slot) = values.entry(key) {
                    let v = resolve(resolver, reference)
                        .await
                        .map_err(|e| found_in(e, &format!("on line {line}")))?;
                    slot.insert(v);
                }
            }
        }
        let mut out = Zeroizing::new(String::new());
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Reference { reference, .. } => {
                    if let Some(v) = values.get(&reference.to_string()) {
                        out.push_str(v);
                    }
                }
            }
        }
        Ok(out)
    }
}

// ---- masking ------------------------------------------------------------------

/// Whether a value is long enough to be masked (see [`MIN_MASKED_CHARS`]).
pub fn maskable(value: &str) -> bool {
    value.chars().count() >= MIN_MASKED_CHARS
}

/// Rewrites a byte stream, replacing every occurrence of a secret value with
/// [`CONCEALED`]. Chunking never changes the output: bytes that may begin a
/// value are held back (at most the longest value's length minus one) until
/// the next chunk decides; everything else is passed on at once. Where values
/// overlap, the longest one starting first wins.
#[derive(Clone)]
pub struct Masker {
    /// Longest first.
    secrets: Vec<Zeroizing<Vec<u8>>>,
    /// Which bytes begin some secret: every other byte passes straight on.
    starts: [bool; 256],
    pending: Zeroizing<Vec<u8>>,
}

impl Masker {
    pub fn new<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Self {
        let mut secrets: Vec<Zeroizing<Vec<u8>>> = values
            .into_iter()
            .filter(|v| maskable(v.as_ref()))
            .map(|v| Zeroizing::new(v.as_ref().as_bytes().to_vec()))
            .collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a[..].cmp(&b[..])));
        secrets.dedup_by(|a, b| a[..] == b[..]);
        let mut starts = [false; 256];
        for s in &secrets {
            if let Some(&first) = s.first() {
                starts[usize::from(first)] = true;
            }
        }
        Masker {
            secrets,
            starts,
            pending: Zeroizing::new(Vec::new()),
        }
    }

    /// True when there is nothing to mask (every value was too short).
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// Feeds one chunk; appends to `out` everything that is decided.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        self.pending.extend_from_slice(chunk);
        self.process(out, false);
    }

    /// End of the stream: the held-back bytes go out (masked if complete).
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        self.process(out, true);
    }

    fn process(&mut self, out: &mut Vec<u8>, at_end: bool) {
        let buf = Zeroizing::new(std::mem::take(&mut *self.pending));
        let mut i = 0;
        while i < buf.len() {
            if !self.starts[usize::from(buf[i])] {
                let run = buf[i..]
                    .iter()
                    .position(|&b| self.starts[usize::from(b)])
                    .map_or(buf.len(), |p| i + p);
                out.extend_from_slice(&buf[i..run]);
                i = run;
                continue;
            }
            let rest = &buf[i..];
            let may_grow_into_longer = || {
                self.secrets
                    .iter()
                    .any(|s| s.len() > rest.len() && s.starts_with(rest))
            };
            if !at_end && may_grow_into_longer() {
                self.pending.extend_from_slice(rest);
                return;
            }
            match self.secrets.iter().find(|s| rest.starts_with(s)) {
                Some(s) => {
                    out.extend_from_slice(CONCEALED.as_bytes());
                    i += s.len();
                }
                None => {
                    out.push(buf[i]);
                    i += 1;
                }
            }
        }
    }
}

// ---- output files -------------------------------------------------------------

fn already_exists(path: &Path) -> Error {
    Error::invalid(format!(
        "{} already exists (use --force to replace it)",
        path.display()
    ))
}

/// Fails early, before any secret is read, if `path` is taken and may not
/// be replaced.
pub fn check_output_free(path: &Path, overwrite: bool) -> Result<()> {
    if !overwrite && path.symlink_metadata().is_ok() {
        return Err(already_exists(path));
    }
    Ok(())
}

/// Writes `contents` to `path` with mode 0600, atomically: a private temp
/// file in the same directory, fsynced, then moved into place, so a reader
/// never sees half a file and the secrets are never world-readable. Without
/// `overwrite`, an existing `path` is an error and is left alone.
pub fn write_private_file(path: &Path, contents: &[u8], overwrite: bool) -> Result<()> {
    check_output_free(path, overwrite)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::invalid(format!("{} is not a file name", path.display())))?;
    let suffix: [u8; 8] = crate::crypto::random_bytes()?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".{suffix}.tmp"));
    let temp = dir.join(temp_name);

    let write_temp = || -> Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut file = opts.open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        Ok(())
    };
    let place = || -> Result<()> {
        if overwrite {
            std::fs::rename(&temp, path)?;
        } else {
            // A hard link fails if the name was taken since the check above.
            std::fs::hard_link(&temp, path).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => already_exists(path),
                _ => e.into(),
            })?;
            std::fs::remove_file(&temp)?;
        }
        Ok(())
    };
    let result = write_temp().and_then(|()| place());
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result?;
    crate::store::sync_parent_dir(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    fn r(s: &str) -> SecretRef {
        s.parse().unwrap()
    }

    #[test]
    fn parses_item_and_field() {
        assert_eq!(r("tessera://stripe"), SecretRef::new("stripe", Field::Value));
        assert_eq!(
            r("tessera://github/username"),
            SecretRef::new("github", Field::Username)
        );
        assert_eq!(
            r("tessera://db/Api-Secret"),
            SecretRef::new("db", Field::Custom("Api-Secret".into()))
        );
        assert_eq!(r("tessera://x/value"), SecretRef::new("x", Field::Value));
        // Raw spaces are fine; `/` and `%` in names are percent-encoded.
        assert_eq!(r("tessera://My Key"), SecretRef::new("My Key", Field::Value));
        assert_eq!(
            r("tessera://team%2Fprod%20db/pass%25word"),
            SecretRef::new("team/prod db", Field::Custom("pass%word".into()))
        );
        assert_eq!(r("tessera://caf%C3%A9"), SecretRef::new("café", Field::Value));
    }

    #[test]
    fn malformed_refs_are_input_invalid() {
        for bad in [
            "stripe",
            "op://vault/item",
            "tessera://",
            "tessera://   ",
            "tessera:///value",
            "tessera://a/",
            "tessera://a/b/c",
            "tessera://a%2",
            "tessera://a%zz",
            "tessera://%FF",
            "tessera://a\nb",
        ] {
            let e = bad.parse::<SecretRef>().unwrap_err();
            assert_eq!(e.code(), "input.invalid", "{bad:?}");
            assert!(e.to_string().contains("reference"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn display_is_canonical() {
        assert_eq!(r("tessera://stripe/value").to_string(), "tessera://stripe");
        assert_eq!(
            SecretRef::new("a/b c%", Field::Custom("x}".into())).to_string(),
            "tessera://a%2Fb%20c%25/x%7D"
        );
        assert_eq!(r("tessera://gh/user").to_string(), "tessera://gh/username");
    }

    proptest! {
        #[test]
        fn display_parses_back(item in "[^\\p{Cc}]{1,20}", field in "[a-zA-Z0-9 /%{}é-]{1,10}") {
            prop_assume!(!item.trim().is_empty());
            let field: Field = field.parse().unwrap();
            let reference = SecretRef::new(item, field);
            prop_assert_eq!(reference.to_string().parse::<SecretRef>().unwrap(), reference);
        }
    }

    /// Values by reference, as a vault would give them.
    struct Fixed(Vec<(&'static str, &'static str)>, usize);

    impl Resolver for Fixed {
        fn resolve(
            &mut self,
            reference: &SecretRef,
        ) -> impl Future<Output = Result<Zeroizing<String>>> + Send {
            self.1 += 1;
            let key = reference.to_string();
            let found = self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
            let item = reference.item.clone();
            async move {
                found
                    .map(|v| Zeroizing::new(v.to_owned()))
                    .ok_or(Error::NotFound(item))
            }
        }
    }

    fn fixed() -> Fixed {
        Fixed(
            vec![
                ("tessera://stripe", "sk_live_SECRET"),
                ("tessera://gh/username", "octocat"),
            ],
            0,
        )
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn missing_is_ref_not_found_naming_the_reference() {
        let e = block_on(resolve(&mut fixed(), &r("tessera://nope/user"))).unwrap_err();
        assert_eq!(e.code(), "ref.not_found");
        assert!(e.to_string().contains("tessera://nope/username"), "{e}");
    }

    #[test]
    fn environment_takes_whole_value_references_only() {
        let mut plan = EnvPlan::new();
        plan.add_environment([
            ("KEY".to_owned(), "tessera://stripe".to_owned()),
            ("PATH".to_owned(), "/usr/bin".to_owned()),
            ("NOTE".to_owned(), "see tessera://stripe".to_owned()),
        ])
        .unwrap();
        let names: Vec<&str> = plan.vars().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["KEY"]);
        let resolved = block_on(plan.resolve(&mut fixed())).unwrap();
        assert_eq!(resolved.vars[0].1.as_str(), "sk_live_SECRET");
        assert_eq!(resolved.secrets.len(), 1);

        let e = EnvPlan::new()
            .add_environment([("BAD".to_owned(), "tessera://a/b/c".to_owned())])
            .unwrap_err();
        assert_eq!(e.code(), "input.invalid");
        assert!(e.to_string().contains("$BAD"), "{e}");
    }

    #[test]
    fn env_file_sets_plain_values_and_references_and_later_wins() {
        let mut plan = EnvPlan::new();
        plan.add_environment([("USER_NAME".to_owned(), "tessera://stripe".to_owned())])
            .unwrap();
        plan.add_env_file(
            "a.env",
            b"# c\nexport USER_NAME=tessera://gh/username\nPLAIN='x y'\nKEY=\"tessera://stripe\"\n",
        )
        .unwrap();
        let resolved = block_on(plan.resolve(&mut fixed())).unwrap();
        let got: Vec<(&str, &str)> = resolved
            .vars
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("USER_NAME", "octocat"),
                ("PLAIN", "x y"),
                ("KEY", "sk_live_SECRET")
            ]
        );
        assert_eq!(resolved.secrets.len(), 2);

        let e = EnvPlan::new().add_env_file("b.env", b"A=1\nnope\n").unwrap_err();
        assert_eq!(e.code(), "input.invalid");
        assert!(e.to_string().contains("b.env: line 2"), "{e}");
        let e = EnvPlan::new()
            .add_env_file("c.env", b"A=tessera://\n")
            .unwrap_err();
        assert!(e.to_string().contains("c.env: line 1"), "{e}");
    }

    #[test]
    fn env_resolution_stops_at_the_first_missing_reference() {
        let mut plan = EnvPlan::new();
        plan.add_env_file("x.env", b"A=tessera://stripe\nB=tessera://gone\n")
            .unwrap();
        let Err(e) = block_on(plan.resolve(&mut fixed())) else {
            panic!("resolved a missing reference")
        };
        assert_eq!(e.code(), "ref.not_found");
        let msg = e.to_string();
        assert!(msg.contains("tessera://gone") && msg.contains("$B"), "{msg}");
        assert!(!msg.contains("sk_live_SECRET"));
    }

    #[test]
    fn templates_render_placeholders_and_keep_everything_else() {
        let t: Template = "key={{tessera://stripe}}\nuser: {{ \ttessera://gh/user  }}!\n{{ .Values.x }} ${{ secrets.Y }} {{{ tessera://stripe }}}\n{{"
            .parse()
            .unwrap();
        assert_eq!(t.references().count(), 3);
        let mut resolver = fixed();
        let out = block_on(t.render(&mut resolver)).unwrap();
        assert_eq!(
            out.as_str(),
            "key=sk_live_SECRET\nuser: octocat!\n{{ .Values.x }} ${{ secrets.Y }} {sk_live_SECRET}\n{{"
        );
        // Each distinct reference is resolved once.
        assert_eq!(resolver.1, 2);
        let plain: Template = "no placeholders }} here".parse().unwrap();
        assert_eq!(
            block_on(plain.render(&mut fixed())).unwrap().as_str(),
            "no placeholders }} here"
        );
    }

    #[test]
    fn template_errors_name_the_line() {
        for (src, line) in [
            ("a\nb {{ tessera://stripe\n}}", "line 2"),
            ("{{ tessera://stripe }}\n\nx {{tessera://a", "line 3"),
            ("ok\n{{ tessera://a/b/c }}", "line 2"),
        ] {
            let e = src.parse::<Template>().unwrap_err();
            assert_eq!(e.code(), "input.invalid", "{src:?}");
            assert!(e.to_string().starts_with(line), "{src:?}: {e}");
        }
        let t: Template = "x\n\n{{ tessera://gone }}".parse().unwrap();
        let e = block_on(t.render(&mut fixed())).unwrap_err();
        assert_eq!(e.code(), "ref.not_found");
        assert!(e.to_string().contains("line 3"), "{e}");
    }

    fn mask_all(secrets: &[&str], chunks: &[&[u8]]) -> String {
        let mut m = Masker::new(secrets.iter().copied());
        let mut out = Vec::new();
        for c in chunks {
            m.push(c, &mut out);
        }
        m.finish(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn masker_replaces_values_and_skips_short_ones() {
        assert_eq!(
            mask_all(&["hunter2", "abc"], &[b"pw=hunter2 abc hunter2\n"]),
            "pw=<concealed by tessera> abc <concealed by tessera>\n"
        );
        // Overlapping values: the longest starting first wins.
        assert_eq!(
            mask_all(&["abcd", "abcdef", "cdefgh"], &[b"abcdefgh abcdx"]),
            "<concealed by tessera>gh <concealed by tessera>x"
        );
        assert!(Masker::new(["abc", ""]).is_empty());
    }

    #[test]
    fn masker_handles_a_value_split_across_chunks() {
        assert_eq!(
            mask_all(&["sk_live_123"], &[b"key: sk_li", b"ve_", b"123 done"]),
            "key: <concealed by tessera> done"
        );
        // A false start is released as soon as it cannot be a value.
        let mut m = Masker::new(["sk_live_123"]);
        let mut out = Vec::new();
        m.push(b"key: sk_li", &mut out);
        assert_eq!(out, b"key: ");
        m.push(b"x", &mut out);
        assert_eq!(out, b"key: sk_lix");
        m.push(b"sk_", &mut out);
        m.finish(&mut out);
        assert_eq!(out, b"key: sk_lixsk_");
    }

    proptest! {
        #[test]
        fn chunking_never_changes_the_output(
            secrets in prop::collection::vec("[0-3]{1,8}", 1..4),
            pieces in prop::collection::vec((0usize..6, "[0-3x]{0,6}"), 0..12),
            cuts in prop::collection::vec(0usize..200, 0..10),
        ) {
            // The input mixes the secrets with noise over the same digits.
            let mut input = Vec::new();
            for (pick, noise) in &pieces {
                if let Some(s) = secrets.get(*pick) {
                    input.extend_from_slice(s.as_bytes());
                }
                input.extend_from_slice(noise.as_bytes());
            }
            let whole = mask_all(&secrets.iter().map(String::as_str).collect::<Vec<_>>(), &[&input]);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(input.len())).collect();
            cuts.sort_unstable();
            let mut chunks: Vec<&[u8]> = Vec::new();
            let mut start = 0;
            for c in cuts.into_iter().chain([input.len()]) {
                chunks.push(&input[start..c]);
                start = c;
            }
            let chunked = mask_all(&secrets.iter().map(String::as_str).collect::<Vec<_>>(), &chunks);
            prop_assert_eq!(&chunked, &whole);
            // The marker shares no byte with the secrets, so none survives.
            for s in secrets.iter().filter(|s| maskable(s)) {
                prop_assert!(!whole.contains(s.as_str()), "{s} in {whole}");
            }
        }
    }

    #[test]
    fn private_file_is_0600_and_not_replaced_without_overwrite() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.env");
        write_private_file(&out, b"A=1\n", false).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"A=1\n");
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let e = write_private_file(&out, b"A=2\n", false).unwrap_err();
        assert_eq!(e.code(), "input.invalid");
        assert_eq!(std::fs::read(&out).unwrap(), b"A=1\n");
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private_file(&out, b"A=2\n", true).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"A=2\n");
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // No temp file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
