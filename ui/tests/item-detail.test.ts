import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test, vi } from 'vitest';
import { t } from '../src/lib/i18n';
import { makeItems } from './backend';
import { renderUnlocked, rows } from './helpers';

async function openFirst() {
  const ctx = await renderUnlocked(makeItems(3));
  await fireEvent.click(rows()[0]);
  await waitFor(() => expect(screen.getByTestId('item-name').textContent).toBe('item-00000'));
  return ctx;
}

describe('item view', () => {
  test('shows the metadata, masks the value and hidden fields', async () => {
    await openFirst();
    const panel = screen.getByTestId('item-panel');
    expect(within(panel).getByText('Service 0')).toBeTruthy();
    expect(within(panel).getByText('ITEM_0')).toBeTruthy();
    expect(within(panel).getByText('https://dashboard.example.com')).toBeTruthy();
    expect(within(panel).getByText('acct_123')).toBeTruthy();
    expect(screen.getByTestId('value').textContent).not.toContain('secret-of');
    expect(panel.textContent).not.toContain('secret-of');
  });

  test('Reveal shows the value and hides it again after reveal_seconds', async () => {
    const { backend } = await openFirst();
    vi.useFakeTimers();
    await fireEvent.click(screen.getByTestId('reveal'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId('value').textContent?.trim()).toBe('secret-of-id-0');
    expect(backend.called('reveal_value')[0].args).toEqual({ id: 'id-0' });

    await vi.advanceTimersByTimeAsync(9_000);
    expect(screen.getByTestId('value').textContent).toContain('secret-of-id-0');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(screen.getByTestId('value').textContent).not.toContain('secret-of-id-0');
    expect(document.body.textContent).not.toContain('secret-of-id-0');
  });

  test('a version from the history can be revealed too, and hides itself', async () => {
    const { backend } = await openFirst();
    const reveal = await screen.findAllByTestId('version-reveal');
    vi.useFakeTimers();
    await fireEvent.click(reveal[1]);
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.called('reveal_version')[0].args).toEqual({ id: 'id-0', seq: 1 });
    expect(document.body.textContent).toContain('old-secret-1');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(document.body.textContent).not.toContain('old-secret-1');
  });

  test('Copy asks the backend to copy and says when the clipboard clears', async () => {
    const { backend } = await openFirst();
    await fireEvent.click(screen.getByTestId('copy'));
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain(t('toast.copied', { seconds: 20 }));
    expect(backend.called('copy_value')[0].args).toEqual({ id: 'id-0' });
    expect(backend.called('reveal_value')).toHaveLength(0);
  });

  test('Delete asks first, then offers Undo, which calls undo_delete', async () => {
    const { backend } = await openFirst();
    await fireEvent.click(screen.getByTestId('delete'));
    const dialog = await screen.findByRole('dialog');
    // The safe choice has the focus.
    expect(document.activeElement).toBe(within(dialog).getByTestId('confirm-cancel'));
    await fireEvent.click(within(dialog).getByTestId('confirm-ok'));

    await backend.waitForCall('delete_item');
    await waitFor(() => expect(rows().map((r) => r.dataset.name)).not.toContain('item-00000'));
    expect(screen.queryByTestId('item-panel')).toBeNull();
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain(t('toast.deleted', { name: 'item-00000' }));

    await fireEvent.click(within(toast).getByText(t('toast.undo')));
    const undo = await backend.waitForCall('undo_delete');
    expect(undo.args).toEqual({ id: 'id-0' });
    await waitFor(() => expect(rows().map((r) => r.dataset.name)).toContain('item-00000'));
  });

  test('Escape in the confirmation closes it without deleting', async () => {
    const { backend } = await openFirst();
    screen.getByTestId('delete').focus();
    await fireEvent.click(screen.getByTestId('delete'));
    const dialog = await screen.findByRole('dialog');
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(backend.called('delete_item')).toHaveLength(0);
    expect(document.activeElement).toBe(screen.getByTestId('delete'));
  });

  test('Rotate sends the generator settings and the reason', async () => {
    const { backend } = await openFirst();
    backend.on('rotate_item', () => ({ ...backend.items[0], updated_at: Date.now() }));
    await fireEvent.click(screen.getByTestId('rotate'));
    const dialog = await screen.findByRole('dialog');
    await fireEvent.input(within(dialog).getByLabelText(t('value.prefix')), { target: { value: 'sk_live_' } });
    await fireEvent.input(within(dialog).getByLabelText(t('value.length')), { target: { value: '32' } });
    await fireEvent.input(within(dialog).getByLabelText(t('rotate.reason')), { target: { value: 'leaked' } });
    await fireEvent.click(within(dialog).getByTestId('rotate-submit'));
    const call = await backend.waitForCall('rotate_item');
    expect(call.args).toEqual({
      id: 'id-0',
      value: { type: 'generate', length: 32, prefix: 'sk_live_', alphabet: 'alphanumeric' },
      reason: 'leaked',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
