// Progress of the running import, fed by "import-progress" events.
import type { ImportProgress } from '../types';

class ImportStore {
  progress = $state.raw<ImportProgress | null>(null);

  reset(): void {
    this.progress = null;
  }
}

export const importer = new ImportStore();
