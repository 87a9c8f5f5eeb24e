//! The smallest Tauri 2 app: one window, a page of one heading, and one
//! command the page calls once its first frame is painted. With
//! `BASELINE_EXIT_WHEN_READY=1` it exits there, which is how
//! scripts/bench/app.sh times its cold start next to Tessera's; without it,
//! it stays open so its idle memory can be read. `BASELINE_TRACE=1` prints
//! the same milestones as Tessera's `TESSERA_STARTUP_TRACE=1`.
#![forbid(unsafe_code)]

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

fn mark(what: &str) {
    if std::env::var_os("BASELINE_TRACE").is_some() {
        let ms = START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0;
        eprintln!("startup: {what} at {ms:.0} ms");
    }
}

#[tauri::command]
fn ready() {
    mark("ready");
    if std::env::var_os("BASELINE_EXIT_WHEN_READY").is_some() {
        std::process::exit(0);
    }
}

fn main() {
    mark("main");
    let app = tauri::Builder::default()
        .setup(|_| {
            mark("setup hook");
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
