//! The typed preferences: three sections, their defaults and their rules.
//!
//! Every field has a default (`#[serde(default)]`), so a body written before
//! a field existed still reads; `validate` is the one place that says what a
//! value may be, and both `set` and import go through it.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Text size bounds, in percent of the platform's default.
pub const TEXT_SIZE_MIN: f64 = 87.5;
pub const TEXT_SIZE_MAX: f64 = 150.0;
/// Limits on the claims list, so a stored body stays small.
pub const MAX_CLAIMS: usize = 64;
pub const MAX_CLAIM_LEN: usize = 64;

/// Declares a closed set of string values: serde names, `ALL`, `as_str`
/// and parsing, all from one list so they cannot disagree.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses one of the names, case-insensitively.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

choice!(Theme {
    System = "system",
    Light = "light",
    Dark = "dark",
    HighContrast = "high_contrast",
});

choice!(Density {
    Compact = "compact",
    Comfortable = "comfortable",
});

choice!(ReducedMotion {
    System = "system",
    On = "on",
    Off = "off",
});

choice!(
    /// The UI languages; `system` follows the OS. CLI output stays English.
    Language {
        System = "system",
        En = "en",
        De = "de",
        Fr = "fr",
        /// Right to left.
        Ar = "ar",
    }
);

choice!(
    /// `iso` is 2026-12-03, `dmy` 03/12/2026, `mdy` 12/03/2026.
    DateFormat {
        System = "system",
        Iso = "iso",
        Dmy = "dmy",
        Mdy = "mdy",
    }
);

choice!(TimeFormat {
    System = "system",
    H24 = "24h",
    H12 = "12h",
});

choice!(
    /// What the list shows first after unlock.
    DefaultView {
        All = "all",
        ApiKeys = "api_keys",
        Tokens = "tokens",
        Secrets = "secrets",
        Expiring = "expiring",
    }
);

choice!(
    /// The list's sort order (the same names as the app's `SortOrder`).
    SortOrder {
        Relevance = "relevance",
        Name = "name",
        RecentlyUpdated = "recently_updated",
        Expiry = "expiry",
    }
);

choice!(
    /// The answer given to a site's sharing request when nothing more
    /// specific applies.
    SharingDefault {
        AlwaysAsk = "always_ask",
        AskOncePerSite = "ask_once_per_site",
        Never = "never",
    }
);

/// How the app looks. Stored in plaintext so the lock screen can use it
/// before unlock: it holds no user content, only display choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct Appearance {
    pub theme: Theme,
    /// `#rrggbb`, lower case.
    pub accent_colour: String,
    /// Percent of the platform's default size, 87.5 to 150.
    pub text_size: f64,
    pub density: Density,
    pub reduced_motion: ReducedMotion,
    pub language: Language,
    pub date_format: DateFormat,
    pub time_format: TimeFormat,
}

impl Default for Appearance {
    fn default() -> Self {
        Self {
            theme: Theme::System,
            accent_colour: "#3b6fd4".into(),
            text_size: 100.0,
            density: Density::Comfortable,
            reduced_motion: ReducedMotion::System,
            language: Language::System,
            date_format: DateFormat::System,
            time_format: TimeFormat::System,
        }
    }
}

/// How the app behaves once unlocked. The first three fields are the
/// app's original [`super::Settings`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct Behaviour {
    pub auto_lock_minutes: u32,
    pub clipboard_clear_seconds: u32,
    pub reveal_seconds: u32,
    pub default_view: DefaultView,
    pub default_sort: SortOrder,
    pub lock_on_sleep: bool,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            auto_lock_minutes: 5,
            clipboard_clear_seconds: 20,
            reveal_seconds: 15,
            default_view: DefaultView::All,
            default_sort: SortOrder::Relevance,
            lock_on_sleep: true,
        }
    }
}

/// Who gets to see what. Sealed in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct Privacy {
    pub sharing_default: SharingDefault,
    /// Claims that are never shared without an explicit confirmation.
    pub never_share_claims: Vec<String>,
    /// Days the sharing history is kept; 0 keeps it forever.
    pub sharing_history_days: u32,
    /// Days the audit log is kept; 0 keeps it forever.
    pub audit_log_days: u32,
    pub hide_names_on_lock_screen: bool,
}

