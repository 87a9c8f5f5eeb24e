// An in-memory stand-in for the core's preferences and profiles, shared by
// the dev mock backend and the unit tests' fake backend. It follows the
// core's rules closely enough to drive the screens (ranges, allowed values,
// input.invalid naming the key and what it allows); the real rules and
// their tests live in crates/core/src/prefs.
import type { Appearance, Behaviour, PrefEntry, Preferences, PrefsView, Privacy, ProfileInfo, Section } from '../lib/types';
import { DEFAULT_APPEARANCE } from '../lib/appearance';

type Spec = { section: Section; allowed: string; parse: (raw: string) => unknown };

function fail(key: string, raw: string, allowed: string): never {
  throw { code: 'input.invalid', message: `${key}: ${JSON.stringify(raw)} is not allowed; allowed: ${allowed}` };
}

const choice =
  (section: Section, names: string[]): Spec => ({
    section,
    allowed: names.join(', '),
    parse: (raw) => {
      const v = raw.trim().toLowerCase();
      if (!names.includes(v)) throw null;
      return v;
    },
  });

const int = (section: Section, min: number, max: number): Spec => ({
  section,
  allowed: `${min} to ${max}`,
  parse: (raw) => {
    const t = raw.trim();
    const n = t === 'forever' ? 0 : Number(t);
    if (!/^\d+$/.test(t) && t !== 'forever') throw null;
    if (n < min || n > max) throw null;
    return n;
  },
});

const bool = (section: Section): Spec => ({
  section,
  allowed: 'true, false',
  parse: (raw) => {
    if (['true', 'on', 'yes', '1'].includes(raw.trim())) return true;
    if (['false', 'off', 'no', '0'].includes(raw.trim())) return false;
    throw null;
  },
});

