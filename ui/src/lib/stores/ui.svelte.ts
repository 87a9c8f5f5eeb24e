// Which vault-level dialog is open (add, import, settings, access, health).
export type VaultDialog = 'add' | 'import' | 'settings' | 'access' | 'health' | null;

class UiStore {
  dialog = $state<VaultDialog>(null);

  open(dialog: Exclude<VaultDialog, null>): void {
    this.dialog = dialog;
  }

  close(): void {
    this.dialog = null;
  }
}

export const ui = new UiStore();

/** True while any modal dialog is on screen. */
export function modalOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"]') !== null;
}
