import { screen, waitFor } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import { fireEvent } from '@testing-library/svelte';
import { t } from '../src/lib/i18n';
import { vault } from '../src/lib/stores/vault.svelte';
import { emitEvent, makeItem, makeItems } from './backend';
import { renderUnlocked, rows } from './helpers';

describe('backend events', () => {
  test('"vault-locked" drops items and details and shows the lock screen', async () => {
    const { backend } = await renderUnlocked(makeItems(5));
    await fireEvent.click(rows()[0]);
    await screen.findByTestId('item-name');

    backend.status = { ...backend.status, unlocked: false };
    await emitEvent('vault-locked', { reason: 'idle' });
    expect(await screen.findByTestId('unlock-password')).toBeTruthy();
    expect(screen.queryAllByTestId('item-row')).toHaveLength(0);
    expect(screen.queryByTestId('item-name')).toBeNull();
    expect(document.body.textContent).not.toContain('item-0000');
    await backend.waitForCall('app_status', 2);
    expect(await screen.findByText(t('lock.locked_idle'))).toBeTruthy();
    // Nothing stays in memory either.
    expect(vault.snapshot).toBeNull();
    expect(vault.detail).toBeNull();
    expect(vault.resultIds).toEqual([]);
  });

  test('"vault-locked" for system sleep says so on the lock screen', async () => {
    const { backend } = await renderUnlocked(makeItems(1));
    backend.status = { ...backend.status, unlocked: false };
    await emitEvent('vault-locked', { reason: 'sleep' });
    expect(await screen.findByText(t('lock.locked_sleep'))).toBeTruthy();
    expect(screen.queryAllByTestId('item-row')).toHaveLength(0);
  });

  test('"items-changed" replaces the snapshot and re-runs the search', async () => {
    const { backend } = await renderUnlocked(makeItems(2));
    const before = backend.called('search_items').length;
    backend.items = [...backend.items, makeItem(99, { name: 'from-the-cli' })];
    backend.revision = 2;
    await emitEvent('items-changed', backend.snapshot());
    await waitFor(() => expect(rows().map((r) => r.dataset.name)).toContain('from-the-cli'));
    expect(backend.called('search_items').length).toBeGreaterThan(before);

    // An older snapshot arriving late is ignored.
    await emitEvent('items-changed', { items: [], tags: [], revision: 1 });
    expect(rows().map((r) => r.dataset.name)).toContain('from-the-cli');
  });

  test('activity pings the backend at most once per 15 s', async () => {
    const { backend } = await renderUnlocked(makeItems(2));
    const start = Date.now();
    const { pinger } = await import('../src/lib/idle');
    pinger.reset();
    await fireEvent.pointerDown(document.body);
    await fireEvent.keyDown(document.body, { key: 'Shift' });
    await fireEvent.wheel(document.body);
    expect(backend.called('touch')).toHaveLength(1);
    expect(pinger.activity(start + 14_000)).toBe(false);
    expect(pinger.activity(start + 15_500)).toBe(true);
    expect(backend.called('touch')).toHaveLength(2);
  });
});
