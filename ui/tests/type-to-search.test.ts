import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import { makeItems } from './backend';
import { renderUnlocked } from './helpers';

describe('instant search', () => {
  test('a printable key pressed outside any input focuses the search box and types there', async () => {
    const { backend, search } = await renderUnlocked(makeItems(20));
    const list = screen.getByRole('listbox');
    list.focus();
    expect(document.activeElement).toBe(list);

    await fireEvent.keyDown(list, { key: 'i' });
    await waitFor(() => expect(document.activeElement).toBe(search));
    expect(search.value).toBe('i');

    (document.activeElement as HTMLElement).blur();
    await fireEvent.keyDown(document.body, { key: '7' });
    await waitFor(() => expect(search.value).toBe('i7'));
    expect(document.activeElement).toBe(search);
    await waitFor(() =>
      expect(backend.called('search_items').at(-1)?.args.request).toMatchObject({ text: 'i7' }),
    );
  });

  test('keys typed in another field, with Ctrl, or while a dialog is open stay there', async () => {
    const { search } = await renderUnlocked(makeItems(3));
    await fireEvent.keyDown(document.body, { key: 'a', ctrlKey: true });
    expect(search.value).toBe('');

    await fireEvent.click(screen.getByTestId('add'));
    const name = await screen.findByTestId('add-name');
    await fireEvent.keyDown(name, { key: 'x' });
    await fireEvent.keyDown(document.body, { key: 'y' });
    expect(search.value).toBe('');
  });

  test('Ctrl+L locks', async () => {
    const { backend } = await renderUnlocked(makeItems(3));
    await fireEvent.keyDown(document.body, { key: 'l', ctrlKey: true });
    await backend.waitForCall('lock');
    expect(await screen.findByTestId('unlock-password')).toBeTruthy();
    expect(screen.queryByTestId('item-row')).toBeNull();
  });
});
