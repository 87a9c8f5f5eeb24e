// Preferences applied live: theme, text size, density, motion, language and
// direction change the document at once; search within settings; reset per
// section; profiles switch from the header and with Ctrl+digit.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, test } from 'vitest';
import App from '../src/App.svelte';
import { accentVars, contrast, readableAccent, resolveTheme } from '../src/lib/appearance';
import { t } from '../src/lib/i18n';
import { FakeBackend, makeItems, PASSWORD } from './backend';

const root = () => document.documentElement;

async function openSettings(backend = new FakeBackend({ status: { unlocked: true }, items: makeItems(4) })) {
  render(App);
  await fireEvent.click(await screen.findByTestId('settings'));
  const dialog = await screen.findByTestId('settings-dialog');
  await waitFor(() => expect(within(dialog).getByLabelText(t('pref.theme'))).toBeTruthy());
  return { backend, dialog };
}

describe('preferences applied live', () => {
  test('theme, text size, density and motion apply without a reload', async () => {
    const { backend, dialog } = await openSettings();
    const timedBefore = performance.getEntriesByName('tessera:apply-appearance').length;
    await fireEvent.change(within(dialog).getByLabelText(t('pref.theme')), { target: { value: 'dark' } });
    await waitFor(() => expect(root().dataset.theme).toBe('dark'));
    await fireEvent.change(within(dialog).getByLabelText(t('pref.theme')), { target: { value: 'high_contrast' } });
    await waitFor(() => expect(root().dataset.theme).toBe('high_contrast'));
    await fireEvent.change(within(dialog).getByLabelText(t('pref.text_size')), { target: { value: '125%' } });
    await waitFor(() => expect(root().style.getPropertyValue('--text-scale')).toBe('1.25'));
    await fireEvent.change(within(dialog).getByLabelText(t('pref.density')), { target: { value: 'compact' } });
    await waitFor(() => expect(root().dataset.density).toBe('compact'));
    await fireEvent.change(within(dialog).getByLabelText(t('pref.reduced_motion')), { target: { value: 'on' } });
    await waitFor(() => expect(root().dataset.motion).toBe('reduce'));
    expect(backend.prefs.active.appearance).toMatchObject({ theme: 'high_contrast', text_size: 125, density: 'compact' });
    // The apply is timed on the performance timeline: each change adds a measure.
    expect(performance.getEntriesByName('tessera:apply-appearance').length).toBeGreaterThan(0);
    expect(performance.getEntriesByName('tessera:apply-appearance').length).toBeGreaterThanOrEqual(timedBefore + 5);
  });

  test('language: German, then Arabic right to left, at once', async () => {
    const { dialog } = await openSettings();
    await fireEvent.change(within(dialog).getByLabelText(t('pref.language')), { target: { value: 'de' } });
    await waitFor(() => expect(root().lang).toBe('de'));
    expect(within(dialog).getByRole('heading', { name: 'Einstellungen' })).toBeTruthy();
    expect(screen.getByTestId('lock').textContent).toContain('Sperren');
    await fireEvent.change(within(dialog).getByLabelText('Sprache'), { target: { value: 'ar' } });
    await waitFor(() => expect(root().dir).toBe('rtl'));
    expect(root().lang).toBe('ar');
    expect(within(dialog).getByRole('heading', { name: 'الإعدادات' })).toBeTruthy();
  });

  test('the lock screen is drawn in the stored appearance before unlock', async () => {
    const backend = new FakeBackend({ appearance: { theme: 'dark', language: 'fr', text_size: 150 } });
    render(App);
    await screen.findByTestId('unlock-password');
    await waitFor(() => expect(root().dataset.theme).toBe('dark'));
    expect(root().lang).toBe('fr');
    expect(root().style.getPropertyValue('--text-scale')).toBe('1.5');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Tessera est verrouillé');
    expect(backend.called('prefs_get')).toEqual([]);
    await fireEvent.input(screen.getByTestId('unlock-password'), { target: { value: PASSWORD } });
    await fireEvent.click(screen.getByTestId('unlock-submit'));
    await backend.waitForCall('prefs_get');
  });

  test('system theme follows the portal when it answers, else prefers-color-scheme', () => {
    const a = { theme: 'system' } as Parameters<typeof resolveTheme>[0];
    const s = { portal: null, prefersDark: false, prefersReducedMotion: false, prefersContrast: false };
    expect(resolveTheme(a, s)).toBe('light');
    expect(resolveTheme(a, { ...s, prefersDark: true })).toBe('dark');
    expect(resolveTheme(a, { ...s, portal: 'dark' })).toBe('dark');
    expect(resolveTheme(a, { ...s, prefersDark: true, portal: 'light' })).toBe('light');
    expect(resolveTheme({ ...a, theme: 'light' }, { ...s, portal: 'dark' })).toBe('light');
  });

  test('any accent colour is adjusted to keep AA contrast', () => {
    for (const accent of ['#ffff00', '#3b6fd4', '#000000', '#ff00ff', '#00ffcc']) {
      const light = accentVars(accent, 'light')!['--accent'];
      for (const bg of ['#ffffff', '#f5f5f3', '#eeeeeb']) expect(contrast(light, bg)).toBeGreaterThanOrEqual(4.5);
      const dark = accentVars(accent, 'dark')!['--accent'];
      for (const bg of ['#141619', '#1d2024', '#272b30']) expect(contrast(dark, bg)).toBeGreaterThanOrEqual(4.5);
    }
    expect(accentVars('#3b6fd4', 'high_contrast')).toBeNull();
    expect(readableAccent('#1d5bb8', ['#ffffff'], 'black', 4.5)).toBe('#1d5bb8');
  });
});

