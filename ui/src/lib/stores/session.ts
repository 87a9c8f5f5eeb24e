// Locking: every piece of vault state is dropped in one place.
import { api } from '../api';
import { pinger } from '../idle';
import type { AppStatus, VaultLockedPayload } from '../types';
import { app } from './app.svelte';
import { consent } from './consent.svelte';
import { health } from './health.svelte';
import { importer } from './importer.svelte';
import { prefs } from './prefs.svelte';
import { recovery } from './recovery.svelte';
import { toasts } from './toasts.svelte';
import { ui } from './ui.svelte';
import { vault } from './vault.svelte';

/** Drops items, details and notices and shows the lock screen. */
export function clearVaultState(reason: VaultLockedPayload['reason']): void {
  vault.reset();
  ui.close();
  importer.reset();
  recovery.clear();
  consent.reset();
  health.reset();
  toasts.clear();
  pinger.reset();
  prefs.lock();
  app.markLocked(reason);
}

/** The "vault-locked" event: clear, then refresh the status (quick unlock etc.). */
export function handleVaultLocked(reason: VaultLockedPayload['reason']): void {
  clearVaultState(reason);
  void app.load();
}

/** The Lock button and Ctrl+L. */
export async function lockNow(): Promise<void> {
  let status: AppStatus | null = null;
  try {
    status = await api.lock();
  } finally {
    clearVaultState('user');
    if (status) app.setStatus(status);
  }
}

/** Everything back to the start; for tests. */
export function resetStores(): void {
  vault.reset();
  ui.close();
  importer.reset();
  recovery.clear();
  consent.reset();
  health.reset();
  toasts.clear();
  pinger.reset();
  prefs.forget();
  app.reset();
}
