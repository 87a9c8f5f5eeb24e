// What the backend told us about the vault: exists? unlocked? settings.
import { api, toApiError, type ApiError } from '../api';
import type { AppStatus, Settings, VaultLockedPayload } from '../types';

export type Screen = 'loading' | 'unavailable' | 'create' | 'locked' | 'vault';

export const DEFAULT_SETTINGS: Settings = {
  auto_lock_minutes: 5,
  clipboard_clear_seconds: 20,
  reveal_seconds: 15,
};

class AppStore {
  status = $state.raw<AppStatus | null>(null);
  loadError = $state.raw<ApiError | null>(null);
  /** Why the vault was locked last, for a notice on the lock screen. */
  lockReason = $state<VaultLockedPayload['reason'] | null>(null);

  get screen(): Screen {
    const s = this.status;
    if (s === null) return this.loadError ? 'unavailable' : 'loading';
    if (!s.vault_exists) return 'create';
    return s.unlocked ? 'vault' : 'locked';
  }

  get settings(): Settings {
    return this.status?.settings ?? DEFAULT_SETTINGS;
  }

  get unlocked(): boolean {
    return this.status?.unlocked === true;
  }

  async load(): Promise<void> {
    this.loadError = null;
    try {
      this.setStatus(await api.appStatus());
    } catch (e) {
      this.loadError = toApiError(e);
    }
  }

  setStatus(status: AppStatus): void {
    this.status = status;
    if (status.unlocked) this.lockReason = null;
  }

  markLocked(reason: VaultLockedPayload['reason']): void {
    this.lockReason = reason;
    if (this.status) this.status = { ...this.status, unlocked: false };
  }

  reset(): void {
    this.status = null;
    this.loadError = null;
    this.lockReason = null;
  }
}

export const app = new AppStore();
