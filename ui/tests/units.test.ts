import { describe, expect, test, vi } from 'vitest';
import { ApiError, toApiError } from '../src/lib/api';
import { errorText, fieldOfError } from '../src/lib/errors';
import {
  DAY_MS,
  dateInputToMs,
  expiryState,
  msToDateInput,
  parseList,
  secretGroups,
} from '../src/lib/format';
import { t } from '../src/lib/i18n';
import { ActivityPinger } from '../src/lib/idle';
import { ValueDraft } from '../src/lib/valueDraft.svelte';
import { FakeBackend } from './backend';
import { api } from '../src/lib/api';

describe('api', () => {
  test('a rejected invoke becomes an ApiError with the code', async () => {
    new FakeBackend().on('unlock', () => {
      throw { code: 'crypto.wrong_password', message: 'wrong password' };
    });
    const err = await api.unlock('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('crypto.wrong_password');
    expect((err as ApiError).message).toBe('wrong password');
  });

  test('anything else becomes ipc.failure', () => {
    expect(toApiError('boom').code).toBe('ipc.failure');
    expect(toApiError(new Error('x')).message).toBe('x');
    expect(toApiError(42).code).toBe('ipc.failure');
  });
});

describe('errors', () => {
  test('known codes get catalogue words; input errors keep the backend wording', () => {
    expect(errorText({ code: 'vault.too_new', message: 'format 9' })).toBe(t('error.vault.too_new'));
    expect(errorText({ code: 'input.invalid', message: 'the name must not be empty' })).toBe(
      'the name must not be empty',
    );
    expect(errorText({ code: 'weird.code', message: 'detail' })).toBe(
      t('error.unknown_with_detail', { detail: 'detail' }),
    );
  });

  test('input errors are pinned to their field', () => {
    const inv = (message: string) => ({ code: 'input.invalid', message });
    expect(fieldOfError({ code: 'item.exists', message: '' })).toBe('name');
    expect(fieldOfError(inv('"1X" is not a valid environment variable name'))).toBe('env');
    expect(fieldOfError(inv('the name must not start or end with spaces'))).toBe('name');
    expect(fieldOfError(inv('a tag must not contain control characters'))).toBe('tags');
    expect(fieldOfError(inv('the length must be between 8 and 4096'))).toBe('value');
    expect(fieldOfError(inv('something else'))).toBe('form');
  });
});

describe('format', () => {
  test('date input ↔ ms at 00:00 UTC', () => {
    expect(dateInputToMs('2027-06-30')).toBe(Date.UTC(2027, 5, 30));
    expect(dateInputToMs('')).toBeNull();
    expect(msToDateInput(Date.UTC(2027, 5, 30))).toBe('2027-06-30');
    expect(msToDateInput(null)).toBe('');
  });

  test('expiry: expired, within 14 days, later', () => {
    const now = 1_000 * DAY_MS;
    expect(expiryState(null, now)).toBeNull();
    expect(expiryState(now - 1, now)).toBe('expired');
    expect(expiryState(now + 14 * DAY_MS, now)).toBe('soon');
    expect(expiryState(now + 15 * DAY_MS, now)).toBe('ok');
  });

  test('lists and secret groups', () => {
    expect(parseList(' a, b ,, a,c ')).toEqual(['a', 'b', 'c']);
    expect(secretGroups('ABCDEFGHIJ')).toEqual(['ABCD', 'EFGH', 'IJ']);
    expect(secretGroups('ABCD-EFGH-IJKL')).toEqual(['ABCD', 'EFGH', 'IJKL']);
  });
});

describe('value draft', () => {
  test('checks before sending', () => {
    const d = new ValueDraft('generate');
    expect(d.problem).toBeNull();
    d.length = 4;
    expect(d.problem).toBe('value.length_range');
    d.length = 12;
    d.prefix = 'a b';
    expect(d.problem).toBe('value.prefix_spaces');
    d.mode = 'literal';
    expect(d.problem).toBe('value.required');
    d.literal = 'x';
    expect(d.toNewValue()).toEqual({ type: 'literal', value: 'x' });
  });
});

describe('activity pings', () => {
  test('at most one per interval', () => {
    const send = vi.fn(() => Promise.resolve());
    const p = new ActivityPinger(send, 15_000);
    expect(p.activity(0)).toBe(true);
    expect(p.activity(1_000)).toBe(false);
    expect(p.activity(14_999)).toBe(false);
    expect(p.activity(15_000)).toBe(true);
    expect(send).toHaveBeenCalledTimes(2);
  });
});
