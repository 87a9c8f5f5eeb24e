// Preferences as the window uses them: the active profile's appearance
// (also while locked, for the lock screen), the system's colour scheme and
// motion settings, and, once unlocked, every preference and profile. Every
// change is applied to the document at once (applyAppearance).
import { flushSync } from 'svelte';
import { api, toApiError, type ApiError } from '../api';
import { applyAppearance, DEFAULT_APPEARANCE, type SystemState } from '../appearance';
import { onColorScheme } from '../events';
import { app } from './app.svelte';
import type { Appearance, PrefsView, ProfileInfo } from '../types';

function media(query: string): MediaQueryList | null {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(query) : null;
}

class PrefsStore {
  /** What is drawn: the active profile's appearance. */
  appearance = $state.raw<Appearance>(DEFAULT_APPEARANCE);
  /** Everything, once unlocked; null while locked. */
  view = $state.raw<PrefsView | null>(null);
  system = $state.raw<SystemState>({ portal: null, prefersDark: false, prefersReducedMotion: false, prefersContrast: false });
  /** The last failed change, with the key it was for. */
  error = $state.raw<{ key: string; error: ApiError } | null>(null);

  active = $derived<ProfileInfo | null>(this.view?.profiles.find((p) => p.active) ?? null);

  #stop: (() => void)[] = [];

  /** Starts following the system; safe to call more than once. */
  start(): void {
    if (this.#stop.length) return;
    const queries: [string, keyof SystemState][] = [
      ['(prefers-color-scheme: dark)', 'prefersDark'],
      ['(prefers-reduced-motion: reduce)', 'prefersReducedMotion'],
      ['(prefers-contrast: more)', 'prefersContrast'],
    ];
    const next = { ...this.system };
    for (const [q, field] of queries) {
      const m = media(q);
      if (!m) continue;
      (next[field] as boolean) = m.matches;
      const on = (e: MediaQueryListEvent) => this.#setSystem({ [field]: e.matches });
      m.addEventListener?.('change', on);
      this.#stop.push(() => m.removeEventListener?.('change', on));
    }
    this.system = next;
    this.apply();
    // The desktop portal (Linux), when there is one; otherwise the media
    // queries above decide, quietly.
    api
      .systemColorScheme()
      .then((s) => this.#setSystem({ portal: s ?? null }))
      .catch(() => undefined);
    const sub = onColorScheme((s) => this.#setSystem({ portal: s ?? null })).catch(() => null);
    this.#stop.push(() => void sub.then((un) => un?.()).catch(() => undefined));
  }

  stop(): void {
    for (const f of this.#stop.splice(0)) f();
  }

  #setSystem(patch: Partial<SystemState>): void {
    this.system = { ...this.system, ...patch };
    this.apply();
  }

  apply(): void {
    applyAppearance(this.appearance, this.system);
  }

  /**
   * Applies an appearance and renders the change at once (flushSync), timed
   * as "tessera:apply-appearance" on the performance timeline: the script
   * work of one preference change, which must fit in a frame (16 ms).
   */
  #setAppearance(a: Appearance): void {
    const timed = typeof performance !== 'undefined' && typeof performance.mark === 'function';
    if (timed) performance.mark('tessera:apply-start');
    this.appearance = a;
    this.apply();
    try {
      flushSync();
    } catch {
      // Called while Svelte is already flushing: it renders right after.
    }
    if (timed) {
      performance.mark('tessera:apply-end');
      performance.measure('tessera:apply-appearance', 'tessera:apply-start', 'tessera:apply-end');
    }
  }

  /** Before unlock: the lock screen's appearance (plaintext in the vault). */
  async loadLocked(): Promise<void> {
    try {
      this.#setAppearance(await api.appearance());
    } catch {
      // No vault, or it cannot be read: the defaults stay.
    }
  }

  /** After unlock: everything. */
  async load(): Promise<PrefsView | null> {
    try {
      const v = await api.prefsGet();
      this.#setView(v);
      return v;
    } catch (e) {
      this.error = { key: '', error: toApiError(e) };
      return null;
    }
  }

  #setView(v: PrefsView): void {
    this.view = v;
    // The session's timings (reveal, clipboard, auto-lock) are the
    // behaviour section: keep the status the rest of the UI reads in step.
    const b = v.prefs.behaviour;
    const s = app.status;
    if (s && app.unlocked) {
      const settings = {
        auto_lock_minutes: b.auto_lock_minutes,
        clipboard_clear_seconds: b.clipboard_clear_seconds,
        reveal_seconds: b.reveal_seconds,
      };
      const old = s.settings;
      if (
        old.auto_lock_minutes !== settings.auto_lock_minutes ||
        old.clipboard_clear_seconds !== settings.clipboard_clear_seconds ||
        old.reveal_seconds !== settings.reveal_seconds
      ) {
        app.status = { ...s, settings };
      }
    }
    this.#setAppearance(v.prefs.appearance);
  }

  /** Runs a change; on failure keeps what is on screen and records the error. */
  async #change(key: string, run: () => Promise<PrefsView>): Promise<boolean> {
    try {
      const v = await run();
      if (this.error?.key === key) this.error = null;
      this.#setView(v);
      return true;
    } catch (e) {
      this.error = { key, error: toApiError(e) };
      return false;
    }
  }

  set(key: string, value: string): Promise<boolean> {
    return this.#change(key, () => api.prefsSet(key, value));
  }

  reset(section: string): Promise<boolean> {
    return this.#change(section, () => api.prefsReset(section));
  }

  createProfile(name: string): Promise<boolean> {
    return this.#change('profile.create', () => api.profileCreate(name));
  }

  switchProfile(name: string): Promise<boolean> {
    return this.#change('profile.switch', () => api.profileSwitch(name));
  }

  renameProfile(name: string, newName: string): Promise<boolean> {
    return this.#change(`profile.rename:${name}`, () => api.profileRename(name, newName));
  }

  deleteProfile(name: string): Promise<boolean> {
    return this.#change(`profile.delete:${name}`, () => api.profileDelete(name));
  }

  setFilters(name: string, tags: string[], kinds: ProfileInfo['filters']['kinds']): Promise<boolean> {
    return this.#change(`profile.filters:${name}`, () => api.profileFilters(name, { tags, kinds }));
  }

  errorFor(key: string): ApiError | null {
    return this.error?.key === key ? this.error.error : null;
  }

  clearError(): void {
    this.error = null;
  }

  /** Locking forgets everything but the appearance, which the lock screen keeps. */
  lock(): void {
    this.view = null;
    this.error = null;
  }

  /** Everything back to the start; for tests. */
  forget(): void {
    this.view = null;
    this.error = null;
    this.appearance = DEFAULT_APPEARANCE;
    this.apply();
  }
}

export const prefs = new PrefsStore();
