// The recovery kit being shown (and printed) while device secret is being
// switched on. Dropped as soon as that is done, cancelled, or the vault locks.
import type { RecoveryKit } from '../types';

class RecoveryStore {
  kit = $state.raw<RecoveryKit | null>(null);

  clear(): void {
    this.kit = null;
  }
}

export const recovery = new RecoveryStore();
