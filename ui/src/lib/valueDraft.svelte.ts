// The "new value" part of the add and rotate forms: paste one, or generate
// one with a length, a prefix and an alphabet (the backend generates it).
import type { MessageKey } from './i18n';
import type { NewValue } from './types';

export const MIN_LENGTH = 8;
export const MAX_LENGTH = 4096;
export const DEFAULT_LENGTH = 40;

export class ValueDraft {
  mode = $state<'literal' | 'generate'>('literal');
  literal = $state('');
  length = $state(DEFAULT_LENGTH);
  prefix = $state('');
  alphabet = $state('alphanumeric');

  constructor(mode: 'literal' | 'generate' = 'literal') {
    this.mode = mode;
  }

  /** What is wrong before asking the backend, as a catalogue key. */
  get problem(): MessageKey | null {
    if (this.mode === 'literal') return this.literal === '' ? 'value.required' : null;
    if (!Number.isInteger(this.length) || this.length < MIN_LENGTH || this.length > MAX_LENGTH)
      return 'value.length_range';
    if (/\s/.test(this.prefix)) return 'value.prefix_spaces';
    return null;
  }

  toNewValue(): NewValue {
    if (this.mode === 'literal') return { type: 'literal', value: this.literal };
    return { type: 'generate', length: this.length, prefix: this.prefix, alphabet: this.alphabet };
  }

  /** Forgets a pasted value once it has been sent. */
  clear(): void {
    this.literal = '';
  }
}
