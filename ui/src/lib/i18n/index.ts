// The message catalogues. Components never hard-code user-facing text: they
// call t('key', {param}) and the key must exist in en.ts (the type checker and
// tests/catalogue.test.ts both make sure). Messages are ICU MessageFormat
// (intl-messageformat, no eval: the strict CSP holds): {name} placeholders,
// {count, plural, one {…} other {…}} plurals. en.ts is the typed source of
// keys; every other catalogue is a Record<MessageKey, string>, so a missing
// translation fails the type check.
import { IntlMessageFormat } from 'intl-messageformat';
import { ar } from './ar';
import { de } from './de';
import { en, type MessageKey } from './en';
import { fr } from './fr';
import { pseudo } from './pseudo';
import { locale, type Locale } from './locale.svelte';

export type { MessageKey };
export type { Locale };
export { locale, setLocale, LOCALES, resolveLocale, isRtl } from './locale.svelte';
export type Params = Record<string, string | number>;

export const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en, de, fr, ar, 'en-XA': pseudo };

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

// Compiled messages, per locale and key, made on first use.
const compiled = new Map<string, IntlMessageFormat>();

function formatter(loc: Locale, key: MessageKey, template: string): IntlMessageFormat {
  const id = `${loc}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    // The pseudo-locale formats numbers and plurals the English way.
    f = new IntlMessageFormat(template, loc === 'en-XA' ? 'en' : loc);
    compiled.set(id, f);
  }
  return f;
}

/** The message `key` in the active language, with `params` filled in. */
export function t(key: MessageKey, params?: Params): string {
  const loc = locale.current;
  const template = CATALOGUES[loc][key] ?? en[key] ?? key;
  if (!params) return template;
  try {
    const out = formatter(loc, key, template).format(params);
    return typeof out === 'string' ? out : String(out);
  } catch {
    // A placeholder without a value stays as written.
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
    );
  }
}
