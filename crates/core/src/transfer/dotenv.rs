//! `.env` files: `KEY=value` lines, `export` prefixes, `#` comments, single
//! quotes (literal), double quotes (escapes, may span lines).

use super::{kind_from_name, ImportedItem, ImportedValue, Parsed, Skipped};
use crate::error::{Error, Result};
use crate::items::{validate_env_var, ItemDetails, ItemMeta};
use std::collections::HashMap;
use zeroize::Zeroizing;

/// A malformed line, before it is given the error code of its use (an
/// import, or `tessera run --env-file`).
#[derive(Debug)]
pub(crate) struct LineError {
    pub line: usize,
    pub message: String,
}

fn bad(line: usize, msg: &str) -> LineError {
    LineError {
        line,
        message: msg.to_owned(),
    }
}

/// One `KEY=value` assignment and the line it starts on.
pub(crate) struct Assignment {
    pub line: usize,
    pub key: String,
    pub value: Zeroizing<String>,
}

/// Every assignment of a dotenv file, in order, duplicates included.
pub(crate) fn assignments(bytes: &[u8]) -> std::result::Result<Vec<Assignment>, LineError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        bad(line, "not valid UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut entries = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i + 1;
        let line = lines[i].trim_start();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map(str::trim_start).unwrap_or(line);
        let Some((key, rest)) = line.split_once('=') else {
            return Err(bad(lineno, "expected KEY=value"));
        };
        let key = key.trim();
        validate_env_var(key).map_err(|_| bad(lineno, &format!("{key:?} is not a valid variable name")))?;
        let rest = rest.trim_start();
        let value = if let Some(body) = rest.strip_prefix('\'') {
            let Some(end) = body.find('\'') else {
                return Err(bad(lineno, "unterminated single quote"));
            };
            trailing_ok(&body[end + 1..], lineno)?;
            Zeroizing::new(body[..end].to_owned())
        } else if let Some(body) = rest.strip_prefix('"') {
            let mut out = Zeroizing::new(String::new());
            let mut current = body;
            loop {
                match unescape_until_quote(current, &mut out) {
                    Some(after) => {
                        trailing_ok(after, lineno)?;
                        break;
                    }
                    None if i < lines.len() => {
                        out.push('\n');
                        current = lines[i];
                        i += 1;
                    }
                    None => return Err(bad(lineno, "unterminated double quote")),
                }
            }
            out
        } else {
            // Unquoted: up to an inline comment, trimmed.
            let v = match rest.find(" #") {
                Some(p) => &rest[..p],
                None => rest,
            };
            Zeroizing::new(v.trim_end().to_owned())
        };
        entries.push(Assignment {
            line: lineno,
            key: key.to_owned(),
            value,
        });
    }
    Ok(entries)
}

pub fn parse(bytes: &[u8]) -> Result<Parsed> {
    let entries: Vec<(usize, String, Zeroizing<String>)> = assignments(bytes)
        .map_err(|e| Error::Import(format!("line {}: {}", e.line, e.message)))?
        .into_iter()
        .map(|a| (a.line, a.key, a.value))
        .collect();

    let mut parsed = Parsed::default();
    let mut last_line: HashMap<&str, usize> = HashMap::new();
    for (line, key, _) in &entries {
        last_line.insert(key.as_str(), *line);
    }
    for (line, key, value) in &entries {
        let winner = last_line.get(key.as_str()).copied().unwrap_or(*line);
        if winner != *line {
            parsed.skipped.push(Skipped {
                record: format!("line {line}"),
                reason: format!("{key} is set again on line {winner}, which wins"),
            });
            continue;
        }
        if value.is_empty() {
            parsed.skipped.push(Skipped {
                record: format!("line {line}"),
                reason: format!("{key} has an empty value"),
            });
            continue;
        }
        parsed.items.push(ImportedItem {
            kind: kind_from_name(key),
            meta: ItemMeta {
                name: key.clone(),
                env_var: Some(key.clone()),
                ..Default::default()
            },
            details: ItemDetails::default(),
            created_at: None,
            updated_at: None,
            expires_at: None,
            versions: vec![ImportedValue {
                value: value.to_string(),
                created_at: None,
                retired_at: None,
            }],
        });
    }
    Ok(parsed)
}

/// After a closing quote only spaces and a comment may follow.
fn trailing_ok(rest: &str, line: usize) -> std::result::Result<(), LineError> {
    let rest = rest.trim();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(())
    } else {
        Err(bad(line, "unexpected text after the closing quote"))
    }
}

/// Appends `s` up to an unescaped `"` to `out`; returns what follows the
/// quote, or `None` if the line ends first.
fn unescape_until_quote<'a>(s: &'a str, out: &mut String) -> Option<&'a str> {
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some(&s[i + 1..]),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, other)) => out.push(other),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::ItemKind;

    #[test]
    fn reads_the_common_forms() {
        let src = "# comment\nexport STRIPE_API_KEY=sk_test_123 # inline\nGITHUB_TOKEN='ghp_$literal'\nDB_PASSWORD=\"multi\nline \\\"quoted\\\"\"\n\nEMPTY=\nDB_PASSWORD=later\n";
        let p = parse(src.as_bytes()).unwrap();
        let got: Vec<(&str, ItemKind, &str)> = p
            .items
            .iter()
            .map(|i| (i.meta.name.as_str(), i.kind, i.versions[0].value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("STRIPE_API_KEY", ItemKind::ApiKey, "sk_test_123"),
                ("GITHUB_TOKEN", ItemKind::Token, "ghp_$literal"),
                ("DB_PASSWORD", ItemKind::Secret, "later"),
            ]
        );
        assert_eq!(p.skipped.len(), 2);
        assert!(p.skipped.iter().any(|s| s.record == "line 4"));
        assert!(p.skipped.iter().any(|s| s.record == "line 7"));
    }

    #[test]
    fn errors_name_the_line() {
        for (src, line) in [
            ("A=1\nnot a pair\n", "line 2"),
            ("A=1\n1BAD=x\n", "line 2"),
            ("A='open\n", "line 1"),
            ("A=\"open\nstill open\n", "line 1"),
            ("A='x' junk\n", "line 1"),
        ] {
            let e = parse(src.as_bytes()).unwrap_err();
            assert_eq!(e.code(), "import.invalid");
            assert!(e.to_string().contains(line), "{src:?}: {e}");
        }
    }
}
