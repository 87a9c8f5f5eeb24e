// Catalogue keys for the enums of the IPC types, spelled out so that every key
// is a literal the type checker and the catalogue test can see.
import type { MessageKey } from './i18n';
import type { ImportFormat, ItemKind, SortOrder } from './types';

export const KIND_LABEL: Record<ItemKind, MessageKey> = {
  api_key: 'kind.api_key',
  token: 'kind.token',
  secret: 'kind.secret',
  passkey: 'kind.passkey',
  credential: 'kind.credential',
  identity: 'kind.identity',
};

export const ALL_KINDS: ItemKind[] = ['api_key', 'token', 'secret', 'passkey', 'credential', 'identity'];

/** The kinds the desktop app can create and edit for now. */
export const EDITABLE_KINDS: ItemKind[] = ['api_key', 'token', 'secret'];

export const SORT_LABEL: Record<SortOrder, MessageKey> = {
  relevance: 'sort.relevance',
  name: 'sort.name',
  recently_updated: 'sort.recently_updated',
  expiry: 'sort.expiry',
};

export const SORT_ORDERS: SortOrder[] = ['relevance', 'name', 'recently_updated', 'expiry'];

export const FORMAT_LABEL: Record<ImportFormat, MessageKey> = {
  dotenv: 'import.format.dotenv',
  bitwarden: 'import.format.bitwarden',
  keepassxc: 'import.format.keepassxc',
};

export const FORMAT_HINT: Record<ImportFormat, MessageKey> = {
  dotenv: 'import.hint.dotenv',
  bitwarden: 'import.hint.bitwarden',
  keepassxc: 'import.hint.keepassxc',
};

export const IMPORT_FORMATS: ImportFormat[] = ['dotenv', 'bitwarden', 'keepassxc'];

export const STRENGTH_LABEL: MessageKey[] = [
  'strength.0',
  'strength.1',
  'strength.2',
  'strength.3',
  'strength.4',
];

export const ALPHABETS: { value: string; label: MessageKey }[] = [
  { value: 'alphanumeric', label: 'value.alphabet.alphanumeric' },
  { value: 'hex', label: 'value.alphabet.hex' },
  { value: 'base64url', label: 'value.alphabet.base64url' },
  { value: 'symbols', label: 'value.alphabet.symbols' },
];
