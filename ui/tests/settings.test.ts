import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import { t } from '../src/lib/i18n';
import { app } from '../src/lib/stores/app.svelte';
import { recovery } from '../src/lib/stores/recovery.svelte';
import { FakeBackend, makeItems, makeStatus } from './backend';
import { render } from '@testing-library/svelte';
import App from '../src/App.svelte';

async function openSettings(status: Parameters<typeof makeStatus>[0] = {}) {
  const backend = new FakeBackend({ status: { unlocked: true, ...status }, items: makeItems(1) });
  render(App);
  await fireEvent.click(await screen.findByTestId('settings'));
  const dialog = await screen.findByRole('dialog');
  return { backend, dialog };
}

describe('settings', () => {
  test('a behaviour number is stored as soon as it changes, and the session settings follow', async () => {
    const { backend, dialog } = await openSettings();
    const input = within(dialog).getByLabelText(t('settings.auto_lock')) as HTMLInputElement;
    await waitFor(() => expect(input.value).toBe('5'));
    await fireEvent.change(input, { target: { value: '15' } });
    const call = await backend.waitForCall('prefs_set');
    expect(call.args).toEqual({ key: 'behaviour.auto_lock_minutes', value: '15' });
    expect(backend.prefs.behaviour.auto_lock_minutes).toBe(15);
  });

  test('a new reveal timeout reaches the item view at once', async () => {
    const { dialog } = await openSettings();
    const input = within(dialog).getByLabelText(t('settings.reveal')) as HTMLInputElement;
    await waitFor(() => expect(input.value).toBe('10'));
    await fireEvent.change(input, { target: { value: '42' } });
    await waitFor(() => expect(app.settings.reveal_seconds).toBe(42));
  });

  test('an out-of-range value shows input.invalid with the key and range, and nothing changes', async () => {
    const { backend, dialog } = await openSettings();
    const input = within(dialog).getByLabelText(t('settings.auto_lock')) as HTMLInputElement;
    await waitFor(() => expect(input.value).toBe('5'));
    await fireEvent.change(input, { target: { value: '0' } });
    const alert = await within(dialog).findByTestId('pref-error');
    expect(alert.textContent).toContain('behaviour.auto_lock_minutes');
    expect(alert.textContent).toContain('1 to 1440');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(backend.prefs.behaviour.auto_lock_minutes).toBe(5);
    // A good value clears the error.
    await fireEvent.change(input, { target: { value: '6' } });
    await waitFor(() => expect(within(dialog).queryByTestId('pref-error')).toBeNull());
  });

  test('recovery kit: grouped secret, print, and the last 4 characters switch it on', async () => {
    const { backend, dialog } = await openSettings();
    backend.on('recovery_kit', () => ({ secret: 'ABCDEFGHJKLMNPQR', vault_id: 'v-1', created_at: 1 }));
    backend.on('enable_device_secret', () => ({ ...backend.status, device_secret: true }));
    await fireEvent.click(within(dialog).getByTestId('kit-create'));
    const groups = await within(dialog).findByTestId('kit-secret');
    expect(Array.from(groups.children).map((g) => g.textContent)).toEqual(['ABCD', 'EFGH', 'JKLM', 'NPQR']);
    // A print-only copy of the kit exists outside the (screen-only) app.
    expect(document.querySelector('.print-only [data-testid="kit-secret"]')).not.toBeNull();

    const enable = within(dialog).getByTestId('device-enable') as HTMLButtonElement;
    expect(enable.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByTestId('kit-confirm'), { target: { value: 'NPQR' } });
    // The master password is needed too: it re-derives the unlock key.
    expect(enable.disabled).toBe(true);
    await fireEvent.input(within(dialog).getByTestId('device-enable-password'), { target: { value: 'pw' } });
    expect(enable.disabled).toBe(false);
    await fireEvent.click(enable);
    const call = await backend.waitForCall('enable_device_secret');
    expect(call.args).toEqual({ password: 'pw', confirmation: 'NPQR' });
    await waitFor(() => expect(within(dialog).getByText(t('device.on'))).toBeTruthy());
    expect(recovery.kit).toBeNull();
    expect(document.querySelector('[data-testid="kit-secret"]')).toBeNull();
  });

  test('without a keyring, quick unlock and device secret explain why they are off', async () => {
    const { dialog } = await openSettings({ keyring: { available: false, detail: null } });
    expect(within(dialog).getByTestId('quick-unavailable').textContent).toContain(t('quick.unavailable'));
    expect(within(dialog).getByTestId('device-unavailable').textContent).toContain(t('device.unavailable'));
    expect(within(dialog).queryByTestId('kit-create')).toBeNull();
    expect(within(dialog).queryByTestId('quick-enable')).toBeNull();
  });

  test('quick unlock: enable with password and days, then disable', async () => {
    const { backend, dialog } = await openSettings();
    const until = Date.now() + 7 * 86_400_000;
    backend.on('enable_quick_unlock', () => ({ ...backend.status, quick_unlock_until: until }));
    backend.on('disable_quick_unlock', () => ({ ...backend.status, quick_unlock_until: null }));
    await fireEvent.input(within(dialog).getByLabelText(t('quick.password')), { target: { value: 'pw' } });
    await fireEvent.click(within(dialog).getByTestId('quick-enable'));
    expect((await backend.waitForCall('enable_quick_unlock')).args).toEqual({ password: 'pw', days: 7 });
    await fireEvent.click(await within(dialog).findByTestId('quick-disable'));
    await backend.waitForCall('disable_quick_unlock');
    await within(dialog).findByTestId('quick-enable');
  });
});
