//! Rotation policies and value generators for new and rotated secrets.

use crate::crypto;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Alphabet {
    /// A–Z, a–z, 0–9.
    Alphanumeric,
    /// 0–9, a–f.
    Hex,
    /// A–Z, a–z, 0–9, `-`, `_`.
    Base64Url,
    /// Alphanumeric plus punctuation that survives shells and URLs poorly;
    /// for passwords typed into forms.
    Symbols,
}

impl Alphabet {
    fn chars(self) -> &'static [u8] {
        match self {
            Alphabet::Alphanumeric => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            Alphabet::Hex => b"0123456789abcdef",
            Alphabet::Base64Url => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            Alphabet::Symbols => {
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~"
            }
        }
    }
}

impl FromStr for Alphabet {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "alphanumeric" | "alnum" => Ok(Alphabet::Alphanumeric),
            "hex" => Ok(Alphabet::Hex),
            "base64url" => Ok(Alphabet::Base64Url),
            "symbols" => Ok(Alphabet::Symbols),
            _ => Err(Error::invalid(format!(
                "unknown alphabet {s:?} (expected alphanumeric, hex, base64url or symbols)"
            ))),
        }
    }
}

/// How new values of an item are made. Stored with the item's policy, so
/// `tessera rotate NAME` needs no flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Generator {
    /// Random characters after the prefix (separators not counted).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub length: usize,
    pub alphabet: Alphabet,
    /// Fixed text in front, such as `sk_live_`.
    #[serde(default)]
    pub prefix: String,
    /// Put a `-` after every this many random characters (0: none), for
    /// values people read out or type, such as `ABCD-EFGH-IJKL`.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub group: usize,
}

impl Default for Generator {
    fn default() -> Self {
        Self {
            length: 40,
            alphabet: Alphabet::Alphanumeric,
            prefix: String::new(),
            group: 0,
        }
    }
}

impl Generator {
    pub const MIN_LENGTH: usize = 8;
    pub const MAX_LENGTH: usize = 4096;

    pub fn validate(&self) -> Result<()> {
        if !(Self::MIN_LENGTH..=Self::MAX_LENGTH).contains(&self.length) {
            return Err(Error::invalid(format!(
                "the length must be between {} and {}",
                Self::MIN_LENGTH,
                Self::MAX_LENGTH
            )));
        }
        if self.prefix.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(Error::invalid(
                "the prefix must not contain spaces or control characters",
            ));
        }
        if self.prefix.chars().count() > 64 {
            return Err(Error::invalid("the prefix is longer than 64 characters"));
        }
        if self.group > self.length {
            return Err(Error::invalid(format!(
                "the group size must be between 0 and the length ({})",
                self.length
            )));
        }
        Ok(())
    }

    /// Uniform characters by rejection sampling from the system RNG.
    pub fn generate(&self) -> Result<Zeroizing<String>> {
        self.validate()?;
        let chars = self.alphabet.chars();
        // Largest multiple of the alphabet size that fits a byte.
        let limit = 256 - (256 % chars.len());
        let mut out = Zeroizing::new(String::with_capacity(self.prefix.len() + self.length));
        out.push_str(&self.prefix);
        let mut buf = Zeroizing::new([0u8; 64]);
        let mut made = 0;
        while made < self.length {
            crypto::random_fill(buf.as_mut())?;
            for &b in buf.iter() {
                if (b as usize) < limit && made < self.length {
                    if self.group > 0 && made > 0 && made % self.group == 0 {
                        out.push('-');
                    }
                    out.push(chars[b as usize % chars.len()] as char);
                    made += 1;
                }
            }
        }
        Ok(out)
    }
}

/// How fresh an item's value must be kept. Stored sealed with the item's
/// metadata, so the health scan reads it without opening any value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RotationPolicy {
    /// Rotate at least this often.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
    /// Warn this long before the value expires or is due for rotation
    /// [default: 14].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_days: Option<u32>,
    /// After a rotation the previous value stays available this long, while
    /// clients move to the new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_days: Option<u32>,
    /// How new values are made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
    /// Where the service rotates this key (its console page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_url: Option<String>,
}

