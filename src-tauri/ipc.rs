//! The shapes that cross the IPC boundary. TypeScript twins are generated
//! into ui/src/lib/bindings by ts-rs (`cargo test` writes them; CI checks
//! that the committed files match).

use serde::{Deserialize, Serialize};
use tessera_core::prefs::Settings;
use tessera_core::{ItemKind, ItemSummary};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeyringStatus {
    pub available: bool,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub vault_path: String,
    pub vault_exists: bool,
    pub unlocked: bool,
    pub keyring: KeyringStatus,
    #[ts(type = "number | null")]
    pub quick_unlock_until: Option<i64>,
    pub device_secret: bool,
    pub settings: Settings,
    pub agent: AgentInfo,
}

/// Whether the app serves the agent socket that the CLI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    Starting,
    Serving,
    /// `tessera agent` serves this vault's socket already.
    Elsewhere,
    Unavailable,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AgentInfo {
    pub state: AgentState,
    pub socket: String,
    pub detail: Option<String>,
}

impl AgentInfo {
    pub fn starting() -> Self {
        Self::new(AgentState::Starting, String::new(), None)
    }
    pub fn serving(socket: &std::path::Path) -> Self {
        Self::new(AgentState::Serving, socket.display().to_string(), None)
    }
    pub fn elsewhere(socket: &std::path::Path) -> Self {
        Self::new(AgentState::Elsewhere, socket.display().to_string(), None)
    }
    pub fn unavailable(why: String) -> Self {
        Self::new(AgentState::Unavailable, String::new(), Some(why))
    }
    fn new(state: AgentState, socket: String, detail: Option<String>) -> Self {
        Self {
            state,
            socket,
            detail,
        }
    }
}

/// A program asked the agent for secrets it has no decision for.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ConsentQuestion {
    #[ts(type = "number")]
    pub id: u64,
    /// The program's absolute path.
    pub program: String,
    /// The names of the items it asked for.
    pub items: Vec<String>,
}

/// The list's sort order: the preferences' type, so the default sort and
/// the list's sort cannot disagree (one TypeScript file, SortOrder.ts).
pub use tessera_core::prefs::SortOrder;

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct SearchRequest {
    pub text: String,
    pub kind: Option<ItemKind>,
    pub tag: Option<String>,
    pub sort: SortOrder,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SearchResult {
    pub ids: Vec<String>,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ItemsSnapshot {
    pub items: Vec<ItemSummary>,
    pub tags: Vec<String>,
    #[ts(type = "number")]
    pub revision: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FieldView {
    pub name: String,
    pub hidden: bool,
    /// Hidden fields come without their value.
    pub value: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ItemDetail {
    pub summary: ItemSummary,
    pub notes: Option<String>,
    pub username: Option<String>,
    pub url: Option<String>,
    pub fields: Vec<FieldView>,
    #[ts(type = "number")]
    pub versions: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VersionView {
    #[ts(type = "number")]
    pub seq: i64,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number | null")]
    pub retired_at: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ItemInput {
    pub kind: ItemKind,
    pub name: String,
    pub service: Option<String>,
    pub env_var: Option<String>,
    pub tags: Vec<String>,
    pub scopes: Vec<String>,
    pub notes: Option<String>,
    pub username: Option<String>,
    pub url: Option<String>,
    #[ts(type = "number | null")]
    pub expires_at: Option<i64>,
}

#[derive(Deserialize, TS)]
#[ts(export)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NewValue {
    Literal {
        value: String,
    },
    Generate {
        length: u32,
        prefix: String,
        alphabet: String,
    },
}

impl Drop for NewValue {
    fn drop(&mut self) {
        if let NewValue::Literal { value } = self {
            zeroize::Zeroize::zeroize(value);
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    Dotenv,
    Bitwarden,
    Keepassxc,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DeleteReceipt {
    pub id: String,
    pub name: String,
    #[ts(type = "number")]
    pub undo_until: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LockedEvent {
    pub reason: String,
}

/// Re-exported so the bindings of core types are written with the others.
#[cfg(test)]
mod export_core_types {
    use ts_rs::TS;

    #[test]
    fn export_bindings_of_core_types() {
        let cfg = ts_rs::Config::from_env();
        tessera_core::ItemKind::export_all(&cfg).unwrap();
        tessera_core::ItemSummary::export_all(&cfg).unwrap();
        tessera_core::prefs::Settings::export_all(&cfg).unwrap();
        tessera_core::strength::Strength::export_all(&cfg).unwrap();
        tessera_core::device::RecoveryKit::export_all(&cfg).unwrap();
        tessera_core::transfer::ImportReport::export_all(&cfg).unwrap();
        tessera_core::health::HealthReport::export_all(&cfg).unwrap();
        tessera_core::prefs::Preferences::export_all(&cfg).unwrap();
        tessera_core::prefs::ProfileInfo::export_all(&cfg).unwrap();
    }
}

/// The consent screen's list: every lasting decision, newest first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ConsentGrants {
    pub grants: Vec<tessera_core::consent::Grant>,
}
