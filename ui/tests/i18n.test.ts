// Languages: every catalogue is complete and well-formed ICU with the same
// placeholders as English; plurals work; the pseudo-locale shows that every
// string on every screen comes from the catalogue; right to left mirrors.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, test } from 'vitest';
import App from '../src/App.svelte';
import { CATALOGUES, t, type Locale } from '../src/lib/i18n';
import { en } from '../src/lib/i18n/en';
import { pseudoMessage } from '../src/lib/i18n/pseudo';
import { FakeBackend, makeItems } from './backend';

function args(message: string): string[] {
  // Placeholder names: {name} and {name, plural, ...}.
  return [...new Set([...message.matchAll(/\{\s*(\w+)\s*[,}]/g)].map((m) => m[1]))].sort();
}

describe('catalogues', () => {
  for (const [loc, cat] of Object.entries(CATALOGUES)) {
    test(`${loc}: every key, valid ICU, same placeholders as English`, () => {
      expect(Object.keys(cat).sort()).toEqual(Object.keys(en).sort());
      for (const [key, message] of Object.entries(cat)) {
        expect(() => new IntlMessageFormat(message, loc === 'en-XA' ? 'en' : loc), `${loc} ${key}`).not.toThrow();
        expect(args(message), `${loc} ${key}`).toEqual(args(en[key as keyof typeof en]));
      }
    });
  }

  test('German, French and Arabic are translated, not copies of English', () => {
    for (const loc of ['de', 'fr', 'ar'] as Locale[]) {
      const same = Object.entries(CATALOGUES[loc]).filter(
        ([k, v]) => v === en[k as keyof typeof en] && /[a-z]{4}/.test(v) && !k.startsWith('lang.'),
      );
      // Product names, variable names and such are the same everywhere.
      expect(same.length, `${loc}: ${same.map(([k]) => k).join(', ')}`).toBeLessThan(12);
    }
  });

  test('plurals follow each language', () => {
    const fmt = (loc: string, key: keyof typeof en, count: number) =>
      String(new IntlMessageFormat(CATALOGUES[loc as Locale][key], loc).format({ count }));
    expect(fmt('en', 'import.imported', 1)).toBe('Imported 1 item');
    expect(fmt('en', 'import.imported', 2)).toBe('Imported 2 items');
    expect(fmt('en', 'import.imported', 10000)).toBe('Imported 10,000 items');
    expect(fmt('de', 'profile.count', 1)).toBe('1 Profil');
    expect(fmt('de', 'profile.count', 3)).toBe('3 Profile');
    expect(fmt('fr', 'import.imported', 1)).toBe('1 élément importé');
    expect(fmt('fr', 'import.imported', 2)).toBe('2 éléments importés');
    expect(fmt('ar', 'profile.count', 2)).toBe('ملفان شخصيان');
    expect(fmt('ar', 'profile.count', 3)).toContain('ملفات');
    expect(t('import.imported', { count: 3 })).toBe('Imported 3 items');
  });

  test('the pseudo-locale keeps ICU syntax and marks the text', () => {
    expect(pseudoMessage('Vault: {path}')).toBe('⟦Ṽáúļţ: ··{path}⟧');
    const p = pseudoMessage('{count, plural, one {# item} other {# items}}');
    expect(p).toMatch(/^⟦\{count, plural, one \{# íţéɱ·*\} other \{# íţéɱš·*\}\}⟧$/);
    expect(String(new IntlMessageFormat(p, 'en').format({ count: 2 }))).toContain('2 íţéɱš');
  });
});

/** Every visible text node and accessible label under `el`. */
function texts(el: Element): string[] {
  const out: string[] = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest('[hidden], [aria-hidden="true"], script, style, .print-only')) continue;
    const v = (n.textContent ?? '').trim();
    if (v) out.push(v);
  }
  for (const e of el.querySelectorAll('[aria-label], [placeholder], [title]')) {
    for (const a of ['aria-label', 'placeholder', 'title']) {
      const v = e.getAttribute(a);
      if (v) out.push(v);
    }
  }
  return out;
}

/** Texts that are not pseudo-localized: data, not interface. */
function untranslated(el: Element, allowed: RegExp): string[] {
  return texts(el).filter((s) => !s.includes('⟦') && !allowed.test(s));
}

describe('pseudo-locale: every string on screen comes from the catalogue', () => {
  // Item names, services, tags, variables, numbers, dates and paths are data.
  const DATA = /^(item-\d+|Service \d+|ITEM_\d+|even|odd|[\d\s.,:/%–—-]+|\/home\/.*|sk_live_|STRIPE_API_KEY|Default|[A-Z][a-z]{2} \d{1,2}, \d{4}(, \d{1,2}:\d{2}\s?[AP]M)?|•+|[\u2190-\u21ff✓×]+)$/;

  test('lock screen', async () => {
    new FakeBackend({ appearance: { language: 'en-XA' as never } });
    render(App);
    await screen.findByTestId('unlock-password');
    await waitFor(() => expect(document.documentElement.lang).toBe('en'));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('⟦'));
    expect(untranslated(document.body, DATA)).toEqual([]);
  });

  test('first run', async () => {
    new FakeBackend({ status: { vault_exists: false }, appearance: { language: 'en-XA' as never } });
    render(App);
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('⟦'));
    expect(untranslated(document.body, DATA)).toEqual([]);
  });

  test('vault list, item view, settings and add dialog', async () => {
    const backend = new FakeBackend({ status: { unlocked: true }, items: makeItems(3), appearance: { language: 'en-XA' as never } });
    render(App);
    await waitFor(() => expect(screen.getAllByTestId('item-row')).toHaveLength(3));
    await waitFor(() => expect(screen.getByTestId('lock').textContent).toContain('⟦'));
    expect(untranslated(document.body, DATA)).toEqual([]);
    await fireEvent.click(screen.getAllByTestId('item-row')[0]);
    await screen.findByTestId('item-panel');
    await backend.waitForCall('item_history');
    await waitFor(() => expect(screen.queryAllByTestId('version').length).toBeGreaterThan(0));
    const DETAIL = /^(acct_123|pin|account|rotate every 90 days|https:\/\/dashboard\.example\.com)$/;
    expect(untranslated(document.body, new RegExp(`${DATA.source}|${DETAIL.source}`))).toEqual([]);
    await fireEvent.click(screen.getByTestId('settings'));
    const dialog = await screen.findByTestId('settings-dialog');
    await waitFor(() => expect(dialog.querySelector('select')).not.toBeNull());
    expect(untranslated(dialog, new RegExp(`${DATA.source}|^(English|Deutsch|Français|العربية)$`))).toEqual([]);
  });
});

describe('right to left', () => {
  test('Arabic sets dir="rtl" and lang="ar" on the document', async () => {
    new FakeBackend({ appearance: { language: 'ar' } });
    render(App);
    await waitFor(() => expect(document.documentElement.dir).toBe('rtl'));
    expect(document.documentElement.lang).toBe('ar');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Tessera مقفل');
  });

  test('styles use logical properties only, so the layout mirrors', () => {
    const SRC = join(__dirname, '..', 'src');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : /\.(svelte|css)$/.test(n) ? [p] : [];
      });
    const physical = /(?:^|[\s;{])(margin-left|margin-right|padding-left|padding-right|left|right|border-left|border-right|text-align:\s*(?:left|right)|float:\s*(?:left|right))\s*:/gm;
    const offenders: string[] = [];
    for (const f of files(SRC)) {
      const text = readFileSync(f, 'utf8');
      const css = f.endsWith('.css') ? text : [...text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]).join('\n');
      for (const m of css.matchAll(physical)) offenders.push(`${f.slice(SRC.length)}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});
