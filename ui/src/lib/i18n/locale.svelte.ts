// The active language, as reactive state: every t() call in a template
// re-renders when it changes, without a reload.
export const LOCALES = ['en', 'de', 'fr', 'ar', 'en-XA'] as const;
export type Locale = (typeof LOCALES)[number];

const RTL: ReadonlySet<Locale> = new Set(['ar']);

export const locale = $state<{ current: Locale }>({ current: 'en' });

export function isRtl(loc: Locale): boolean {
  return RTL.has(loc);
}

/** A preference (`system`, `en`, …) → a catalogue we have. */
export function resolveLocale(pref: string, system: readonly string[] = navigatorLanguages()): Locale {
  if (pref !== 'system') return (LOCALES as readonly string[]).includes(pref) ? (pref as Locale) : 'en';
  for (const tag of system) {
    const base = tag.toLowerCase().split('-')[0];
    const hit = LOCALES.find((l) => l === base);
    if (hit) return hit;
  }
  return 'en';
}

function navigatorLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

export function setLocale(loc: Locale): void {
  if (locale.current !== loc) locale.current = loc;
}
