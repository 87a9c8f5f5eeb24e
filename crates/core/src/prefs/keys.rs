//! The key registry: every preference by its dotted key, with its type,
//! allowed values and a description. `get`, `set`, `reset` and `list` (in
//! the CLI and anywhere else) go through it, so a key's rules live here once.

use super::model::{self, ranges, *};
use crate::error::{Error, Result};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Per profile, readable before unlock.
    Appearance,
    /// Sealed in the vault.
    Behaviour,
    /// Sealed in the vault.
    Privacy,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Appearance, Section::Behaviour, Section::Privacy];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Appearance => "appearance",
            Section::Behaviour => "behaviour",
            Section::Privacy => "privacy",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "appearance" => Some(Section::Appearance),
            "behaviour" | "behavior" => Some(Section::Behaviour),
            "privacy" => Some(Section::Privacy),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// One of a fixed set of names.
    Choice(&'static [&'static str]),
    /// A whole number in an inclusive range; `forever` means 0 where allowed.
    Integer {
        min: u32,
        max: u32,
        forever: bool,
    },
    /// A text size: `125%`, `125` or `1.25`.
    Percent,
    /// `#rrggbb`.
    Colour,
    Bool,
    /// Comma-separated claim names.
    Claims,
}

#[derive(Debug, Clone, Copy)]
pub struct KeyInfo {
    /// `section.name`.
    pub key: &'static str,
    pub section: Section,
    pub ty: ValueType,
    pub description: &'static str,
}

impl KeyInfo {
    /// The key without its section, as `text_size`.
    pub fn short(&self) -> &'static str {
        self.key.split_once('.').map_or(self.key, |(_, s)| s)
    }

    /// What the key accepts, for help and error messages.
    pub fn allowed(&self) -> String {
        match self.ty {
            ValueType::Choice(names) => names.join(", "),
            ValueType::Integer { min, max, forever } => {
                if forever {
                    format!("{min} to {max} (0 or `forever` keeps everything)")
                } else {
                    format!("{min} to {max}")
                }
            }
            ValueType::Percent => "87.5% to 150% (for example 125% or 1.25)".into(),
            ValueType::Colour => "#rrggbb (for example #3b6fd4)".into(),
            ValueType::Bool => "true, false (or on, off, yes, no)".into(),
            ValueType::Claims => format!(
                "a comma-separated list of up to {MAX_CLAIMS} claim names of a-z, 0-9, _ - . \
                 (for example birth_date,address), or `none`"
            ),
        }
    }
}

const fn key(key: &'static str, section: Section, ty: ValueType, description: &'static str) -> KeyInfo {
    KeyInfo {
        key,
        section,
        ty,
        description,
    }
}

const fn int(r: (u32, u32), forever: bool) -> ValueType {
    ValueType::Integer {
        min: r.0,
        max: r.1,
        forever,
    }
}

use Section::{Appearance as A, Behaviour as B, Privacy as P};

/// Every key, in display order.
pub static KEYS: &[KeyInfo] = &[
    key(
        "appearance.theme",
        A,
        ValueType::Choice(Theme::NAMES),
        "Colour theme",
    ),
    key("appearance.accent_colour", A, ValueType::Colour, "Accent colour"),
    key(
        "appearance.text_size",
        A,
        ValueType::Percent,
        "Text size, relative to the system's",
    ),
    key(
        "appearance.density",
        A,
        ValueType::Choice(Density::NAMES),
        "Spacing of lists and forms",
    ),
    key(
        "appearance.reduced_motion",
        A,
        ValueType::Choice(ReducedMotion::NAMES),
        "Fewer animations (system follows the OS setting)",
    ),
    key(
        "appearance.language",
        A,
        ValueType::Choice(Language::NAMES),
        "Language of the app (BCP 47; the CLI stays English)",
    ),
    key(
        "appearance.date_format",
        A,
        ValueType::Choice(DateFormat::NAMES),
        "Dates: iso 2026-12-03, dmy 03/12/2026, mdy 12/03/2026",
    ),
    key(
        "appearance.time_format",
        A,
        ValueType::Choice(TimeFormat::NAMES),
        "Clock: 24h or 12h",
    ),
    key(
        "behaviour.auto_lock_minutes",
        B,
        int(ranges::AUTO_LOCK_MINUTES, false),
        "Lock after this many minutes without activity",
    ),
    key(
        "behaviour.clipboard_clear_seconds",
        B,
        int(ranges::CLIPBOARD_CLEAR_SECONDS, false),
        "Clear a copied value from the clipboard after this many seconds",
    ),
    key(
        "behaviour.reveal_seconds",
        B,
        int(ranges::REVEAL_SECONDS, false),
        "Hide a revealed value again after this many seconds",
    ),
    key(
        "behaviour.default_view",
        B,
        ValueType::Choice(DefaultView::NAMES),
        "What the list shows after unlock",
    ),
    key(
        "behaviour.default_sort",
        B,
        ValueType::Choice(SortOrder::NAMES),
        "Sort order of the list",
    ),
    key(
        "behaviour.lock_on_sleep",
        B,
        ValueType::Bool,
        "Lock when the computer sleeps",
    ),
    key(
        "privacy.sharing_default",
        P,
        ValueType::Choice(SharingDefault::NAMES),
        "Default answer to a site's sharing request",
    ),
    key(
        "privacy.never_share_claims",
        P,
        ValueType::Claims,
        "Claims never shared without an explicit confirmation",
    ),
    key(
        "privacy.sharing_history_days",
        P,
        int(ranges::RETENTION_DAYS, true),
        "Days the sharing history is kept",
    ),
    key(
        "privacy.audit_log_days",
        P,
        int(ranges::RETENTION_DAYS, true),
        "Days the audit log is kept",
    ),
    key(
        "privacy.hide_names_on_lock_screen",
        P,
        ValueType::Bool,
        "Hide item names on the lock screen",
    ),
];

