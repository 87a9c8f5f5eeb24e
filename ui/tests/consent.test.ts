import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import { t } from '../src/lib/i18n';
import { consent } from '../src/lib/stores/consent.svelte';
import { emitEvent, makeItems } from './backend';
import { renderUnlocked } from './helpers';

const question = { id: 7, program: '/usr/bin/terraform', items: ['stripe', 'github'] };

describe('consent asked in the window', () => {
  test('a question shows the program and items, and the answer goes back with its id', async () => {
    const { backend } = await renderUnlocked(makeItems(2));
    await emitEvent('consent-requested', question);
    const prompt = await screen.findByTestId('consent-prompt');
    expect(within(prompt).getByTestId('consent-program').textContent).toBe('/usr/bin/terraform');
    expect(within(prompt).getByTestId('consent-items').textContent).toContain('stripe');
    expect(within(prompt).getByTestId('consent-items').textContent).toContain('github');
    expect(within(prompt).getByText(t('consent.title', { program: 'terraform' }))).toBeTruthy();
    // The safe default has the focus: allow this request only.
    expect(document.activeElement).toBe(within(prompt).getByTestId('consent-once'));
    await fireEvent.click(within(prompt).getByTestId('consent-session'));
    const call = await backend.waitForCall('answer_consent');
    expect(call.args).toEqual({ id: 7, decision: 'session' });
    await waitFor(() => expect(screen.queryByTestId('consent-prompt')).toBeNull());
  });

  test('Escape is "not now" (no decision), and questions queue one at a time', async () => {
    const { backend } = await renderUnlocked(makeItems(2));
    await emitEvent('consent-requested', question);
    await emitEvent('consent-requested', { id: 8, program: '/usr/bin/node', items: ['npm'] });
    const first = await screen.findByTestId('consent-prompt');
    expect(within(first).getByTestId('consent-program').textContent).toBe('/usr/bin/terraform');
    await fireEvent.keyDown(first, { key: 'Escape' });
    expect((await backend.waitForCall('answer_consent')).args).toEqual({ id: 7, decision: null });
    await waitFor(() =>
      expect(within(screen.getByTestId('consent-prompt')).getByTestId('consent-program').textContent).toBe(
        '/usr/bin/node',
      ),
    );
    await fireEvent.click(screen.getByTestId('consent-deny'));
    expect((await backend.waitForCall('answer_consent', 2)).args).toEqual({ id: 8, decision: 'deny' });
  });

  test('a locked vault drops waiting questions', async () => {
    const { backend } = await renderUnlocked(makeItems(2));
    await emitEvent('consent-requested', question);
    await screen.findByTestId('consent-prompt');
    backend.status = { ...backend.status, unlocked: false };
    await emitEvent('vault-locked', { reason: 'agent' });
    expect(await screen.findByText(t('lock.locked_agent'))).toBeTruthy();
    expect(screen.queryByTestId('consent-prompt')).toBeNull();
    // Dropped, not only hidden while locked.
    expect(consent.questions).toEqual([]);
  });
});

describe('the access screen', () => {
  test('lists lasting decisions and revokes one', async () => {
    const { backend } = await renderUnlocked(makeItems(2));
    backend.grants = [
      { id: 'g1', executable: '/usr/bin/terraform', item_id: 'a', item_name: 'stripe', decision: 'always', created_at: 1_700_000_000_000 },
      { id: 'g2', executable: '/usr/bin/curl', item_id: 'b', item_name: 'github', decision: 'deny', created_at: 1_700_000_000_000 },
    ];
    await fireEvent.click(screen.getByTestId('access'));
    const dialog = await screen.findByTestId('access-dialog');
    expect(within(dialog).getByTestId('agent-state').textContent).toContain('agent-test.sock');
    await waitFor(() => expect(within(dialog).getAllByTestId('grant')).toHaveLength(2));
    expect(within(dialog).getByText(t('access.denied'))).toBeTruthy();
    const revoke = within(dialog).getAllByTestId('revoke')[0];
    expect(revoke.getAttribute('aria-label')).toBe(
      t('access.revoke_label', { program: '/usr/bin/terraform', item: 'stripe' }),
    );
    await fireEvent.click(revoke);
    expect((await backend.waitForCall('revoke_consent')).args).toEqual({ id: 'g1' });
    await waitFor(() => expect(within(dialog).getAllByTestId('grant')).toHaveLength(1));
  });

  test('with no decisions it says what will appear', async () => {
    await renderUnlocked(makeItems(1));
    await fireEvent.click(screen.getByTestId('access'));
    expect(await screen.findByTestId('access-empty')).toBeTruthy();
  });
});
