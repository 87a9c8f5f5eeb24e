import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import App from '../src/App.svelte';
import { t } from '../src/lib/i18n';
import { FakeBackend } from './backend';

async function type(el: HTMLElement, value: string) {
  await fireEvent.input(el, { target: { value } });
}

describe('first run', () => {
  test('Create is enabled only when the passwords match and the password is strong enough', async () => {
    const backend = new FakeBackend({ status: { vault_exists: false } });
    render(App);
    const password = await screen.findByTestId('create-password');
    const confirm = screen.getByTestId('create-confirm');
    const submit = screen.getByTestId('create-submit') as HTMLButtonElement;
    expect(screen.getByText(t('create.warning_title'))).toBeTruthy();
    expect(submit.disabled).toBe(true);

    // Strong but different.
    await type(password, 'correct horse battery');
    await type(confirm, 'correct horse batterx');
    await waitFor(() => expect(screen.getByTestId('strength-label').textContent).toBe(t('strength.4')));
    expect(screen.getByText(t('strength.crack_time', { time: 'centuries' }))).toBeTruthy();
    expect(screen.getByTestId('create-mismatch')).toBeTruthy();
    expect(submit.disabled).toBe(true);

    // Same: enabled.
    await type(confirm, 'correct horse battery');
    expect(screen.queryByTestId('create-mismatch')).toBeNull();
    expect(submit.disabled).toBe(false);

    // The strength came from the backend, debounced: not one call per keystroke.
    expect(backend.called('password_strength').map((c) => c.args.password)).toEqual([
      'correct horse battery',
    ]);

    await fireEvent.click(submit);
    const call = await backend.waitForCall('create_vault');
    expect(call.args).toEqual({ password: 'correct horse battery' });
    await screen.findByTestId('search');
  });

  test('a weak password needs the explicit override, and shows warning and suggestions', async () => {
    new FakeBackend({ status: { vault_exists: false } });
    render(App);
    const password = await screen.findByTestId('create-password');
    const submit = screen.getByTestId('create-submit') as HTMLButtonElement;
    await type(password, 'abc');
    await type(screen.getByTestId('create-confirm'), 'abc');
    await waitFor(() => expect(screen.getByTestId('strength-label').textContent).toBe(t('strength.0')));
    expect(screen.getByText('This is a very common password')).toBeTruthy();
    expect(screen.getByText('Add another word or two')).toBeTruthy();
    expect(screen.getByRole('meter').getAttribute('aria-valuenow')).toBe('0');
    expect(submit.disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('create-accept-weak'));
    expect(submit.disabled).toBe(false);
  });

  test('while the strength of a new password is pending, Create stays disabled', async () => {
    new FakeBackend({ status: { vault_exists: false } });
    render(App);
    const password = await screen.findByTestId('create-password');
    const confirm = screen.getByTestId('create-confirm');
    const submit = screen.getByTestId('create-submit') as HTMLButtonElement;
    await type(password, 'correct horse battery');
    await type(confirm, 'correct horse battery');
    await waitFor(() => expect(submit.disabled).toBe(false));
    await type(password, 'correct horse battery!');
    await type(confirm, 'correct horse battery!');
    expect(submit.disabled).toBe(true);
    await waitFor(() => expect(submit.disabled).toBe(false));
  });
});
