// One import point for the IPC types; the files in ./bindings are generated
// by ts-rs on the Rust side and must not be edited by hand.
export type { AgentInfo } from './bindings/AgentInfo';
export type { AgentState } from './bindings/AgentState';
export type { AppStatus } from './bindings/AppStatus';
export type { ConsentGrants } from './bindings/ConsentGrants';
export type { ConsentQuestion } from './bindings/ConsentQuestion';
export type { Decision } from './bindings/Decision';
export type { DeleteReceipt } from './bindings/DeleteReceipt';
export type { ErrorPayload } from './bindings/ErrorPayload';
export type { FieldView } from './bindings/FieldView';
export type { Grant } from './bindings/Grant';
export type { Finding } from './bindings/Finding';
export type { HealthReport } from './bindings/HealthReport';
export type { ImportFormat } from './bindings/ImportFormat';
export type { ItemHealth } from './bindings/ItemHealth';
export type { Severity } from './bindings/Severity';
export type { ImportProgress } from './bindings/ImportProgress';
export type { ImportReport } from './bindings/ImportReport';
export type { ItemDetail } from './bindings/ItemDetail';
export type { ItemInput } from './bindings/ItemInput';
export type { ItemKind } from './bindings/ItemKind';
export type { ItemsSnapshot } from './bindings/ItemsSnapshot';
export type { ItemSummary } from './bindings/ItemSummary';
export type { KeyringStatus } from './bindings/KeyringStatus';
export type { NewValue } from './bindings/NewValue';
export type { RecoveryKit } from './bindings/RecoveryKit';
export type { SearchRequest } from './bindings/SearchRequest';
export type { SearchResult } from './bindings/SearchResult';
export type { Settings } from './bindings/Settings';
export type { Skipped } from './bindings/Skipped';
export type { SortOrder } from './bindings/SortOrder';
export type { Strength } from './bindings/Strength';
export type { VersionView } from './bindings/VersionView';
export type { Appearance } from './bindings/Appearance';
export type { Behaviour } from './bindings/Behaviour';
export type { Filters } from './bindings/Filters';
export type { PrefEntry } from './bindings/PrefEntry';
export type { Preferences } from './bindings/Preferences';
export type { PrefsView } from './bindings/PrefsView';
export type { Privacy } from './bindings/Privacy';
export type { ProfileInfo } from './bindings/ProfileInfo';
export type { Section } from './bindings/Section';

/** Payload of the "vault-locked" event. */
export type VaultLockedPayload = { reason: 'idle' | 'user' | 'agent' | 'sleep' };
