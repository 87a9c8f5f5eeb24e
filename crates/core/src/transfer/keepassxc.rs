//! KeePassXC CSV export (`keepassxc-cli export -f csv`, or Database ▸ Export
//! ▸ CSV): `"Group","Title","Username","Password","URL","Notes","TOTP","Icon",
//! "Last Modified","Created"`.

use super::{parse_time, ImportedItem, ImportedValue, Parsed, Skipped};
use crate::error::{Error, Result};
use crate::items::{CustomField, ItemDetails, ItemKind, ItemMeta};

const HEADER: [&str; 10] = [
    "Group",
    "Title",
    "Username",
    "Password",
    "URL",
    "Notes",
    "TOTP",
    "Icon",
    "Last Modified",
    "Created",
];

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| s.to_owned())
}

pub fn parse(bytes: &[u8]) -> Result<Parsed> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = reader
        .headers()
        .map_err(|e| Error::Import(format!("line 1: {e}")))?
        .clone();
    let found: Vec<&str> = header.iter().collect();
    if found.len() < 7 || found[..7] != HEADER[..7] {
        return Err(Error::Import(format!(
            "line 1: not a KeePassXC CSV export (expected the header {})",
            HEADER.map(|h| format!("\"{h}\"")).join(",")
        )));
    }
    let col = |name: &str| found.iter().position(|h| *h == name);
    let (modified_col, created_col) = (col("Last Modified"), col("Created"));
    let mut parsed = Parsed::default();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Error::Import(format!("line {line}: {e}"))
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |i: usize| record.get(i).unwrap_or_default();
        let (group, title, username, password, url, notes, totp) =
            (get(0), get(1), get(2), get(3), get(4), get(5), get(6));
        let where_ = format!("line {line} ({title:?})");
        if title.trim().is_empty() {
            parsed.skipped.push(Skipped {
                record: where_,
                reason: "the entry has no title".into(),
            });
            continue;
        }
        if password.is_empty() {
            parsed.skipped.push(Skipped {
                record: where_,
                reason: "the entry has no password".into(),
            });
            continue;
        }
        // "Root/Work/Cloud" -> tag "Work/Cloud"; the root group is implied.
        let group = group.split_once('/').map(|(_, rest)| rest).unwrap_or("");
        let mut fields = Vec::new();
        if let Some(t) = non_empty(totp) {
            fields.push(CustomField {
                name: "totp".into(),
                value: t,
                hidden: true,
            });
        }
        let modified = modified_col.and_then(|c| record.get(c)).and_then(parse_time);
        let created = created_col.and_then(|c| record.get(c)).and_then(parse_time);
        parsed.items.push(ImportedItem {
            kind: ItemKind::Secret,
            meta: ItemMeta {
                name: title.trim().to_owned(),
                tags: non_empty(group).into_iter().collect(),
                ..Default::default()
            },
            details: ItemDetails {
                notes: non_empty(notes),
                username: non_empty(username),
                url: non_empty(url),
                fields,
            },
            created_at: created,
            updated_at: modified.or(created),
            expires_at: None,
            versions: vec![ImportedValue {
                value: password.to_owned(),
                created_at: modified.or(created),
                retired_at: None,
            }],
        });
    }
    Ok(parsed)
}
