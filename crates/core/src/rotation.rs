//! Value generators for new and rotated secrets.

use crate::crypto;
use crate::error::{Error, Result};
use std::str::FromStr;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    /// Random characters after the prefix.
    pub length: usize,
    pub alphabet: Alphabet,
    /// Fixed text in front, such as `sk_live_`.
    pub prefix: String,
}

impl Default for Generator {
    fn default() -> Self {
        Self {
            length: 40,
            alphabet: Alphabet::Alphanumeric,
            prefix: String::new(),
        }
    }
}

impl Generator {
    pub const MIN_LENGTH: usize = 8;
    pub const MAX_LENGTH: usize = 4096;

    /// Uniform characters by rejection sampling from the system RNG.
    pub fn generate(&self) -> Result<Zeroizing<String>> {
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
                    out.push(chars[b as usize % chars.len()] as char);
                    made += 1;
                }
            }
        }
        Ok(out)
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
}