describe('settings screen', () => {
  test('keyboard: focus starts in the search box, Escape closes and gives focus back', async () => {
    new FakeBackend({ status: { unlocked: true }, items: makeItems(2) });
    render(App);
    const button = await screen.findByTestId('settings');
    button.focus();
    await fireEvent.click(button);
    const dialog = await screen.findByTestId('settings-dialog');
    await waitFor(() => expect(within(dialog).getByLabelText(t('pref.theme'))).toBeTruthy());
    expect(document.activeElement).toBe(within(dialog).getByTestId('settings-search'));
    // Every control in the dialog has an accessible name (a label).
    for (const el of dialog.querySelectorAll('input, select')) {
      const id = el.getAttribute('id');
      const named =
        el.getAttribute('aria-label') || (id && dialog.querySelector(`label[for="${id}"]`)) || el.closest('label');
      expect(named, el.outerHTML.slice(0, 80)).toBeTruthy();
    }
    await fireEvent.keyDown(dialog.querySelector('[role="dialog"]') ?? dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('settings-dialog')).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId('settings'));
  });


  test('search narrows the settings, in the active language', async () => {
    const { dialog } = await openSettings();
    await fireEvent.input(within(dialog).getByTestId('settings-search'), { target: { value: 'clipboard' } });
    expect(within(dialog).getByTestId('pref-clipboard_clear_seconds')).toBeTruthy();
    expect(within(dialog).queryByTestId('pref-theme')).toBeNull();
    expect((within(dialog).getByTestId('settings-appearance') as HTMLElement).hidden).toBe(true);
    await fireEvent.input(within(dialog).getByTestId('settings-search'), { target: { value: 'zzzz' } });
    expect(within(dialog).getByRole('status').textContent).toContain('zzzz');
  });

  test('reset per section restores that section only', async () => {
    const { backend, dialog } = await openSettings();
    backend.prefs.set('theme', 'dark');
    backend.prefs.set('auto_lock_minutes', '30');
    await fireEvent.click(within(dialog).getByTestId('reset-appearance'));
    await backend.waitForCall('prefs_reset');
    expect(backend.called('prefs_reset')[0].args).toEqual({ target: 'appearance' });
    expect(backend.prefs.active.appearance.theme).toBe('system');
    expect(backend.prefs.behaviour.auto_lock_minutes).toBe(30);
  });

  test('privacy settings are stored', async () => {
    const { backend, dialog } = await openSettings();
    await fireEvent.change(within(dialog).getByLabelText(t('pref.sharing_default')), { target: { value: 'never' } });
    await fireEvent.click(within(dialog).getByLabelText(t('pref.hide_names_on_lock_screen')));
    await waitFor(() => expect(backend.prefs.privacy.hide_names_on_lock_screen).toBe(false));
    expect(backend.prefs.privacy.sharing_default).toBe('never');
  });
});

describe('persona profiles', () => {
  const items = makeItems(6).map((i, n) => ({ ...i, tags: [n < 2 ? 'work' : 'home'] }));

  test('create a profile with filters, switch in one click, the list follows', async () => {
    const backend = new FakeBackend({ status: { unlocked: true }, items });
    const { dialog } = await openSettings(backend);
    await fireEvent.input(within(dialog).getByTestId('profile-new'), { target: { value: 'Work' } });
    await fireEvent.click(within(dialog).getByTestId('profile-create'));
    await waitFor(() => expect(within(dialog).getAllByTestId('profile')).toHaveLength(2));
    const work = within(dialog).getAllByTestId('profile')[1];
    await fireEvent.input(within(work).getByTestId('profile-tags'), { target: { value: 'work' } });
    await fireEvent.click(within(work).getByTestId('profile-save-filters'));
    await backend.waitForCall('profile_filters');
    await fireEvent.click(screen.getByRole('button', { name: t('common.close') }));

    const select = screen.getByTestId('profile-switch') as HTMLSelectElement;
    expect(select.value).toBe('Default');
    await fireEvent.change(select, { target: { value: 'Work' } });
    await backend.waitForCall('profile_switch');
    await waitFor(() => expect(screen.getAllByTestId('item-row')).toHaveLength(2));
    expect((screen.getByTestId('profile-switch') as HTMLSelectElement).value).toBe('Work');
    // Ctrl+1: the first profile, in one keystroke.
    await fireEvent.keyDown(window, { key: '1', ctrlKey: true });
    await waitFor(() => expect(screen.getAllByTestId('item-row')).toHaveLength(6));
    expect((screen.getByTestId('profile-switch') as HTMLSelectElement).value).toBe('Default');
  });

  test('each profile has its own appearance', async () => {
    const backend = new FakeBackend({ status: { unlocked: true }, items });
    backend.prefs.create('Night');
    backend.prefs.switchTo('Night');
    backend.prefs.set('theme', 'dark');
    backend.prefs.switchTo('Default');
    render(App);
    const select = (await screen.findByTestId('profile-switch')) as HTMLSelectElement;
    await waitFor(() => expect(root().dataset.theme).toBe('light'));
    await fireEvent.change(select, { target: { value: 'Night' } });
    await waitFor(() => expect(root().dataset.theme).toBe('dark'));
  });

  test('a bad profile name is refused with the rule, nothing is created', async () => {
    const { backend, dialog } = await openSettings();
    await fireEvent.input(within(dialog).getByTestId('profile-new'), { target: { value: 'default' } });
    await fireEvent.click(within(dialog).getByTestId('profile-create'));
    const err = await within(dialog).findByTestId('profile-error');
    expect(err.textContent).toContain('already exists');
    expect(backend.prefs.profiles).toHaveLength(1);
  });
});
