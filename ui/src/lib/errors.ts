// Plain words for the backend's stable error codes.
import { toApiError, type ApiError } from './api';
import { t, type MessageKey } from './i18n';

export const ERROR_TEXT: Record<string, MessageKey> = {
  'crypto.wrong_password': 'error.crypto.wrong_password',
  'crypto.failure': 'error.crypto.failure',
  'vault.locked': 'error.vault.locked',
  'vault.not_found': 'error.vault.not_found',
  'vault.exists': 'error.vault.exists',
  'vault.busy': 'error.vault.busy',
  'vault.corrupt': 'error.vault.corrupt',
  'vault.too_new': 'error.vault.too_new',
  'item.not_found': 'error.item.not_found',
  'item.field_not_found': 'error.item.field_not_found',
  'item.exists': 'error.item.exists',
  'input.invalid': 'error.input.invalid',
  'import.invalid': 'error.import.invalid',
  'audit.broken': 'error.audit.broken',
  'store.failure': 'error.store.failure',
  'io.failure': 'error.io.failure',
  'ipc.failure': 'error.ipc.failure',
};

/**
 * Codes whose backend message says precisely what is wrong with the input
 * (which field, which limit): that message is shown as it is.
 */
const SPECIFIC = new Set(['input.invalid', 'import.invalid', 'item.exists']);

export function errorText(err: unknown): string {
  const e: ApiError = toApiError(err);
  if (SPECIFIC.has(e.code) && e.message) return e.message;
  const key = ERROR_TEXT[e.code];
  if (key) return t(key);
  return e.message ? t('error.unknown_with_detail', { detail: e.message }) : t('error.unknown');
}

/** Which form field an input error is about, from the backend's wording. */
export type FieldName = 'name' | 'service' | 'env' | 'tags' | 'scopes' | 'value' | 'url' | 'form';

export function fieldOfError(err: unknown): FieldName {
  const e = toApiError(err);
  if (e.code === 'item.exists') return 'name';
  if (e.code !== 'input.invalid') return 'form';
  const m = e.message.toLowerCase();
  if (m.includes('environment variable') || m.includes('env')) return 'env';
  if (m.includes('the name')) return 'name';
  if (m.includes('service')) return 'service';
  if (m.includes('tag')) return 'tags';
  if (m.includes('scope')) return 'scopes';
  if (m.includes('url')) return 'url';
  if (m.includes('value') || m.includes('length') || m.includes('prefix') || m.includes('alphabet'))
    return 'value';
  return 'form';
}
