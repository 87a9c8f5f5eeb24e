//! Rendering for people and for `--json`.

use serde_json::{json, Value};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use tessera_core::ItemSummary;
use tessera_core::{Error, Result};

pub fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| ms.to_string())
}

pub fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| ms.to_string())
}

pub fn summary_json(s: &ItemSummary) -> Value {
    json!({
        "id": s.id,
        "name": s.name,
        "kind": s.kind,
        "service": s.service,
        "tags": s.tags,
        "env": s.env_var,
        "scopes": s.scopes,
        "created_at": time(s.created_at),
        "updated_at": time(s.updated_at),
        "expires_at": s.expires_at.map(time),
        "version": s.version,
        "value_set_at": s.value_set_at.map(time),
        "policy": s.policy,
    })
}

/// Set when standard output was closed under us (`tessera list | head`);
/// main then exits quietly instead of reporting an error.
pub static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes one line to standard output, as `println!` would, but returns an
/// error instead of panicking when the reader has gone away.
pub fn write_line(args: std::fmt::Arguments<'_>) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                STDOUT_CLOSED.store(true, Ordering::Relaxed);
            }
            Error::from(e)
        })
}

/// Writes bytes to standard output as they are (no newline added).
pub fn write_raw(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
        Error::from(e)
    })
}

macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write_line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

pub fn print_json(v: &Value) -> Result<()> {
    outln!("{}", serde_json::to_string_pretty(v).unwrap_or_default())
}

/// A plain table with columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        outln!("{}", out.trim_end())
    };
    line(header.to_vec())?;
    for row in rows {
        line(row.iter().map(String::as_str).collect())?;
    }
    Ok(())
}
