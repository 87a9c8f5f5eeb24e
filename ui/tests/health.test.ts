import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import { formatDay } from '../src/lib/format';
import { t } from '../src/lib/i18n';
import type { HealthReport } from '../src/lib/types';
import { emitEvent, makeItems } from './backend';
import { renderUnlocked } from './helpers';

const DAY = 86_400_000;

function report(ids: string[]): HealthReport {
  const now = Date.now();
  return {
    items: [
      {
        id: ids[0],
        name: 'item-0000',
        kind: 'api_key',
        service: 'Stripe',
        rotate_url: 'https://dashboard.stripe.com/apikeys',
        findings: [
          { problem: 'expired', at: now - DAY, severity: 'critical', action: { kind: 'replace_at_service' } },
          { problem: 'shared_value', with: ['item-0001'], severity: 'warning', action: { kind: 'replace_at_service' } },
        ],
      },
      {
        id: ids[1],
        name: 'item-0001',
        kind: 'api_key',
        service: null,
        rotate_url: null,
        findings: [{ problem: 'never_rotated', since: now - 200 * DAY, severity: 'notice', action: { kind: 'set_policy' } }],
      },
    ],
    checked: 5,
    critical: 1,
    warning: 1,
    notice: 1,
  };
}

describe('the health view', () => {
  test('the badge counts items due now or soon; the dashboard says what and what to do', async () => {
    const items = makeItems(5);
    const { backend } = await renderUnlocked(items);
    expect(screen.queryByTestId('health-badge')).toBeNull();
    backend.health = report([items[0].id, items[1].id]);
    await emitEvent('health-changed', backend.health);
    const badge = await screen.findByTestId('health-badge');
    expect(badge.textContent).toBe('1');
    expect(screen.getByTestId('health').textContent).toContain(t('vault.health_due', { count: 1 }));

    await fireEvent.click(screen.getByTestId('health'));
    const dialog = await screen.findByTestId('health-dialog');
    await waitFor(() => expect(within(dialog).getAllByTestId('health-item')).toHaveLength(2));
    const first = within(dialog).getAllByTestId('health-item')[0];
    const findings = within(first).getAllByTestId('finding');
    expect(findings[0].textContent).toContain(t('health.expired', { date: formatDay(Date.now() - DAY) }));
    expect(findings[0].textContent).toContain('https://dashboard.stripe.com/apikeys');
    expect(findings[1].textContent).toContain(t('health.shared_value', { names: 'item-0001' }));
    expect(findings[0].textContent).toContain(t('health.do_rotate_manual'));
    expect(within(dialog).getAllByTestId('finding')[2].textContent).toContain(t('health.do_set_policy'));

    await fireEvent.click(within(first).getByTestId('health-open'));
    await waitFor(() => expect(screen.queryByTestId('health-dialog')).toBeNull());
    expect((await backend.waitForCall('item_detail')).args).toEqual({ id: items[0].id });
  });

  test('with nothing wrong it says so', async () => {
    const { backend } = await renderUnlocked(makeItems(3));
    backend.health = { items: [], checked: 3, critical: 0, warning: 0, notice: 0 };
    await fireEvent.click(screen.getByTestId('health'));
    expect(await screen.findByTestId('health-empty')).toBeTruthy();
    expect(screen.getByText(t('health.all_good_text', { count: 3 }))).toBeTruthy();
  });
});
