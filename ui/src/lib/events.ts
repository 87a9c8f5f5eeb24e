// The backend's events. Each subscribe function resolves to an unsubscribe.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { ConsentQuestion, HealthReport, ImportProgress, ItemsSnapshot, VaultLockedPayload } from './types';

export const EVENT_VAULT_LOCKED = 'vault-locked';
export const EVENT_ITEMS_CHANGED = 'items-changed';
export const EVENT_IMPORT_PROGRESS = 'import-progress';
export const EVENT_VAULT_UNLOCKED = 'vault-unlocked';
export const EVENT_CONSENT_REQUESTED = 'consent-requested';
export const EVENT_HEALTH_CHANGED = 'health-changed';
export const EVENT_COLOR_SCHEME = 'color-scheme-changed';

export function onVaultLocked(handler: (p: VaultLockedPayload) => void): Promise<UnlistenFn> {
  return listen<VaultLockedPayload>(EVENT_VAULT_LOCKED, (e) => handler(e.payload));
}

export function onItemsChanged(handler: (p: ItemsSnapshot) => void): Promise<UnlistenFn> {
  return listen<ItemsSnapshot>(EVENT_ITEMS_CHANGED, (e) => handler(e.payload));
}

export function onImportProgress(handler: (p: ImportProgress) => void): Promise<UnlistenFn> {
  return listen<ImportProgress>(EVENT_IMPORT_PROGRESS, (e) => handler(e.payload));
}

/** `tessera unlock` unlocked the vault this window shows. */
export function onVaultUnlocked(handler: () => void): Promise<UnlistenFn> {
  return listen(EVENT_VAULT_UNLOCKED, () => handler());
}

/** A program asked the agent for secrets it has no decision for. */
export function onConsentRequested(handler: (q: ConsentQuestion) => void): Promise<UnlistenFn> {
  return listen<ConsentQuestion>(EVENT_CONSENT_REQUESTED, (e) => handler(e.payload));
}

/** A fresh health report (after a change, and once a minute). */
export function onHealthChanged(handler: (r: HealthReport) => void): Promise<UnlistenFn> {
  return listen<HealthReport>(EVENT_HEALTH_CHANGED, (e) => handler(e.payload));
}

/** The desktop portal's colour scheme changed (Linux): 'dark', 'light' or null. */
export function onColorScheme(handler: (p: 'light' | 'dark' | null) => void): Promise<UnlistenFn> {
  return listen<'light' | 'dark' | null>(EVENT_COLOR_SCHEME, (e) => handler(e.payload));
}