impl RotationPolicy {
    pub const DEFAULT_WARN_DAYS: u32 = 14;
    const MAX_DAYS: u32 = 3650;

    pub fn is_empty(&self) -> bool {
        *self == RotationPolicy::default()
    }

    pub fn warn_days(&self) -> u32 {
        self.warn_days.unwrap_or(Self::DEFAULT_WARN_DAYS)
    }

    pub fn validate(&self) -> Result<()> {
        let days = |what: &str, v: Option<u32>, min: u32| match v {
            Some(d) if !(min..=Self::MAX_DAYS).contains(&d) => Err(Error::invalid(format!(
                "{what} must be between {min} and {} days",
                Self::MAX_DAYS
            ))),
            _ => Ok(()),
        };
        days("the maximum age", self.max_age_days, 1)?;
        days("the warning window", self.warn_days, 0)?;
        days("the grace period", self.grace_days, 0)?;
        if let Some(g) = &self.generator {
            g.validate()?;
        }
        if let Some(url) = &self.rotate_url {
            let lower = url.to_ascii_lowercase();
            let ok_scheme = lower.starts_with("https://") || lower.starts_with("http://");
            if !ok_scheme || url.len() > 2048 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
                return Err(Error::invalid(
                    "the rotation URL must be an http(s) address without spaces",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_prefix_and_alphabet_are_respected() {
        let g = Generator {
            length: 24,
            alphabet: Alphabet::Hex,
            prefix: "sk_live_".into(),
            group: 0,
        };
        let v = g.generate().unwrap();
        assert!(v.starts_with("sk_live_"));
        assert_eq!(v.len(), 8 + 24);
        assert!(v[8..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(*v, *g.generate().unwrap());
    }

    #[test]
    fn every_symbol_shows_up_and_none_dominates() {
        let g = Generator {
            length: 4096,
            alphabet: Alphabet::Hex,
            prefix: String::new(),
            group: 0,
        };
        let v = g.generate().unwrap();
        for c in "0123456789abcdef".chars() {
            let n = v.chars().filter(|&x| x == c).count();
            // Expected 256 each; 6 sigma is about +-94.
            assert!((150..370).contains(&n), "{c} appeared {n} times");
        }
    }

    #[test]
    fn bad_lengths_are_refused() {
        for length in [0, 7, 4097] {
            let g = Generator {
                length,
                ..Default::default()
            };
            assert!(matches!(g.generate(), Err(Error::Invalid(_))));
        }
    }

    #[test]
    fn groups_put_a_dash_between_blocks() {
        let g = Generator {
            length: 12,
            alphabet: Alphabet::Alphanumeric,
            prefix: "tk_".into(),
            group: 4,
        };
        let v = g.generate().unwrap();
        let parts: Vec<&str> = v["tk_".len()..].split('-').collect();
        assert_eq!(parts.len(), 3, "{}", v.as_str());
        assert!(parts
            .iter()
            .all(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_alphanumeric())));
    }

    #[test]
    fn policies_are_checked() {
        let ok = RotationPolicy {
            max_age_days: Some(90),
            warn_days: Some(7),
            grace_days: Some(2),
            generator: Some(Generator::default()),
            rotate_url: Some("https://dashboard.stripe.com/apikeys".into()),
        };
        ok.validate().unwrap();
        for bad in [
            RotationPolicy {
                max_age_days: Some(0),
                ..Default::default()
            },
            RotationPolicy {
                warn_days: Some(4000),
                ..Default::default()
            },
            RotationPolicy {
                rotate_url: Some("javascript:alert(1)".into()),
                ..Default::default()
            },
            RotationPolicy {
                rotate_url: Some("https://a b".into()),
                ..Default::default()
            },
            RotationPolicy {
                generator: Some(Generator {
                    length: 4,
                    ..Default::default()
                }),
                ..Default::default()
            },
        ] {
            assert!(matches!(bad.validate(), Err(Error::Invalid(_))), "{bad:?}");
        }
    }
}
