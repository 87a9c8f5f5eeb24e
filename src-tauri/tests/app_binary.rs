//! The desktop binary itself, started as a user would.

/// With no display the app says so and exits 1, rather than panicking
/// inside GTK's start-up.
#[test]
fn without_a_display_it_says_so_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tessera-app"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("TESSERA_VAULT", dir.path().join("vault.db"))
        .output()
        .expect("run the app");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error[app.start]: no graphical display"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.path().join("vault.db").exists(), "nothing is created");
}
