//! The smallest Tauri 2 app: one window, a page of one heading, and one
//! command the page calls once its first frame is painted. With
//! `BASELINE_EXIT_WHEN_READY=1` it exits there, which is how
//! scripts/bench/app.sh times its cold start next to Tessera's; without it,
//! it stays open so its idle memory can be read.
#![forbid(unsafe_code)]

#[tauri::command]
fn ready() {
    if std::env::var_os("BASELINE_EXIT_WHEN_READY").is_some() {
        std::process::exit(0);
    }
}

fn main() {
    let app = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!());
    if let Err(e) = app {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