impl Default for Privacy {
    fn default() -> Self {
        Self {
            sharing_default: SharingDefault::AlwaysAsk,
            never_share_claims: vec!["birth_date".into(), "address".into()],
            sharing_history_days: 365,
            audit_log_days: 0,
            hide_names_on_lock_screen: true,
        }
    }
}

/// Every preference of the active profile.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct Preferences {
    pub appearance: Appearance,
    pub behaviour: Behaviour,
    pub privacy: Privacy,
}

/// Inclusive ranges of the numeric keys, shared by validation, parsing
/// and the registry's help text.
pub(crate) mod ranges {
    pub const AUTO_LOCK_MINUTES: (u32, u32) = (1, 1440);
    pub const CLIPBOARD_CLEAR_SECONDS: (u32, u32) = (5, 600);
    pub const REVEAL_SECONDS: (u32, u32) = (3, 600);
    /// Retention: 0 (forever) or 1 day to 10 years.
    pub const RETENTION_DAYS: (u32, u32) = (0, 3650);
}

pub(crate) fn check_range(key: &str, v: u32, (lo, hi): (u32, u32)) -> Result<()> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{key}: {v} is out of range; allowed: {lo} to {hi}"
        )))
    }
}

impl Appearance {
    pub fn validate(&self) -> Result<()> {
        check_text_size("appearance.text_size", self.text_size)?;
        check_colour("appearance.accent_colour", &self.accent_colour)
    }
}

impl Behaviour {
    pub fn validate(&self) -> Result<()> {
        use ranges::*;
        check_range(
            "behaviour.auto_lock_minutes",
            self.auto_lock_minutes,
            AUTO_LOCK_MINUTES,
        )?;
        check_range(
            "behaviour.clipboard_clear_seconds",
            self.clipboard_clear_seconds,
            CLIPBOARD_CLEAR_SECONDS,
        )?;
        check_range("behaviour.reveal_seconds", self.reveal_seconds, REVEAL_SECONDS)
    }
}

impl Privacy {
    pub fn validate(&self) -> Result<()> {
        use ranges::*;
        check_range(
            "privacy.sharing_history_days",
            self.sharing_history_days,
            RETENTION_DAYS,
        )?;
        check_range("privacy.audit_log_days", self.audit_log_days, RETENTION_DAYS)?;
        check_claims("privacy.never_share_claims", &self.never_share_claims)
    }
}

impl Preferences {
    pub fn validate(&self) -> Result<()> {
        self.appearance.validate()?;
        self.behaviour.validate()?;
        self.privacy.validate()
    }
}

pub(crate) fn check_text_size(key: &str, v: f64) -> Result<()> {
    if v.is_finite() && (TEXT_SIZE_MIN..=TEXT_SIZE_MAX).contains(&v) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{key}: {v}% is out of range; allowed: 87.5% to 150% (for example 125% or 1.25)"
        )))
    }
}

pub(crate) fn check_colour(key: &str, s: &str) -> Result<()> {
    let ok = s.len() == 7
        && s.starts_with('#')
        && s[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{key}: {s:?} is not a colour; allowed: #rrggbb (for example #3b6fd4)"
        )))
    }
}

/// A claim name: lower-case letters, digits, `_`, `-` and `.`, as in
/// `birth_date` or `address.street`.
pub(crate) fn check_claims(key: &str, claims: &[String]) -> Result<()> {
    if claims.len() > MAX_CLAIMS {
        return Err(Error::invalid(format!(
            "{key}: {} claims is too many; allowed: at most {MAX_CLAIMS}",
            claims.len()
        )));
    }
    for (i, c) in claims.iter().enumerate() {
        let ok = !c.is_empty()
            && c.len() <= MAX_CLAIM_LEN
            && c.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.'));
        if !ok {
            return Err(Error::invalid(format!(
                "{key}: {c:?} is not a claim name; allowed: 1 to {MAX_CLAIM_LEN} of a-z, 0-9, _ - . \
                 (for example birth_date,address)"
            )));
        }
        if claims[..i].contains(c) {
            return Err(Error::invalid(format!("{key}: {c:?} is listed twice")));
        }
    }
    Ok(())
}
