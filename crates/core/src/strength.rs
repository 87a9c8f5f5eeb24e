//! Master-password strength, estimated with zxcvbn.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Strength {
    /// 0 (guessable in seconds) to 4 (very hard to guess).
    pub score: u8,
    /// How long an offline attacker would need at 10^4 guesses per second,
    /// which is generous to them for a memory-hard KDF.
    pub crack_time: String,
    pub warning: Option<String>,
    pub suggestions: Vec<String>,
}

/// Rates `password`; `context` holds words an attacker would try first
/// (the user's name, the app's name).
pub fn estimate(password: &str, context: &[&str]) -> Strength {
    if password.is_empty() {
        return Strength {
            score: 0,
            crack_time: "instant".into(),
            warning: None,
            suggestions: vec![],
        };
    }
    let e = zxcvbn::zxcvbn(password, context);
    let feedback = e.feedback();
    Strength {
        score: u8::from(e.score()),
        crack_time: e.crack_times().offline_slow_hashing_1e4_per_second().to_string(),
        warning: feedback.and_then(|f| f.warning()).map(|w| w.to_string()),
        suggestions: feedback
            .map(|f| f.suggestions().iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_score_low_and_long_passphrases_high() {
        let weak = estimate("password1", &[]);
        assert!(weak.score <= 1);
        assert!(weak.warning.is_some() || !weak.suggestions.is_empty());
        let strong = estimate("correct-horse-battery-staple-tessera-1987-violet", &[]);
        assert_eq!(strong.score, 4);
        assert!(estimate("tessera2024", &["tessera"]).score <= 2);
    }
}
