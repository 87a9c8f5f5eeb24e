// The settings screen's controls: which key, which control, which words.
// The rules of each key (ranges, allowed values) live in the core; the
// screen shows the core's answer when a value is refused.
import type { MessageKey } from './i18n';

export type SectionId = 'appearance' | 'behaviour' | 'privacy';

export type Option = { value: string; label: MessageKey };

export type Control =
  | { kind: 'select'; options: Option[] }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'text' }
  | { kind: 'bool' }
  | { kind: 'colour' };

export type SettingDef = {
  key: string;
  section: SectionId;
  label: MessageKey;
  help?: MessageKey;
  control: Control;
};

const SIZES = ['87.5', '100', '112.5', '125', '137.5', '150'];

export const SETTINGS: SettingDef[] = [
  {
    key: 'appearance.theme',
    section: 'appearance',
    label: 'pref.theme',
    control: { kind: 'select', options: [{ value: 'system', label: 'theme.system' }, { value: 'light', label: 'theme.light' }, { value: 'dark', label: 'theme.dark' }, { value: 'high_contrast', label: 'theme.high_contrast' }] },
  },
  { key: 'appearance.accent_colour', section: 'appearance', label: 'pref.accent_colour', control: { kind: 'colour' } },
  {
    key: 'appearance.text_size',
    section: 'appearance',
    label: 'pref.text_size',
    // Option labels are numbers: pref.text_size_value formats them.
    control: { kind: 'select', options: SIZES.map((v) => ({ value: `${v}%`, label: 'pref.text_size_value' })) },
  },
  {
    key: 'appearance.density',
    section: 'appearance',
    label: 'pref.density',
    control: { kind: 'select', options: [{ value: 'comfortable', label: 'density.comfortable' }, { value: 'compact', label: 'density.compact' }] },
  },
  {
    key: 'appearance.reduced_motion',
    section: 'appearance',
    label: 'pref.reduced_motion',
    control: { kind: 'select', options: [{ value: 'system', label: 'motion.system' }, { value: 'on', label: 'motion.on' }, { value: 'off', label: 'motion.off' }] },
  },
  {
    key: 'appearance.language',
    section: 'appearance',
    label: 'pref.language',
    control: { kind: 'select', options: [{ value: 'system', label: 'lang.system' }, { value: 'en', label: 'lang.en' }, { value: 'de', label: 'lang.de' }, { value: 'fr', label: 'lang.fr' }, { value: 'ar', label: 'lang.ar' }] },
  },
  {
    key: 'appearance.date_format',
    section: 'appearance',
    label: 'pref.date_format',
    control: { kind: 'select', options: [{ value: 'system', label: 'dateformat.system' }, { value: 'iso', label: 'dateformat.iso' }, { value: 'dmy', label: 'dateformat.dmy' }, { value: 'mdy', label: 'dateformat.mdy' }] },
  },
  {
    key: 'appearance.time_format',
    section: 'appearance',
    label: 'pref.time_format',
    control: { kind: 'select', options: [{ value: 'system', label: 'timeformat.system' }, { value: '24h', label: 'timeformat.24h' }, { value: '12h', label: 'timeformat.12h' }] },
  },
  {
    key: 'behaviour.auto_lock_minutes',
    section: 'behaviour',
    label: 'settings.auto_lock',
    help: 'settings.auto_lock_help',
    control: { kind: 'number', min: 1, max: 1440 },
  },
  {
    key: 'behaviour.clipboard_clear_seconds',
    section: 'behaviour',
    label: 'settings.clipboard',
    help: 'settings.clipboard_help',
    control: { kind: 'number', min: 5, max: 600 },
  },
  {
    key: 'behaviour.reveal_seconds',
    section: 'behaviour',
    label: 'settings.reveal',
    help: 'settings.reveal_help',
    control: { kind: 'number', min: 3, max: 600 },
  },
  {
    key: 'behaviour.default_view',
    section: 'behaviour',
    label: 'pref.default_view',
    control: { kind: 'select', options: [{ value: 'all', label: 'view.all' }, { value: 'api_keys', label: 'view.api_keys' }, { value: 'tokens', label: 'view.tokens' }, { value: 'secrets', label: 'view.secrets' }, { value: 'expiring', label: 'view.expiring' }] },
  },
  {
    key: 'behaviour.default_sort',
    section: 'behaviour',
    label: 'pref.default_sort',
    control: { kind: 'select', options: [{ value: 'relevance', label: 'sort.relevance' }, { value: 'name', label: 'sort.name' }, { value: 'recently_updated', label: 'sort.recently_updated' }, { value: 'expiry', label: 'sort.expiry' }] },
  },
  { key: 'behaviour.lock_on_sleep', section: 'behaviour', label: 'pref.lock_on_sleep', control: { kind: 'bool' } },
  {
    key: 'privacy.sharing_default',
    section: 'privacy',
    label: 'pref.sharing_default',
    control: { kind: 'select', options: [{ value: 'always_ask', label: 'sharing.always_ask' }, { value: 'ask_once_per_site', label: 'sharing.ask_once_per_site' }, { value: 'never', label: 'sharing.never' }] },
  },
  {
    key: 'privacy.never_share_claims',
    section: 'privacy',
    label: 'pref.never_share_claims',
    help: 'pref.never_share_claims_help',
    control: { kind: 'text' },
  },
  {
    key: 'privacy.sharing_history_days',
    section: 'privacy',
    label: 'pref.sharing_history_days',
    help: 'pref.retention_help',
    control: { kind: 'number', min: 0, max: 3650 },
  },
  {
    key: 'privacy.audit_log_days',
    section: 'privacy',
    label: 'pref.audit_log_days',
    help: 'pref.retention_help',
    control: { kind: 'number', min: 0, max: 3650 },
  },
  {
    key: 'privacy.hide_names_on_lock_screen',
    section: 'privacy',
    label: 'pref.hide_names_on_lock_screen',
    control: { kind: 'bool' },
  },
];

export const SECTION_TITLE: Record<SectionId, MessageKey> = {
  appearance: 'settings.section.appearance',
  behaviour: 'settings.section.behaviour',
  privacy: 'settings.section.privacy',
};

/** The short name of a key, for test ids: `appearance.theme` → `theme`. */
export function shortKey(key: string): string {
  return key.slice(key.indexOf('.') + 1);
}
