// Applies an Appearance to the document at once: theme, accent, text size,
// density, motion, language and direction. The store (prefs.svelte.ts)
// times this together with the re-render it causes on the performance
// timeline ("tessera:apply-appearance"), so tests can check it stays within
// one frame.
import type { Appearance } from './types';
import { isRtl, resolveLocale, setLocale, type Locale } from './i18n';
import { setDateStyle } from './format';

export type ResolvedTheme = 'light' | 'dark' | 'high_contrast';
export type SystemScheme = 'light' | 'dark' | null;

export const DEFAULT_APPEARANCE: Appearance = {
  theme: 'system',
  accent_colour: '#3b6fd4',
  text_size: 100,
  density: 'comfortable',
  reduced_motion: 'system',
  language: 'system',
  date_format: 'system',
  time_format: 'system',
};

/** What the system says, from the portal (Linux) or the media queries. */
export type SystemState = {
  /** The desktop portal's colour scheme; null when there is none. */
  portal: SystemScheme;
  prefersDark: boolean;
  prefersReducedMotion: boolean;
  prefersContrast: boolean;
};

export function resolveTheme(a: Appearance, s: SystemState): ResolvedTheme {
  if (a.theme !== 'system') return a.theme;
  if (s.prefersContrast) return 'high_contrast';
  if (s.portal) return s.portal;
  return s.prefersDark ? 'dark' : 'light';
}

// ---- colour -------------------------------------------------------------

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb | null {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const x = parseHex(a);
  const y = parseHex(b);
  if (!x || !y) return 1;
  const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
  return (hi + 0.05) / (lo + 0.05);
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * The user's accent, moved toward black (light themes) or white (dark) just
 * far enough to reach `ratio` against every colour of `against`.
 */
export function readableAccent(accent: string, against: string[], towards: 'black' | 'white', ratio: number): string {
  const base = parseHex(accent) ?? parseHex(DEFAULT_APPEARANCE.accent_colour)!;
  const target: Rgb = towards === 'black' ? [0, 0, 0] : [255, 255, 255];
  for (let step = 0; step <= 40; step++) {
    const c = toHex(mix(base, target, step / 40));
    if (against.every((bg) => contrast(c, bg) >= ratio)) return c;
  }
  return toHex(target);
}

// Backgrounds the accent is drawn on (text, links, focus rings), per theme;
// kept in step with app.css.
const ACCENT_ON: Record<Exclude<ResolvedTheme, 'high_contrast'>, { bg: string[]; towards: 'black' | 'white'; fg: string }> = {
  light: { bg: ['#ffffff', '#f5f5f3', '#eeeeeb', '#e3ecfa'], towards: 'black', fg: '#ffffff' },
  dark: { bg: ['#141619', '#1d2024', '#272b30', '#1f2f4a'], towards: 'white', fg: '#0b1a33' },
};

export function accentVars(accent: string, theme: ResolvedTheme): Record<string, string> | null {
  // High contrast keeps its own fixed, AAA colours.
  if (theme === 'high_contrast') return null;
  const spec = ACCENT_ON[theme];
  // AA for text (4.5:1) on every surface, and for the label on the accent.
  const c = readableAccent(accent, [...spec.bg, spec.fg], spec.towards, 4.5);
  return { '--accent': c, '--focus': c };
}

// ---- the document -------------------------------------------------------

export type Applied = { theme: ResolvedTheme; locale: Locale; reducedMotion: boolean };

export function applyAppearance(a: Appearance, s: SystemState, root: HTMLElement = document.documentElement): Applied {
  const theme = resolveTheme(a, s);
  const reducedMotion = a.reduced_motion === 'on' || (a.reduced_motion === 'system' && s.prefersReducedMotion);
  const loc = resolveLocale(a.language);
  root.dataset.theme = theme;
  root.dataset.density = a.density;
  root.dataset.motion = reducedMotion ? 'reduce' : 'full';
  root.style.setProperty('--text-scale', String(a.text_size / 100));
  const accent = accentVars(a.accent_colour, theme);
  for (const name of ['--accent', '--focus']) {
    if (accent) root.style.setProperty(name, accent[name]);
    else root.style.removeProperty(name);
  }
  root.lang = loc === 'en-XA' ? 'en' : loc;
  root.dir = isRtl(loc) ? 'rtl' : 'ltr';
  setDateStyle(loc === 'en-XA' ? 'en' : loc, a.date_format, a.time_format);
  setLocale(loc);
  return { theme, locale: loc, reducedMotion };
}
