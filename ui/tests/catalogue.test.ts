// Every user-facing string goes through t(): the keys used exist, the keys
// that exist are used, and no component markup carries hard-coded text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { en } from '../src/lib/i18n/en';
import { t } from '../src/lib/i18n';
import { ERROR_TEXT } from '../src/lib/errors';

const SRC = join(__dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'bindings' ? [] : files(path);
    return /\.(svelte|ts)$/.test(name) ? [path] : [];
  });
}

const sources = files(SRC)
  // The catalogue itself, and t() whose comments show how it is called.
  .filter((f) => !f.includes(`${join('lib', 'i18n')}`))
  .map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const keys = new Set(Object.keys(en));

describe('message catalogue', () => {
  test('every t() key used in the source exists in en.ts', () => {
    const missing: string[] = [];
    let count = 0;
    for (const { path, text } of sources) {
      for (const m of text.matchAll(/(?<![\w.$])t\(\s*(['"`])([^'"`]+)\1/g)) {
        count++;
        if (!keys.has(m[2])) missing.push(`${path}: ${m[2]}`);
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  test('every key in en.ts is used somewhere', () => {
    const all = sources.map((s) => s.text).join('\n');
    const unused = [...keys].filter((k) => !all.includes(`'${k}'`));
    expect(unused).toEqual([]);
  });

  test('components have no hard-coded user-facing text', () => {
    const offenders: string[] = [];
    for (const { path, text } of sources.filter((s) => s.path.endsWith('.svelte'))) {
      let markup = text
        .replace(/<script[\s\S]*?<\/script>/g, '')
        .replace(/<style[\s\S]*?<\/style>/g, '')
        .replace(/<!--[\s\S]*?-->/g, '');
      // Drop {expressions}, innermost first.
      for (let prev = ''; prev !== markup; ) {
        prev = markup;
        markup = markup.replace(/\{[^{}]*\}/g, '');
      }
      for (const m of markup.matchAll(/\b(aria-label|title|placeholder|alt|label)="([^"]*)"/g)) {
        if (/[A-Za-z]/.test(m[2])) offenders.push(`${path}: ${m[1]}="${m[2]}"`);
      }
      const textOnly = markup.replace(/<[^>]*>/g, ' ');
      for (const word of textOnly.match(/[A-Za-z][A-Za-z'’]*/g) ?? []) offenders.push(`${path}: ${word}`);
    }
    expect(offenders).toEqual([]);
  });

  test('every backend error code the core defines has words', () => {
    for (const code of [
      'crypto.wrong_password',
      'vault.locked',
      'vault.not_found',
      'vault.exists',
      'vault.busy',
      'vault.corrupt',
      'vault.too_new',
      'item.not_found',
      'item.field_not_found',
      'item.exists',
      'input.invalid',
      'import.invalid',
      'audit.broken',
      'store.failure',
      'io.failure',
    ]) {
      expect(ERROR_TEXT[code], code).toBeDefined();
    }
  });

  test('t() fills in placeholders and leaves unknown ones', () => {
    expect(t('toast.copied', { seconds: 20 })).toBe('Copied; clears in 20 s');
    expect(t('common.vault_at')).toBe('Vault: {path}');
  });
});
