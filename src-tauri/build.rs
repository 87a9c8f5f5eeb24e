// Declares the app's own commands so Tauri's ACL checks them too; the
// capability in capabilities/main.json grants them to the main window.
const COMMANDS: &[&str] = &[
    "app_status",
    "password_strength",
    "create_vault",
    "unlock",
    "quick_unlock",
    "lock",
    "touch",
    "update_settings",
    "enable_quick_unlock",
    "disable_quick_unlock",
    "recovery_kit",
    "enable_device_secret",
    "disable_device_secret",
    "items_snapshot",
    "search_items",
    "item_detail",
    "reveal_value",
    "reveal_version",
    "copy_value",
    "item_history",
    "add_item",
    "update_item",
    "delete_item",
    "undo_delete",
    "rotate_item",
    "import_items",
    "page_ready",
    "answer_consent",
    "consent_grants",
    "revoke_consent",
    "health_report",
    "prefs_get",
    "prefs_set",
    "prefs_reset",
    "prefs_export",
    "prefs_import",
    "appearance",
    "profile_create",
    "profile_switch",
    "profile_rename",
    "profile_delete",
    "profile_filters",
    "system_color_scheme",
];

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri build failed: {e}");
        std::process::exit(1);
    }
}