/// Finds a key by its dotted name or, when unambiguous, its short name
/// (`text_size`). An unknown key is `input.invalid`, with close matches.
pub fn find_key(name: &str) -> Result<&'static KeyInfo> {
    let name = name
        .trim()
        .to_ascii_lowercase()
        .replace("behavior.", "behaviour.");
    if let Some(k) = KEYS.iter().find(|k| k.key == name) {
        return Ok(k);
    }
    if !name.contains('.') {
        if let [one] = KEYS.iter().filter(|k| k.short() == name).collect::<Vec<_>>()[..] {
            return Ok(one);
        }
    }
    let mut close: Vec<(usize, &str)> = KEYS
        .iter()
        .map(|k| {
            let d = edit_distance(&name, k.key).min(edit_distance(&name, k.short()));
            (d, k.key)
        })
        .filter(|(d, _)| *d <= 3)
        .collect();
    close.sort();
    let hint = match &close[..] {
        [] => String::new(),
        c => format!(
            "; did you mean {}?",
            c.iter().take(3).map(|(_, k)| *k).collect::<Vec<_>>().join(", ")
        ),
    };
    Err(Error::invalid(format!(
        "unknown preference key {name:?}{hint} (`tessera prefs list` shows every key)"
    )))
}

/// Levenshtein distance; keys are short, so the quadratic cost is nothing.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// One line of `prefs list`.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub key: &'static str,
    pub section: Section,
    /// The value as `get` prints it and `set` accepts it.
    pub value: String,
    pub default: String,
    pub allowed: String,
    pub description: &'static str,
}

fn bad(k: &KeyInfo, raw: &str, what: &str) -> Error {
    Error::invalid(format!(
        "{}: {raw:?} is not {what}; allowed: {}",
        k.key,
        k.allowed()
    ))
}

fn parse_choice<T: Copy>(k: &KeyInfo, raw: &str, parse: fn(&str) -> Option<T>) -> Result<T> {
    parse(raw).ok_or_else(|| bad(k, raw, "an allowed value"))
}

fn parse_int(k: &KeyInfo, raw: &str) -> Result<u32> {
    let ValueType::Integer { min, max, forever } = k.ty else {
        return Err(bad(k, raw, "a number"));
    };
    let raw_t = raw.trim();
    let v = if forever && raw_t.eq_ignore_ascii_case("forever") {
        0
    } else {
        raw_t.parse::<u32>().map_err(|_| bad(k, raw, "a whole number"))?
    };
    model::check_range(k.key, v, (min, max))?;
    Ok(v)
}

fn parse_bool(k: &KeyInfo, raw: &str) -> Result<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        _ => Err(bad(k, raw, "true or false")),
    }
}

/// `125%` and `125` are percent; a bare number up to 10 (`1.25`) is a factor.
pub fn parse_text_size(raw: &str) -> Result<f64> {
    let s = raw.trim();
    let (num, percent) = match s.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (s, false),
    };
    let v: f64 = num.parse().map_err(|_| {
        Error::invalid(format!(
            "appearance.text_size: {raw:?} is not a size; allowed: 87.5% to 150% (for example 125% or 1.25)"
        ))
    })?;
    let v = if !percent && v <= 10.0 { v * 100.0 } else { v };
    // Tenths of a percent are as fine as anyone can see.
    let v = (v * 10.0).round() / 10.0;
    model::check_text_size("appearance.text_size", v)?;
    Ok(v)
}

