//! Start-up timing for the cold-start benchmark: with
//! TESSERA_STARTUP_TRACE=1 each milestone prints its time since `main`.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Milliseconds since the first mark (`main`).
pub fn elapsed_ms() -> f64 {
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

/// Marks `what` the first time only.
pub fn mark_once(flag: &std::sync::atomic::AtomicBool, what: &str) {
    if !flag.swap(true, std::sync::atomic::Ordering::Relaxed) {
        mark(what);
    }
}

pub fn mark(what: &str) {
    let t = elapsed_ms();
    if std::env::var("TESSERA_STARTUP_TRACE").as_deref() == Ok("1") {
        eprintln!("startup: {what} at {t:.0} ms");
    }
}
