import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import App from '../src/App.svelte';
import { isolate } from '../src/lib/format';
import { t } from '../src/lib/i18n';
import { DAY, fail, FakeBackend, makeItems, PASSWORD } from './backend';

describe('lock screen', () => {
  test('a wrong password shows the error, keeps the text and the focus, and selects it', async () => {
    const backend = new FakeBackend({ items: makeItems(3) });
    render(App);
    const input = (await screen.findByTestId('unlock-password')) as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    // Nothing of the vault is asked for while locked.
    expect(backend.called('items_snapshot')).toHaveLength(0);

    await fireEvent.input(input, { target: { value: 'hunter2' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));

    const error = await screen.findByTestId('unlock-error');
    expect(error.textContent?.trim()).toBe(t('error.crypto.wrong_password'));
    expect(input.value).toBe('hunter2');
    expect(document.activeElement).toBe(input);
    expect(input.selectionStart).toBe(0);
    expect(input.selectionEnd).toBe('hunter2'.length);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('item-row')).toBeNull();

    await fireEvent.input(input, { target: { value: PASSWORD } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    await waitFor(() => expect(screen.getAllByTestId('item-row')).toHaveLength(3));
    expect(backend.called('unlock').map((c) => c.args)).toEqual([
      { password: 'hunter2' },
      { password: PASSWORD },
    ]);
  });

  test('vault errors are explained in plain words', async () => {
    new FakeBackend().on('unlock', () => fail('vault.busy', 'database is locked'));
    render(App);
    const input = await screen.findByTestId('unlock-password');
    await fireEvent.input(input, { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    expect((await screen.findByTestId('unlock-error')).textContent?.trim()).toBe(t('error.vault.busy'));
  });

  test('shows the vault path, and Quick unlock only while it is valid', async () => {
    const backend = new FakeBackend({ status: { quick_unlock_until: Date.now() + DAY } });
    render(App);
    await screen.findByTestId('unlock-password');
    expect(screen.getByText(t('common.vault_at', { path: isolate(backend.status.vault_path) }))).toBeTruthy();
    await fireEvent.click(screen.getByTestId('quick-unlock'));
    await backend.waitForCall('quick_unlock');
    await screen.findByTestId('search');
  });

  test('an expired quick unlock offers no button', async () => {
    new FakeBackend({ status: { quick_unlock_until: Date.now() - 1000 } });
    render(App);
    await screen.findByTestId('unlock-password');
    expect(screen.queryByTestId('quick-unlock')).toBeNull();
  });

  test('without a system keyring, says so', async () => {
    new FakeBackend({ status: { keyring: { available: false, detail: 'no secret service' } } });
    render(App);
    expect((await screen.findByTestId('no-keyring')).textContent).toBe(t('lock.no_keyring'));
  });
});