const SPECS: Record<string, Spec> = {
  'appearance.theme': choice('appearance', ['system', 'light', 'dark', 'high_contrast']),
  'appearance.accent_colour': {
    section: 'appearance',
    allowed: '#rrggbb (for example #3b6fd4)',
    parse: (raw) => {
      const v = raw.trim().toLowerCase();
      if (!/^#[0-9a-f]{6}$/.test(v)) throw null;
      return v;
    },
  },
  'appearance.text_size': {
    section: 'appearance',
    allowed: '87.5% to 150% (for example 125% or 1.25)',
    parse: (raw) => {
      const t = raw.trim();
      let v = Number(t.replace(/%$/, ''));
      if (!t.endsWith('%') && v <= 10) v *= 100;
      if (!Number.isFinite(v) || v < 87.5 || v > 150) throw null;
      return v;
    },
  },
  'appearance.density': choice('appearance', ['compact', 'comfortable']),
  'appearance.reduced_motion': choice('appearance', ['system', 'on', 'off']),
  'appearance.language': choice('appearance', ['system', 'en', 'de', 'fr', 'ar']),
  'appearance.date_format': choice('appearance', ['system', 'iso', 'dmy', 'mdy']),
  'appearance.time_format': choice('appearance', ['system', '24h', '12h']),
  'behaviour.auto_lock_minutes': int('behaviour', 1, 1440),
  'behaviour.clipboard_clear_seconds': int('behaviour', 5, 600),
  'behaviour.reveal_seconds': int('behaviour', 3, 600),
  'behaviour.default_view': choice('behaviour', ['all', 'api_keys', 'tokens', 'secrets', 'expiring']),
  'behaviour.default_sort': choice('behaviour', ['relevance', 'name', 'recently_updated', 'expiry']),
  'behaviour.lock_on_sleep': bool('behaviour'),
  'privacy.sharing_default': choice('privacy', ['always_ask', 'ask_once_per_site', 'never']),
  'privacy.never_share_claims': {
    section: 'privacy',
    allowed: 'a comma-separated list of claim names',
    parse: (raw) => {
      const list = raw
        .split(',')
        .map((c) => c.trim().toLowerCase())
        .filter(Boolean);
      if (list.some((c) => !/^[a-z0-9_.-]{1,64}$/.test(c))) throw null;
      return list;
    },
  },
  'privacy.sharing_history_days': int('privacy', 0, 3650),
  'privacy.audit_log_days': int('privacy', 0, 3650),
  'privacy.hide_names_on_lock_screen': bool('privacy'),
};

export function defaultAppearance(): Appearance {
  return { ...DEFAULT_APPEARANCE };
}

function defaultBehaviour(): Behaviour {
  return {
    auto_lock_minutes: 5,
    clipboard_clear_seconds: 20,
    reveal_seconds: 15,
    default_view: 'all',
    default_sort: 'relevance',
    lock_on_sleep: true,
  };
}

function defaultPrivacy(): Privacy {
  return {
    sharing_default: 'always_ask',
    never_share_claims: ['birth_date', 'address'],
    sharing_history_days: 365,
    audit_log_days: 0,
    hide_names_on_lock_screen: true,
  };
}

function show(v: unknown, key: string): string {
  if (key === 'appearance.text_size') return `${String(v)}%`;
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

type Profile = { id: string; name: string; appearance: Appearance; filters: ProfileInfo['filters'] };

export class FakePrefs {
  behaviour = defaultBehaviour();
  privacy = defaultPrivacy();
  profiles: Profile[] = [{ id: 'default', name: 'Default', appearance: defaultAppearance(), filters: { tags: [], kinds: [] } }];
  activeId = 'default';
  #next = 1;

  constructor(appearance: Partial<Appearance> = {}) {
    this.profiles[0].appearance = { ...defaultAppearance(), ...appearance };
  }

  get active(): Profile {
    return this.profiles.find((p) => p.id === this.activeId) ?? this.profiles[0];
  }

  prefs(): Preferences {
    return { appearance: { ...this.active.appearance }, behaviour: { ...this.behaviour }, privacy: { ...this.privacy } };
  }

  view(): PrefsView {
    const p = this.prefs();
    const d: Preferences = { appearance: defaultAppearance(), behaviour: defaultBehaviour(), privacy: defaultPrivacy() };
    const entries: PrefEntry[] = Object.entries(SPECS).map(([key, spec]) => {
      const [section, name] = key.split('.') as [Section, string];
      const of = (x: Preferences) => (x[section] as Record<string, unknown>)[name];
      return { key, section: spec.section, value: show(of(p), key), default: show(of(d), key), allowed: spec.allowed };
    });
    const profiles: ProfileInfo[] = this.profiles.map((q) => ({
      id: q.id,
      name: q.name,
      active: q.id === this.activeId,
      appearance: { ...q.appearance },
      filters: { tags: [...q.filters.tags], kinds: [...q.filters.kinds] },
      identity: null,
    }));
    return { prefs: p, entries, profiles, active: this.activeId };
  }

  set(rawKey: string, raw: string): PrefsView {
    const key = rawKey.includes('.') ? rawKey : Object.keys(SPECS).find((k) => k.endsWith(`.${rawKey}`)) ?? rawKey;
    const spec = SPECS[key];
    if (!spec) throw { code: 'input.invalid', message: `unknown preference key ${JSON.stringify(rawKey)}` };
    let value: unknown;
    try {
      value = spec.parse(raw);
    } catch {
      fail(key, raw, spec.allowed);
    }
    const [section, name] = key.split('.');
    const target: Record<string, unknown> =
      section === 'appearance' ? this.active.appearance : section === 'behaviour' ? this.behaviour : this.privacy;
    target[name] = value;
    return this.view();
  }

  reset(target: string | null): PrefsView {
    if (target === null || target === 'appearance') this.active.appearance = defaultAppearance();
    if (target === null || target === 'behaviour') this.behaviour = defaultBehaviour();
    if (target === null || target === 'privacy') this.privacy = defaultPrivacy();
    return this.view();
  }

  #find(name: string): Profile {
    const p = this.profiles.find((q) => q.name.toLowerCase() === name.trim().toLowerCase());
    if (!p) throw { code: 'input.invalid', message: `no profile named ${JSON.stringify(name)}` };
    return p;
  }

  #checkName(name: string, except?: string): string {
    const n = name.trim();
    if (n.length === 0 || n.length > 40)
      throw { code: 'input.invalid', message: `profile name ${JSON.stringify(name)}: allowed: 1 to 40 printable characters` };
    if (this.profiles.some((p) => p.id !== except && p.name.toLowerCase() === n.toLowerCase()))
      throw { code: 'input.invalid', message: `a profile named ${JSON.stringify(n)} already exists` };
    return n;
  }

  create(name: string): PrefsView {
    const n = this.#checkName(name);
    this.profiles.push({ id: `p${this.#next++}`, name: n, appearance: defaultAppearance(), filters: { tags: [], kinds: [] } });
    return this.view();
  }

  switchTo(name: string): PrefsView {
    this.activeId = this.#find(name).id;
    return this.view();
  }

  rename(name: string, newName: string): PrefsView {
    const p = this.#find(name);
    p.name = this.#checkName(newName, p.id);
    return this.view();
  }

  remove(name: string): PrefsView {
    const p = this.#find(name);
    if (this.profiles.length === 1)
      throw { code: 'input.invalid', message: `${JSON.stringify(name)} is the only profile and cannot be deleted` };
    this.profiles = this.profiles.filter((q) => q.id !== p.id);
    if (this.activeId === p.id) this.activeId = this.profiles[0].id;
    return this.view();
  }

  setFilters(name: string, filters: ProfileInfo['filters']): PrefsView {
    this.#find(name).filters = { tags: [...filters.tags], kinds: [...filters.kinds] };
    return this.view();
  }

  /** Handles a prefs or profile command; undefined if `cmd` is not one. */
  handle(cmd: string, args: Record<string, unknown>): { handled: boolean; value?: unknown } {
    const s = (k: string) => String(args[k]);
    switch (cmd) {
      case 'prefs_get':
        return { handled: true, value: this.view() };
      case 'prefs_set':
        return { handled: true, value: this.set(s('key'), s('value')) };
      case 'prefs_reset':
        return { handled: true, value: this.reset((args.target as string | null) ?? null) };
      case 'prefs_export':
        return { handled: true, value: JSON.stringify({ format: 'tessera-preferences', version: 2 }) };
      case 'appearance':
        return { handled: true, value: { ...this.active.appearance } };
      case 'system_color_scheme':
        return { handled: true, value: null };
      case 'profile_create':
        return { handled: true, value: this.create(s('name')) };
      case 'profile_switch':
        return { handled: true, value: this.switchTo(s('name')) };
      case 'profile_rename':
        return { handled: true, value: this.rename(s('name'), s('newName')) };
      case 'profile_delete':
        return { handled: true, value: this.remove(s('name')) };
      case 'profile_filters':
        return { handled: true, value: this.setFilters(s('name'), args.filters as ProfileInfo['filters']) };
      default:
        return { handled: false };
    }
  }

  /** The active profile's filters applied to a list, as the app's search does. */
  passes(item: { kind: string; tags: string[] }): boolean {
    const f = this.active.filters;
    const tags = f.tags.map((t) => t.toLowerCase());
    return (
      (f.kinds.length === 0 || f.kinds.includes(item.kind as never)) &&
      (tags.length === 0 || item.tags.some((t) => tags.includes(t.toLowerCase())))
    );
  }
}