fn parse_colour(k: &KeyInfo, raw: &str) -> Result<String> {
    let s = raw.trim().to_ascii_lowercase();
    model::check_colour(k.key, &s)?;
    Ok(s)
}

fn parse_claims(k: &KeyInfo, raw: &str) -> Result<Vec<String>> {
    let t = raw.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let mut out: Vec<String> = Vec::new();
    for c in t.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let c = c.to_ascii_lowercase();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    model::check_claims(k.key, &out)?;
    Ok(out)
}

fn show_bool(b: bool) -> String {
    b.to_string()
}

fn show_size(v: f64) -> String {
    format!("{v}%")
}

impl Preferences {
    /// The value of `key`, as `set` accepts it.
    pub fn get(&self, key: &str) -> Result<String> {
        Ok(self.value_of(find_key(key)?))
    }

    fn value_of(&self, k: &KeyInfo) -> String {
        let (a, b, p) = (&self.appearance, &self.behaviour, &self.privacy);
        match k.key {
            "appearance.theme" => a.theme.to_string(),
            "appearance.accent_colour" => a.accent_colour.clone(),
            "appearance.text_size" => show_size(a.text_size),
            "appearance.density" => a.density.to_string(),
            "appearance.reduced_motion" => a.reduced_motion.to_string(),
            "appearance.language" => a.language.to_string(),
            "appearance.date_format" => a.date_format.to_string(),
            "appearance.time_format" => a.time_format.to_string(),
            "behaviour.auto_lock_minutes" => b.auto_lock_minutes.to_string(),
            "behaviour.clipboard_clear_seconds" => b.clipboard_clear_seconds.to_string(),
            "behaviour.reveal_seconds" => b.reveal_seconds.to_string(),
            "behaviour.default_view" => b.default_view.to_string(),
            "behaviour.default_sort" => b.default_sort.to_string(),
            "behaviour.lock_on_sleep" => show_bool(b.lock_on_sleep),
            "privacy.sharing_default" => p.sharing_default.to_string(),
            "privacy.never_share_claims" => p.never_share_claims.join(","),
            "privacy.sharing_history_days" => p.sharing_history_days.to_string(),
            "privacy.audit_log_days" => p.audit_log_days.to_string(),
            "privacy.hide_names_on_lock_screen" => show_bool(p.hide_names_on_lock_screen),
            _ => String::new(),
        }
    }

