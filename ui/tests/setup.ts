import { clearMocks } from '@tauri-apps/api/mocks';
import { cleanup } from '@testing-library/svelte';
import { afterEach, vi } from 'vitest';
import { resetStores } from '../src/lib/stores/session';

// @testing-library/svelte's vite plugin unmounts rendered components after
// each test; here the fake backend and the module-level stores are reset.
afterEach(async () => {
  vi.useRealTimers();
  cleanup();
  // Let unsubscriptions started by unmounting reach the fake backend.
  await new Promise((resolve) => setTimeout(resolve, 0));
  resetStores();
  clearMocks();
});
