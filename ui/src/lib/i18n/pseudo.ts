// The pseudo-locale (en-XA): English with accents, brackets and about a
// third more length, made from en.ts. A string on screen without ⟦ ⟧ did
// not come from the catalogue; one cut short shows its brackets missing.
import { en, type MessageKey } from './en';

const ACCENTS: Record<string, string> = {
  a: 'á', b: 'ƀ', c: 'ç', d: 'ð', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'í', j: 'ĵ', k: 'ķ', l: 'ļ', m: 'ɱ',
  n: 'ñ', o: 'ó', p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'ú', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Á', B: 'Ɓ', C: 'Ç', D: 'Ð', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Í', J: 'Ĵ', K: 'Ķ', L: 'Ļ', M: 'Ṁ',
  N: 'Ñ', O: 'Ó', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Ú', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};

function accent(text: string): string {
  let out = '';
  for (const ch of text) out += ACCENTS[ch] ?? ch;
  // About a third longer, as German and French often are.
  const pad = Math.ceil([...text].filter((c) => /\w/.test(c)).length / 3);
  return pad > 0 ? out + '·'.repeat(Math.min(pad, 12)) : out;
}

/**
 * Accents the text of an ICU message and leaves its syntax alone:
 * `{name}` stays, `{n, plural, one {…} other {…}}` keeps its selectors and
 * has its option texts accented.
 */
export function pseudoMessage(message: string): string {
  let i = 0;
  function text(until: '}' | null): string {
    let out = '';
    let plain = '';
    const flush = () => {
      out += accent(plain);
      plain = '';
    };
    while (i < message.length) {
      const ch = message[i];
      if (ch === '}' && until === '}') break;
      if (ch === '{') {
        flush();
        out += argument();
        continue;
      }
      if (ch === '#') {
        flush();
        out += '#';
        i++;
        continue;
      }
      plain += ch;
      i++;
    }
    flush();
    return out;
  }
  function argument(): string {
    // At '{': the name, then '}' or ', type[, options]'.
    const start = i;
    i++;
    while (i < message.length && message[i] !== '}' && message[i] !== ',') i++;
    if (message[i] === '}') {
      i++;
      return message.slice(start, i);
    }
    let out = message.slice(start, i);
    // ', plural,' and the selectors up to each option's '{'.
    while (i < message.length && message[i] !== '}') {
      if (message[i] === '{') {
        out += '{';
        i++;
        out += text('}');
        out += '}';
        i++;
      } else {
        out += message[i];
        i++;
      }
    }
    i++;
    return `${out}}`;
  }
  return `⟦${text(null)}⟧`;
}

export const pseudo = Object.fromEntries(
  Object.entries(en).map(([key, value]) => [key, pseudoMessage(value)]),
) as Record<MessageKey, string>;
