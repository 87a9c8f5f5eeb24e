// Typed wrappers over the Tauri commands of the desktop shell. Every failing
// command rejects with an ErrorPayload {code, message}; callers get an
// ApiError instead, whose `code` is the stable Tessera error code.
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import type {
  Appearance,
  AppStatus,
  ConsentGrants,
  Decision,
  Grant,
  HealthReport,
  Filters,
  PrefsView,
  DeleteReceipt,
  ImportFormat,
  ImportReport,
  ItemDetail,
  ItemInput,
  ItemsSnapshot,
  ItemSummary,
  NewValue,
  RecoveryKit,
  SearchRequest,
  SearchResult,
  Strength,
  VersionView,
} from './types';

/** Codes the UI produces itself, when the backend could not be reached. */
export const IPC_FAILURE = 'ipc.failure';

export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

function isPayload(e: unknown): e is { code: unknown; message: unknown } {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

/** Turns whatever an invoke rejected with into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isPayload(e)) return new ApiError(String(e.code), String(e.message));
  if (typeof e === 'string') return new ApiError(IPC_FAILURE, e);
  if (e instanceof Error) return new ApiError(IPC_FAILURE, e.message);
  return new ApiError(IPC_FAILURE, String(e));
}

async function call<T>(cmd: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  appStatus: () => call<AppStatus>('app_status'),
  passwordStrength: (password: string) => call<Strength>('password_strength', { password }),
  createVault: (password: string) => call<AppStatus>('create_vault', { password }),
  unlock: (password: string) => call<AppStatus>('unlock', { password }),
  quickUnlock: () => call<AppStatus>('quick_unlock'),
  lock: () => call<AppStatus>('lock'),
  itemsSnapshot: () => call<ItemsSnapshot>('items_snapshot'),
  searchItems: (request: SearchRequest) => call<SearchResult>('search_items', { request }),
  itemDetail: (id: string) => call<ItemDetail>('item_detail', { id }),
  revealValue: (id: string) => call<string>('reveal_value', { id }),
  revealVersion: (id: string, seq: number) => call<string>('reveal_version', { id, seq }),
  copyValue: (id: string) => call<number>('copy_value', { id }),
  itemHistory: (id: string) => call<VersionView[]>('item_history', { id }),
  addItem: (input: ItemInput, value: NewValue) => call<ItemSummary>('add_item', { input, value }),
  updateItem: (id: string, input: ItemInput) => call<ItemSummary>('update_item', { id, input }),
  deleteItem: (id: string) => call<DeleteReceipt>('delete_item', { id }),
  undoDelete: (id: string) => call<ItemSummary>('undo_delete', { id }),
  rotateItem: (id: string, value: NewValue, reason: string) =>
    call<ItemSummary>('rotate_item', { id, value, reason }),
  importItems: (format: ImportFormat, contents: string) =>
    call<ImportReport>('import_items', { format, contents }),
  touch: () => call<null>('touch'),
  pageReady: (pageMs: number) => call<null>('page_ready', { pageMs }),
  enableQuickUnlock: (password: string, days: number) =>
    call<AppStatus>('enable_quick_unlock', { password, days }),
  disableQuickUnlock: () => call<AppStatus>('disable_quick_unlock'),
  recoveryKit: () => call<RecoveryKit>('recovery_kit'),
  enableDeviceSecret: (password: string, confirmation: string) =>
    call<AppStatus>('enable_device_secret', { password, confirmation }),
  disableDeviceSecret: (password: string) => call<AppStatus>('disable_device_secret', { password }),
  answerConsent: (id: number, decision: Decision | null) => call<null>('answer_consent', { id, decision }),
  healthReport: () => call<HealthReport>('health_report'),
  consentGrants: () => call<ConsentGrants>('consent_grants'),
  revokeConsent: (id: string) => call<Grant>('revoke_consent', { id }),
  // Preferences and persona profiles.
  prefsGet: () => call<PrefsView>('prefs_get'),
  prefsSet: (key: string, value: string) => call<PrefsView>('prefs_set', { key, value }),
  prefsReset: (target: string | null) => call<PrefsView>('prefs_reset', { target }),
  prefsExport: () => call<string>('prefs_export'),
  prefsImport: (contents: string) => call<PrefsView>('prefs_import', { contents }),
  appearance: () => call<Appearance>('appearance'),
  systemColorScheme: () => call<'light' | 'dark' | null>('system_color_scheme'),
  profileCreate: (name: string) => call<PrefsView>('profile_create', { name }),
  profileSwitch: (name: string) => call<PrefsView>('profile_switch', { name }),
  profileRename: (name: string, newName: string) => call<PrefsView>('profile_rename', { name, newName }),
  profileDelete: (name: string) => call<PrefsView>('profile_delete', { name }),
  profileFilters: (name: string, filters: Filters) => call<PrefsView>('profile_filters', { name, filters }),
};
