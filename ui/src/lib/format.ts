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

// Dates follow the language and the date and time format preferences;
// applyAppearance() sets them. Reactive: a change re-renders every date.
import { dateStyle as style } from './dateStyle.svelte';

let cache: { key: string; dateTime: Intl.DateTimeFormat; day: Intl.DateTimeFormat; time: Intl.DateTimeFormat } | null =
  null;

export function setDateStyle(locale: string, date: string, time: string): void {
  if (style.locale !== locale) style.locale = locale;
  if (style.date !== date) style.date = date;
  if (style.time !== time) style.time = time;
}

function formats() {
  const key = `${style.locale}|${style.date}|${style.time}`;
  if (cache?.key === key) return cache;
  const hour12 = style.time === '12h' ? true : style.time === '24h' ? false : undefined;
  const timeOpts: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit', hour12 };
  cache = {
    key,
    dateTime: new Intl.DateTimeFormat(style.locale, { dateStyle: 'medium', timeStyle: 'short', hour12 }),
    // Expiry dates are stored as 00:00 UTC of the day: show that day everywhere.
    day: new Intl.DateTimeFormat(style.locale, { dateStyle: 'medium', timeZone: 'UTC' }),
    time: new Intl.DateTimeFormat(style.locale, timeOpts),
  };
  return cache;
}

function numericDay(d: Date, utc: boolean): string {
  const y = utc ? d.getUTCFullYear() : d.getFullYear();
  const m = String((utc ? d.getUTCMonth() : d.getMonth()) + 1).padStart(2, '0');
  const day = String(utc ? d.getUTCDate() : d.getDate()).padStart(2, '0');
  if (style.date === 'iso') return `${y}-${m}-${day}`;
  if (style.date === 'dmy') return `${day}/${m}/${y}`;
  return `${m}/${day}/${y}`;
}

export function formatTime(ms: number): string {
  return formats().time.format(new Date(ms));
}

export function formatDateTime(ms: number): string {
  if (style.date === 'system') return formats().dateTime.format(new Date(ms));
  return `${numericDay(new Date(ms), false)} ${formatTime(ms)}`;
}

export function formatDay(ms: number): string {
  if (style.date === 'system') return formats().day.format(new Date(ms));
  return numericDay(new Date(ms), true);
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

/**
 * Text of its own direction inside a message (a path in an Arabic
 * sentence): Unicode first-strong isolates, so /tmp/x stays /tmp/x.
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
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
