//! Items: snapshot, search, detail, reveal, copy, add, edit, delete with
//! undo, rotate, import.

use super::session::unlocked;
use crate::error::{CmdResult, ErrorPayload};
use crate::events;
use crate::ipc::{
    DeleteReceipt, FieldView, ImportFormat, ImportProgress, ItemDetail, ItemInput, NewValue, SearchRequest,
    SearchResult, SortOrder, VersionView,
};
use crate::state::{now_ms, AppState, Session};
use std::time::Duration;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tessera_core::rotation::Generator;
use tessera_core::transfer::{self, ImportReport, Parsed};
use tessera_core::{ItemDetails, ItemEdit, ItemMeta, ItemSummary, NewItem, Query, Zeroizing};

const UNDO_WINDOW_MS: i64 = 10_000;

fn value_of(v: &NewValue) -> CmdResult<Zeroizing<String>> {
    match v {
        NewValue::Literal { value } => Ok(Zeroizing::new(value.clone())),
        NewValue::Generate {
            length,
            prefix,
            alphabet,
        } => Ok(Generator {
            length: *length as usize,
            alphabet: alphabet.parse()?,
            prefix: prefix.clone(),
            group: 0,
        }
        .generate()?),
    }
}

fn blank_to_none(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn clean_list(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

pub(crate) fn snapshot(session: &mut Session) -> CmdResult<crate::ipc::ItemsSnapshot> {
    let revision = session.revision;
    let vault = unlocked(session)?;
    let index = vault.index().ok_or_else(ErrorPayload::locked)?;
    let items: Vec<ItemSummary> = index.items().cloned().collect();
    let mut tags: Vec<String> = items.iter().flat_map(|i| i.tags.iter().cloned()).collect();
    tags.sort_by_key(|t| t.to_lowercase());
    tags.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    Ok(crate::ipc::ItemsSnapshot {
        items,
        tags,
        revision,
    })
}

/// Tells the window the item set changed (our own change, or another process's).
async fn changed<R: Runtime>(app: &AppHandle<R>, session: &mut Session) {
    session.revision += 1;
    if let Ok(s) = snapshot(session) {
        events::items_changed(app, s);
    }
}

#[tauri::command]
pub async fn items_snapshot(state: State<'_, AppState>) -> CmdResult<crate::ipc::ItemsSnapshot> {
    let mut session = state.session.lock().await;
    snapshot(&mut session)
}

#[tauri::command]
pub async fn search_items(state: State<'_, AppState>, request: SearchRequest) -> CmdResult<SearchResult> {
    let mut session = state.session.lock().await;
    let filters = session.filters.clone();
    let vault = unlocked(&mut session)?;
    let index = vault.index().ok_or_else(ErrorPayload::locked)?;
    let q = Query {
        text: Some(request.text.clone()).filter(|t| !t.trim().is_empty()),
        kind: request.kind,
        tag: request.tag.clone(),
    };
    // Inside the active persona profile's standing filters.
    let mut hits = index.search_within(&q, &filters);
    match request.sort {
        SortOrder::Relevance => {}
        SortOrder::Name => hits.sort_by_cached_key(|i| i.name.to_lowercase()),
        SortOrder::RecentlyUpdated => hits.sort_by_key(|i| std::cmp::Reverse(i.updated_at)),
        SortOrder::Expiry => hits.sort_by_key(|i| (i.expires_at.is_none(), i.expires_at)),
    }
    Ok(SearchResult {
        total: hits.len() as u32,
        ids: hits.into_iter().map(|i| i.id.clone()).collect(),
    })
}

#[tauri::command]
pub async fn item_detail(state: State<'_, AppState>, id: String) -> CmdResult<ItemDetail> {
    let mut session = state.session.lock().await;
    let view = unlocked(&mut session)?.item(&id).await?;
    let d = &view.details;
    Ok(ItemDetail {
        notes: d.notes.clone(),
        username: d.username.clone(),
        url: d.url.clone(),
        fields: d
            .fields
            .iter()
            .map(|f| FieldView {
                name: f.name.clone(),
                hidden: f.hidden,
                value: (!f.hidden).then(|| f.value.clone()),
            })
            .collect(),
        versions: view.versions,
        summary: view.summary.clone(),
    })
}

#[tauri::command]
pub async fn reveal_value(state: State<'_, AppState>, id: String) -> CmdResult<String> {
    state.touch();
    let mut session = state.session.lock().await;
    Ok(unlocked(&mut session)?.value(&id).await?.to_string())
}

#[tauri::command]
pub async fn reveal_version(state: State<'_, AppState>, id: String, seq: i64) -> CmdResult<String> {
    let mut session = state.session.lock().await;
    let (_, history) = unlocked(&mut session)?.history(&id).await?;
    history
        .iter()
        .find(|v| v.seq == seq)
        .map(|v| v.value.to_string())
        .ok_or_else(|| ErrorPayload::invalid(format!("the item has no version {seq}")))
}

/// Copies the value and clears the clipboard after the configured delay if
/// it still holds that value. The value never passes through the web view.
#[tauri::command]
pub async fn copy_value<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<u32> {
    let mut session = state.session.lock().await;
    let seconds = session.settings.clipboard_clear_seconds;
    let value = unlocked(&mut session)?.value(&id).await?;
    drop(session);
    let digest = ring::digest::digest(&ring::digest::SHA256, value.as_bytes());
    app.clipboard()
        .write_text(value.as_str())
        .map_err(|e| ErrorPayload {
            code: "clipboard.failure".into(),
            message: format!("cannot copy: {e}"),
        })?;
    drop(value);
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(u64::from(seconds))).await;
        if let Ok(current) = app.clipboard().read_text() {
            let current = Zeroizing::new(current);
            if ring::digest::digest(&ring::digest::SHA256, current.as_bytes()).as_ref() == digest.as_ref() {
                let _ = app.clipboard().clear();
            }
        }
    });
    Ok(seconds)
}

