// Dates, expiry and small text helpers. Timestamps are ms since the Unix epoch.

export const DAY_MS = 86_400_000;
/** An expiry this close is shown in amber. */
export const EXPIRY_SOON_MS = 14 * DAY_MS;

export type ExpiryState = 'expired' | 'soon' | 'ok';

export function expiryState(expiresAt: number | null, now = Date.now()): ExpiryState | null {
  if (expiresAt === null) return null;
  if (expiresAt <= now) return 'expired';
  if (expiresAt - now <= EXPIRY_SOON_MS) return 'soon';
  return 'ok';
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
// Expiry dates are stored as 00:00 UTC of the day: show that day everywhere.
const utcDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function formatDateTime(ms: number): string {
  return dateTime.format(new Date(ms));
}

export function formatDay(ms: number): string {
  return utcDay.format(new Date(ms));
}

/** "2027-06-30" from a date input → ms at 00:00 UTC that day; "" → null. */
export function dateInputToMs(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** The inverse of dateInputToMs, for editing. */
export function msToDateInput(ms: number | null): string {
  if (ms === null) return '';
  return new Date(ms).toISOString().slice(0, 10);
}

/** "a, b ,, c" → ["a", "b", "c"], without duplicates, order kept. */
export function parseList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Empty or blank text → null, otherwise the trimmed text. */
export function blankToNull(text: string): string | null {
  const v = text.trim();
  return v === '' ? null : v;
}

/** Splits a recovery secret into groups of four for reading and writing down. */
export function groupSecret(secret: string, size = 4): string[] {
  const clean = secret.replace(/\s+/g, '');
  const groups: string[] = [];
  for (let i = 0; i < clean.length; i += size) groups.push(clean.slice(i, i + size));
  return groups;
}

/** The text that masks a value; its length does not depend on the value. */
export const MASK = '••••••••••••';

export const ENV_VAR_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** How a recovery secret is written: its own separators if it has any, else groups of four. */
export function secretGroups(secret: string): string[] {
  if (/[-\s]/.test(secret.trim())) return secret.split(/[-\s]+/).filter((g) => g !== '');
  return groupSecret(secret);
}
