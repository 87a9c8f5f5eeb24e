import { render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, makeItems } from './backend';
import type { ItemSummary } from '../src/lib/types';

/** The app, unlocked, showing `items`. */
export async function renderUnlocked(items: ItemSummary[] = makeItems(5)) {
  const backend = new FakeBackend({ status: { unlocked: true }, items });
  const result = render(App);
  const search = (await screen.findByTestId('search')) as HTMLInputElement;
  if (items.length > 0) await waitFor(() => screen.getAllByTestId('item-row'));
  return { backend, search, ...result };
}

export function rows(): HTMLElement[] {
  return screen.queryAllByTestId('item-row');
}

export function selectedRow(): HTMLElement | undefined {
  return rows().find((r) => r.getAttribute('aria-selected') === 'true');
}
