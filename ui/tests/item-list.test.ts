import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import { t } from '../src/lib/i18n';
import { DAY, makeItem, makeItems } from './backend';
import { renderUnlocked, rows, selectedRow } from './helpers';

describe('item list', () => {
  test('10,000 items render only a window of rows', async () => {
    const { backend } = await renderUnlocked(makeItems(10_000));
    const rendered = rows();
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(40);
    expect(rendered[0].dataset.name).toBe('item-00000');

    const list = screen.getByRole('listbox');
    const first = rows()[0];
    expect(first.getAttribute('aria-setsize')).toBe('10000');
    expect(screen.getByText(t('vault.count', { count: 10_000, total: 10_000 }))).toBeTruthy();

    // Scrolled to the middle: the rows there, and still only a window of them.
    list.scrollTop = 56 * 5_000;
    await fireEvent.scroll(list);
    const names = rows().map((r) => r.dataset.name);
    expect(names).toContain('item-05000');
    expect(names).not.toContain('item-00000');
    expect(names.length).toBeLessThan(40);
    expect(backend.called('items_snapshot')).toHaveLength(1);
  });

  test('ArrowDown/ArrowUp move the selection, Enter opens the item, the list follows', async () => {
    const { backend, search } = await renderUnlocked(makeItems(10_000));
    expect(selectedRow()?.dataset.name).toBe('item-00000');
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(selectedRow()?.dataset.name).toBe('item-00002');
    await fireEvent.keyDown(search, { key: 'ArrowUp' });
    expect(selectedRow()?.dataset.name).toBe('item-00001');
    expect(search.getAttribute('aria-activedescendant')).toBe(selectedRow()?.id);

    // Far down: the selected row is rendered (scrolled into the window).
    const list = screen.getByRole('listbox');
    for (let i = 0; i < 30; i++) await fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(selectedRow()?.dataset.name).toBe('item-00031');
    await fireEvent.keyDown(list, { key: 'End' });
    expect(selectedRow()?.dataset.name).toBe('item-09999');
    await fireEvent.keyDown(list, { key: 'Home' });
    expect(selectedRow()?.dataset.name).toBe('item-00000');

    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    await fireEvent.keyDown(list, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('item-name').textContent).toBe('item-00001'));
    expect(backend.called('item_detail').at(-1)?.args).toEqual({ id: 'id-1' });
  });

  test('search is sent to the backend and its ranked ids are shown in order; Escape clears it', async () => {
    const { backend, search } = await renderUnlocked(makeItems(50));
    backend.on('search_items', (args) => {
      const req = args.request as { text: string };
      return req.text === 'best' ? { ids: ['id-7', 'id-3'], total: 2 } : backend.search(args.request as never);
    });
    await fireEvent.input(search, { target: { value: 'best' } });
    await waitFor(() => expect(rows().map((r) => r.dataset.name)).toEqual(['item-00007', 'item-00003']));
    expect(selectedRow()?.dataset.name).toBe('item-00007');

    await fireEvent.keyDown(search, { key: 'Escape' });
    expect(search.value).toBe('');
    await waitFor(() => expect(rows().length).toBeGreaterThan(2));
  });

  test('kind, tag and sort filters go into the search request', async () => {
    const { backend } = await renderUnlocked(makeItems(10));
    await fireEvent.change(screen.getByTestId('filter-kind'), { target: { value: 'token' } });
    await fireEvent.change(screen.getByTestId('filter-tag'), { target: { value: 'even' } });
    await fireEvent.change(screen.getByTestId('filter-sort'), { target: { value: 'expiry' } });
    await waitFor(() =>
      expect(backend.called('search_items').at(-1)?.args.request).toEqual({
        text: '',
        kind: 'token',
        tag: 'even',
        sort: 'expiry',
      }),
    );
    // No tokens: the empty state for filters, with a way out.
    expect(await screen.findByTestId('no-results')).toBeTruthy();
    const tagOptions = Array.from(screen.getByTestId('filter-tag').querySelectorAll('option')).map((o) => o.value);
    expect(tagOptions).toEqual(['', 'even', 'odd']);
  });

  test('rows show expiry badges: red when expired, amber within 14 days', async () => {
    await renderUnlocked([
      makeItem(1, { name: 'old', expires_at: Date.now() - DAY }),
      makeItem(2, { name: 'soon', expires_at: Date.now() + 3 * DAY }),
      makeItem(3, { name: 'later', expires_at: Date.now() + 90 * DAY }),
    ]);
    const badge = (name: string) =>
      rows().find((r) => r.dataset.name === name)?.querySelector('[data-testid="expiry-badge"]');
    expect(badge('old')?.getAttribute('data-state')).toBe('expired');
    expect(badge('old')?.classList.contains('badge-expired')).toBe(true);
    expect(badge('soon')?.getAttribute('data-state')).toBe('soon');
    expect(badge('soon')?.classList.contains('badge-soon')).toBe(true);
    expect(badge('later')).toBeNull();
  });

  test('an empty vault says so and offers Add and Import', async () => {
    await renderUnlocked([]);
    expect(await screen.findByTestId('empty-vault')).toBeTruthy();
    expect(screen.getByText(t('vault.add_first'))).toBeTruthy();
  });
});
