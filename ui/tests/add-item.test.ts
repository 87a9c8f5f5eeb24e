import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import { t } from '../src/lib/i18n';
import type { ItemInput, ItemSummary } from '../src/lib/types';
import { fail, makeItems } from './backend';
import { renderUnlocked, rows } from './helpers';

async function openAdd() {
  const ctx = await renderUnlocked(makeItems(2));
  await fireEvent.click(screen.getByTestId('add'));
  const dialog = await screen.findByRole('dialog');
  expect(document.activeElement).toBe(within(dialog).getByTestId('add-name'));
  return { ...ctx, dialog };
}

async function fill(testid: string, value: string) {
  await fireEvent.input(screen.getByTestId(testid), { target: { value } });
}

describe('add item', () => {
  test('sends the item input and the pasted value; the new item opens', async () => {
    const { backend } = await openAdd();
    backend.on('add_item', (args) => {
      const input = args.input as ItemInput;
      const summary: ItemSummary = {
        id: 'new-1',
        kind: input.kind,
        name: input.name,
        service: input.service,
        tags: input.tags,
        env_var: input.env_var,
        scopes: input.scopes,
        created_at: 1,
        updated_at: 1,
        expires_at: input.expires_at,
        policy: null,
        version: 1,
        value_set_at: 1,
        needs_reauth: false,
      };
      backend.items = [...backend.items, summary];
      return summary;
    });
    await fireEvent.change(screen.getByTestId('add-kind'), { target: { value: 'token' } });
    await fill('add-name', 'github');
    await fill('add-service', 'GitHub');
    await fill('add-env', 'GITHUB_TOKEN');
    await fill('add-tags', 'ci, work, ci');
    await fill('add-scopes', 'repo,read:org');
    await fill('add-expires', '2027-06-30');
    await fill('add-value', 'ghp_abc');
    await fireEvent.click(screen.getByTestId('add-submit'));

    const call = await backend.waitForCall('add_item');
    expect(call.args).toEqual({
      input: {
        kind: 'token',
        name: 'github',
        service: 'GitHub',
        env_var: 'GITHUB_TOKEN',
        tags: ['ci', 'work'],
        scopes: ['repo', 'read:org'],
        notes: null,
        username: null,
        url: null,
        expires_at: Date.UTC(2027, 5, 30),
      },
      value: { type: 'literal', value: 'ghp_abc' },
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('item-name').textContent).toBe('github'));
    expect(rows().map((r) => r.dataset.name)).toContain('github');
    expect((await screen.findByTestId('toast')).textContent).toContain(t('toast.added', { name: 'github' }));
  });

  test('checks the name, the variable and the value before asking the backend', async () => {
    const { backend } = await openAdd();
    await fill('add-env', '1BAD');
    await fireEvent.click(screen.getByTestId('add-submit'));
    expect(screen.getByText(t('form.name_required'))).toBeTruthy();
    expect(screen.getByText(t('form.env_invalid'))).toBeTruthy();
    expect(screen.getByText(t('value.required'))).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId('add-name'));
    expect(backend.called('add_item')).toHaveLength(0);
  });

  test('shows item.exists at the name field and input.invalid from the backend', async () => {
    const { backend } = await openAdd();
    backend.on('add_item', () => fail('item.exists', 'an item named "stripe" already exists'));
    await fill('add-name', 'stripe');
    await fill('add-value', 'sk_x');
    await fireEvent.click(screen.getByTestId('add-submit'));
    const name = screen.getByTestId('add-name');
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('an item named "stripe" already exists')).toBeTruthy();
    expect(document.activeElement).toBe(name);

    backend.on('add_item', () => fail('input.invalid', 'the value is larger than 1 MiB'));
    await fireEvent.click(screen.getByTestId('add-submit'));
    expect(await screen.findByText('the value is larger than 1 MiB')).toBeTruthy();
    expect(screen.getByTestId('add-value').getAttribute('aria-invalid')).toBe('true');
  });

  test('generate sends length, prefix and alphabet; the dialog keeps focus inside', async () => {
    const { backend, dialog } = await openAdd();
    backend.on('add_item', (args) => ({ ...backend.items[0], id: 'g', name: (args.input as ItemInput).name }));
    await fill('add-name', 'generated');
    await fireEvent.click(within(dialog).getByTestId('add-value-generate'));
    await fireEvent.change(within(dialog).getByLabelText(t('value.alphabet')), { target: { value: 'hex' } });
    await fireEvent.click(screen.getByTestId('add-submit'));
    const call = await backend.waitForCall('add_item');
    expect(call.args.value).toEqual({ type: 'generate', length: 40, prefix: '', alphabet: 'hex' });
  });

  test('Tab at the end of the dialog wraps to its start; Escape closes it', async () => {
    const { dialog } = await openAdd();
    const submit = within(dialog).getByTestId('add-submit');
    submit.focus();
    await fireEvent.keyDown(submit, { key: 'Tab' });
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(document.activeElement).not.toBe(submit);
    await fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
