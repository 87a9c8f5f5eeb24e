//! Consent: answering the agent's questions, and the decisions stored in
//! the vault (listed and revoked from the consent screen).

use crate::commands::session::unlocked;
use crate::error::{CmdResult, ErrorPayload};
use crate::ipc::ConsentGrants;
use crate::state::AppState;
use tauri::State;
use tessera_core::consent::{Decision, Grant};

/// The window's answer to a `consent-requested` event; no decision means
/// "not now": refused this time, nothing remembered.
#[tauri::command]
pub fn answer_consent(state: State<'_, AppState>, id: u64, decision: Option<Decision>) -> CmdResult<()> {
    let delivered = match decision {
        Some(d) => state.questions.answer(id, d),
        None => state.questions.dismiss(id),
    };
    if delivered {
        Ok(())
    } else {
        Err(ErrorPayload::invalid(
            "that question is no longer open: the program stopped waiting or it was answered",
        ))
    }
}

/// Every lasting decision (always / deny), newest first.
#[tauri::command]
pub async fn consent_grants(state: State<'_, AppState>) -> CmdResult<ConsentGrants> {
    let mut session = state.session.lock().await;
    let mut grants = unlocked(&mut session)?.grants().await?;
    grants.reverse();
    Ok(ConsentGrants { grants })
}

/// Withdraws a decision: the program is asked again next time.
#[tauri::command]
pub async fn revoke_consent(state: State<'_, AppState>, id: String) -> CmdResult<Grant> {
    let mut session = state.session.lock().await;
    Ok(unlocked(&mut session)?.revoke_grant(&id).await?)
}
