//! The health dashboard: what is expired, due, shared or weak.

use crate::commands::session::unlocked;
use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use tessera_core::health::{HealthReport, HealthSettings};

#[tauri::command]
pub async fn health_report(state: State<'_, AppState>) -> CmdResult<HealthReport> {
    let mut session = state.session.lock().await;
    Ok(unlocked(&mut session)?.health(&HealthSettings::default()).await?)
}