#[tauri::command]
pub async fn item_history(state: State<'_, AppState>, id: String) -> CmdResult<Vec<VersionView>> {
    let mut session = state.session.lock().await;
    let (_, history) = unlocked(&mut session)?.history(&id).await?;
    Ok(history
        .iter()
        .map(|v| VersionView {
            seq: v.seq,
            created_at: v.created_at,
            retired_at: v.retired_at,
        })
        .collect())
}

#[tauri::command]
pub async fn add_item<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: ItemInput,
    value: NewValue,
) -> CmdResult<ItemSummary> {
    let value = value_of(&value)?;
    let mut session = state.session.lock().await;
    let item = NewItem {
        kind: input.kind,
        meta: ItemMeta {
            name: input.name.trim().to_owned(),
            service: blank_to_none(&input.service),
            tags: clean_list(&input.tags),
            env_var: blank_to_none(&input.env_var),
            scopes: clean_list(&input.scopes),
            ..Default::default()
        },
        details: ItemDetails {
            notes: blank_to_none(&input.notes),
            username: blank_to_none(&input.username),
            url: blank_to_none(&input.url),
            fields: Vec::new(),
        },
        value,
        expires_at: input.expires_at,
    };
    let s = unlocked(&mut session)?.add(item).await?;
    changed(&app, &mut session).await;
    Ok(s)
}

#[tauri::command]
pub async fn update_item<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: ItemInput,
) -> CmdResult<ItemSummary> {
    let mut session = state.session.lock().await;
    let edit = ItemEdit {
        name: Some(input.name.trim().to_owned()),
        service: Some(blank_to_none(&input.service)),
        env_var: Some(blank_to_none(&input.env_var)),
        tags: Some(clean_list(&input.tags)),
        scopes: Some(clean_list(&input.scopes)),
        notes: Some(blank_to_none(&input.notes)),
        username: Some(blank_to_none(&input.username)),
        url: Some(blank_to_none(&input.url)),
        expires_at: Some(input.expires_at),
        policy: None,
    };
    let s = unlocked(&mut session)?.edit(&id, edit).await?;
    changed(&app, &mut session).await;
    Ok(s)
}

#[tauri::command]
pub async fn delete_item<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<DeleteReceipt> {
    let mut session = state.session.lock().await;
    let vault = unlocked(&mut session)?;
    let kept = vault.export_item(&id).await?;
    let s = vault.remove(&id).await?;
    let undo_until = now_ms() + UNDO_WINDOW_MS;
    session.deleted.retain(|_, (_, until)| *until > now_ms());
    session.deleted.insert(s.id.clone(), (kept, undo_until));
    changed(&app, &mut session).await;
    Ok(DeleteReceipt {
        id: s.id,
        name: s.name,
        undo_until,
    })
}

#[tauri::command]
pub async fn undo_delete<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<ItemSummary> {
    let mut session = state.session.lock().await;
    let Some((item, until)) = session.deleted.remove(&id) else {
        return Err(ErrorPayload::invalid("there is nothing to undo"));
    };
    if until < now_ms() {
        return Err(ErrorPayload::invalid("it is too late to undo that delete"));
    }
    let name = item.meta.name.clone();
    let parsed = Parsed {
        items: vec![item],
        skipped: Vec::new(),
    };
    let report = unlocked(&mut session)?
        .import_items(parsed, &mut |_, _| {})
        .await?;
    if report.imported != 1 {
        let why = report
            .skipped
            .first()
            .map(|s| s.reason.clone())
            .unwrap_or_default();
        return Err(ErrorPayload::invalid(format!("cannot restore {name:?}: {why}")));
    }
    let restored = unlocked(&mut session)?.item(&name).await?.summary;
    changed(&app, &mut session).await;
    Ok(restored)
}

#[tauri::command]
pub async fn rotate_item<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    value: NewValue,
    reason: String,
) -> CmdResult<ItemSummary> {
    let value = value_of(&value)?;
    let mut session = state.session.lock().await;
    let s = unlocked(&mut session)?.rotate(&id, &value, &reason).await?;
    changed(&app, &mut session).await;
    Ok(s)
}

#[tauri::command]
pub async fn import_items<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    format: ImportFormat,
    contents: String,
) -> CmdResult<ImportReport> {
    let contents = Zeroizing::new(contents);
    let format = match format {
        ImportFormat::Dotenv => transfer::ImportFormat::Dotenv,
        ImportFormat::Bitwarden => transfer::ImportFormat::Bitwarden,
        ImportFormat::Keepassxc => transfer::ImportFormat::Keepassxc,
    };
    let parsed = transfer::parse(format, contents.as_bytes())?;
    let mut session = state.session.lock().await;
    let progress_app = app.clone();
    let mut last = 0usize;
    let mut progress = move |done: usize, total: usize| {
        // About a hundred updates, whatever the size.
        if done == total || done >= last + total.div_ceil(100) {
            last = done;
            events::import_progress(
                &progress_app,
                ImportProgress {
                    done: done as u32,
                    total: total as u32,
                },
            );
        }
    };
    let report = unlocked(&mut session)?
        .import_items(parsed, &mut progress)
        .await?;
    changed(&app, &mut session).await;
    Ok(report)
}