    /// Parses `raw` for `key` and sets it. On any error nothing changes.
    /// Returns the key's full name.
    pub fn set(&mut self, key: &str, raw: &str) -> Result<&'static str> {
        let k = find_key(key)?;
        let (a, b, p) = (&mut self.appearance, &mut self.behaviour, &mut self.privacy);
        match k.key {
            "appearance.theme" => a.theme = parse_choice(k, raw, Theme::parse)?,
            "appearance.accent_colour" => a.accent_colour = parse_colour(k, raw)?,
            "appearance.text_size" => a.text_size = parse_text_size(raw)?,
            "appearance.density" => a.density = parse_choice(k, raw, Density::parse)?,
            "appearance.reduced_motion" => a.reduced_motion = parse_choice(k, raw, ReducedMotion::parse)?,
            "appearance.language" => a.language = parse_choice(k, raw, Language::parse)?,
            "appearance.date_format" => a.date_format = parse_choice(k, raw, DateFormat::parse)?,
            "appearance.time_format" => a.time_format = parse_choice(k, raw, TimeFormat::parse)?,
            "behaviour.auto_lock_minutes" => b.auto_lock_minutes = parse_int(k, raw)?,
            "behaviour.clipboard_clear_seconds" => b.clipboard_clear_seconds = parse_int(k, raw)?,
            "behaviour.reveal_seconds" => b.reveal_seconds = parse_int(k, raw)?,
            "behaviour.default_view" => b.default_view = parse_choice(k, raw, DefaultView::parse)?,
            "behaviour.default_sort" => b.default_sort = parse_choice(k, raw, SortOrder::parse)?,
            "behaviour.lock_on_sleep" => b.lock_on_sleep = parse_bool(k, raw)?,
            "privacy.sharing_default" => p.sharing_default = parse_choice(k, raw, SharingDefault::parse)?,
            "privacy.never_share_claims" => p.never_share_claims = parse_claims(k, raw)?,
            "privacy.sharing_history_days" => p.sharing_history_days = parse_int(k, raw)?,
            "privacy.audit_log_days" => p.audit_log_days = parse_int(k, raw)?,
            "privacy.hide_names_on_lock_screen" => p.hide_names_on_lock_screen = parse_bool(k, raw)?,
            other => return Err(Error::invalid(format!("{other} cannot be set"))),
        }
        Ok(k.key)
    }

    /// Resets one key, one section (`appearance`) or, with `None` or
    /// `all`, everything. Returns the keys that were reset.
    pub fn reset(&mut self, target: Option<&str>) -> Result<Vec<&'static str>> {
        let defaults = Preferences::default();
        let t = target.map(|t| t.trim().to_ascii_lowercase());
        let keys: Vec<&'static KeyInfo> = match t.as_deref() {
            None | Some("all") => KEYS.iter().collect(),
            Some(s) => match Section::parse(s) {
                Some(sec) => KEYS.iter().filter(|k| k.section == sec).collect(),
                None => vec![find_key(s)?],
            },
        };
        for k in &keys {
            let v = defaults.value_of(k);
            self.set(k.key, &v)?;
        }
        Ok(keys.iter().map(|k| k.key).collect())
    }

    /// Every key with its value, default and rules.
    pub fn entries(&self) -> Vec<Entry> {
        let defaults = Preferences::default();
        KEYS.iter()
            .map(|k| Entry {
                key: k.key,
                section: k.section,
                value: self.value_of(k),
                default: defaults.value_of(k),
                allowed: k.allowed(),
                description: k.description,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn err(r: Result<impl std::fmt::Debug>) -> String {
        match r {
            Err(e) => {
                assert_eq!(e.code(), "input.invalid");
                e.to_string()
            }
            Ok(v) => panic!("expected an error, got {v:?}"),
        }
    }

    #[test]
    fn every_key_round_trips_its_default_and_is_reachable() {
        let p = Preferences::default();
        assert!(p.validate().is_ok());
        for k in KEYS {
            let v = p.get(k.key).unwrap();
            let mut q = p.clone();
            q.set(k.key, &v).unwrap();
            assert_eq!(q, p, "{}", k.key);
            // Short names work where they are unambiguous (all of ours are).
            assert_eq!(find_key(k.short()).unwrap().key, k.key);
            assert!(!k.description.is_empty() && !k.allowed().is_empty());
        }
        assert_eq!(p.entries().len(), KEYS.len());
    }

    #[test]
    fn text_size_parses_percent_and_factor_and_refuses_out_of_range() {
        for (raw, want) in [
            ("125%", 125.0),
            ("125", 125.0),
            ("1.25", 125.0),
            (" 87.5 % ", 87.5),
            ("0.875", 87.5),
            ("150%", 150.0),
            ("1", 100.0),
        ] {
            assert_eq!(parse_text_size(raw).unwrap(), want, "{raw}");
        }
        for raw in ["300%", "87.4%", "150.1%", "0.5", "3", "big", "", "NaN", "inf%"] {
            let msg = err(parse_text_size(raw));
            assert!(
                msg.contains("appearance.text_size") && msg.contains("87.5% to 150%"),
                "{msg}"
            );
        }
        let mut p = Preferences::default();
        p.set("text_size", "1.25").unwrap();
        assert_eq!(p.get("appearance.text_size").unwrap(), "125%");
    }

    #[test]
    fn choices_colours_bools_numbers_and_lists() {
        let mut p = Preferences::default();
        p.set("appearance.theme", "High_Contrast").unwrap();
        assert_eq!(p.appearance.theme, Theme::HighContrast);
        let msg = err(p.set("theme", "purple"));
        assert!(msg.contains("appearance.theme") && msg.contains("system, light, dark, high_contrast"));

        p.set("accent_colour", "#AABBCC").unwrap();
        assert_eq!(p.appearance.accent_colour, "#aabbcc");
        for bad in ["red", "#abc", "#gggggg", "aabbcc", "#aabbccdd"] {
            assert!(err(p.set("accent_colour", bad)).contains("#rrggbb"), "{bad}");
        }

        for lang in ["en", "de", "fr", "ar", "system", "DE"] {
            p.set("language", lang).unwrap();
        }
        assert!(err(p.set("language", "es")).contains("system, en, de, fr, ar"));
        p.set("date_format", "iso").unwrap();
        p.set("time_format", "12h").unwrap();
        assert!(err(p.set("time_format", "25h")).contains("24h, 12h"));

        p.set("behaviour.auto_lock_minutes", "30").unwrap();
        let msg = err(p.set("auto_lock_minutes", "0"));
        assert!(
            msg.contains("behaviour.auto_lock_minutes") && msg.contains("1 to 1440"),
            "{msg}"
        );
        assert!(err(p.set("auto_lock_minutes", "1441")).contains("1 to 1440"));
        assert!(err(p.set("auto_lock_minutes", "-3")).contains("whole number"));
        assert!(err(p.set("clipboard_clear_seconds", "4")).contains("5 to 600"));
        assert!(err(p.set("reveal_seconds", "601")).contains("3 to 600"));
        p.set("behavior.lock_on_sleep", "off").unwrap();
        assert!(!p.behaviour.lock_on_sleep);
        assert!(err(p.set("lock_on_sleep", "maybe")).contains("true, false"));
        p.set("default_view", "expiring").unwrap();
        p.set("default_sort", "recently_updated").unwrap();

        p.set(
            "privacy.never_share_claims",
            " Birth_Date, address ,email,address",
        )
        .unwrap();
        assert_eq!(p.privacy.never_share_claims, ["birth_date", "address", "email"]);
        assert_eq!(p.get("never_share_claims").unwrap(), "birth_date,address,email");
        assert!(err(p.set("never_share_claims", "ok,not a claim")).contains("claim name"));
        p.set("never_share_claims", "none").unwrap();
        assert!(p.privacy.never_share_claims.is_empty());
        p.set("sharing_history_days", "forever").unwrap();
        assert_eq!(p.privacy.sharing_history_days, 0);
        assert!(err(p.set("audit_log_days", "3651")).contains("0 to 3650"));
        p.set("sharing_default", "ask_once_per_site").unwrap();
        assert!(err(p.set("sharing_default", "sometimes")).contains("always_ask, ask_once_per_site, never"));
        p.set("hide_names_on_lock_screen", "no").unwrap();
        assert!(p.validate().is_ok());
    }

    #[test]
    fn a_refused_value_changes_nothing() {
        let mut p = Preferences::default();
        p.set("text_size", "125%").unwrap();
        let before = p.clone();
        for (k, v) in [
            ("text_size", "300%"),
            ("theme", "x"),
            ("never_share_claims", "A B"),
        ] {
            assert!(p.set(k, v).is_err());
            assert_eq!(p, before);
        }
    }

    #[test]
    fn unknown_keys_name_close_matches() {
        let msg = err(find_key("apperance.theme"));
        assert!(msg.contains("did you mean appearance.theme"), "{msg}");
        let msg = err(find_key("text_sise"));
        assert!(msg.contains("appearance.text_size"), "{msg}");
        let msg = err(find_key("completely.unrelated.thing"));
        assert!(
            msg.contains("unknown preference key") && !msg.contains("did you mean"),
            "{msg}"
        );
    }

    #[test]
    fn reset_one_key_a_section_or_everything() {
        let mut p = Preferences::default();
        p.set("theme", "dark").unwrap();
        p.set("text_size", "150%").unwrap();
        p.set("auto_lock_minutes", "60").unwrap();
        p.set("sharing_default", "never").unwrap();
        assert_eq!(p.reset(Some("theme")).unwrap(), ["appearance.theme"]);
        assert_eq!(p.appearance.theme, Theme::System);
        assert_eq!(p.appearance.text_size, 150.0);
        assert_eq!(p.reset(Some("appearance")).unwrap().len(), 8);
        assert_eq!(p.appearance, Appearance::default());
        assert_eq!(p.behaviour.auto_lock_minutes, 60);
        p.reset(None).unwrap();
        assert_eq!(p, Preferences::default());
        assert!(p.reset(Some("nonsense")).is_err());
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let p = Preferences::default();
        assert_eq!(p.appearance.theme, Theme::System);
        assert_eq!(p.appearance.text_size, 100.0);
        assert_eq!(p.behaviour.auto_lock_minutes, 5);
        assert_eq!(p.behaviour.clipboard_clear_seconds, 20);
        assert_eq!(p.behaviour.reveal_seconds, 15);
        assert!(p.behaviour.lock_on_sleep);
        assert_eq!(p.privacy.sharing_default, SharingDefault::AlwaysAsk);
        assert_eq!(p.privacy.never_share_claims, ["birth_date", "address"]);
        // A body missing fields (written before they existed) reads with defaults.
        let b: Behaviour = serde_json::from_str(r#"{"auto_lock_minutes": 9}"#).unwrap();
        assert_eq!(b.auto_lock_minutes, 9);
        assert!(b.lock_on_sleep);
    }
}
