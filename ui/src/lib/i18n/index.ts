// The message catalogue. Components never hard-code user-facing text: they
// call t('key', {param}) and the key must exist in en.ts (the type checker and
// tests/catalogue.test.ts both make sure). Placeholders are written {name}.
import { en, type MessageKey } from './en';

export type { MessageKey };
export type Params = Record<string, string | number>;

// Later issues add languages; the active catalogue is chosen here.
const catalogue: Record<MessageKey, string> = en;

export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(catalogue, key);
}

// Numbers in messages are written the local way (10,000 rather than 10000).
const numbers = new Intl.NumberFormat(undefined);

export function t(key: MessageKey, params?: Params): string {
  const template = catalogue[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) return whole;
    const value = params[name];
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}
