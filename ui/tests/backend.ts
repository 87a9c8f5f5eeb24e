// A fake Tessera backend behind mockIPC: enough state to drive the screens,
// every call recorded, and any command overridable per test.
import { mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { waitFor } from '@testing-library/svelte';
import { FakePrefs } from '../src/dev/fakePrefs';
import type {
  Appearance,
  AppStatus,
  Grant,
  HealthReport,
  ErrorPayload,
  ItemDetail,
  ItemsSnapshot,
  ItemSummary,
  SearchRequest,
  Strength,
} from '../src/lib/types';

export type Args = Record<string, unknown>;
export type Call = { cmd: string; args: Args };
export type Handler = (args: Args) => unknown;

export const PASSWORD = 'correct horse battery staple';
export const DAY = 86_400_000;

export function makeItem(i: number, overrides: Partial<ItemSummary> = {}): ItemSummary {
  return {
    id: `id-${i}`,
    kind: 'api_key',
    name: `item-${String(i).padStart(5, '0')}`,
    service: `Service ${i}`,
    tags: i % 2 === 0 ? ['even'] : ['odd'],
    env_var: `ITEM_${i}`,
    scopes: [],
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000 + i,
    expires_at: null,
    policy: null,
    version: 1,
    value_set_at: 1_700_000_000_000,
    needs_reauth: false,
    ...overrides,
  };
}

export function makeItems(n: number): ItemSummary[] {
  return Array.from({ length: n }, (_, i) => makeItem(i));
}

export function makeStatus(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    vault_path: '/home/me/.local/share/tessera/vault.db',
    vault_exists: true,
    unlocked: false,
    keyring: { available: true, detail: null },
    quick_unlock_until: null,
    device_secret: false,
    agent: { state: 'serving', socket: '/run/user/1000/tessera/agent-test.sock', detail: null },
    settings: { auto_lock_minutes: 5, clipboard_clear_seconds: 20, reveal_seconds: 10 },
    ...overrides,
  };
}

export function fail(code: string, message = code): never {
  const payload: ErrorPayload = { code, message };
  throw payload;
}

/** A rough score: one point per 5 characters, up to 4. */
export function fakeStrength(password: string): Strength {
  const score = Math.min(4, Math.floor(password.length / 5));
  return {
    score,
    crack_time: score >= 3 ? 'centuries' : 'minutes',
    warning: score < 2 ? 'This is a very common password' : null,
    suggestions: score < 2 ? ['Add another word or two'] : [],
  };
}

export class FakeBackend {
  calls: Call[] = [];
  status: AppStatus;
  items: ItemSummary[];
  revision = 1;
  deleted = new Map<string, ItemSummary>();
  grants: Grant[] = [];
  health: HealthReport = { items: [], checked: 0, critical: 0, warning: 0, notice: 0 };
  overrides: Record<string, Handler> = {};
  prefs: FakePrefs;

  constructor(opts: { status?: Partial<AppStatus>; items?: ItemSummary[]; appearance?: Partial<Appearance> } = {}) {
    this.status = makeStatus(opts.status);
    this.prefs = new FakePrefs(opts.appearance);
    // One source for the timings, as in the app: the behaviour section.
    Object.assign(this.prefs.behaviour, this.status.settings);
    this.items = opts.items ?? [];
    mockIPC((cmd, args) => this.handle(cmd, (args ?? {}) as Args), { shouldMockEvents: true });
  }

  on(cmd: string, handler: Handler): this {
    this.overrides[cmd] = handler;
    return this;
  }

  called(cmd: string): Call[] {
    return this.calls.filter((c) => c.cmd === cmd);
  }

  async waitForCall(cmd: string, count = 1): Promise<Call> {
    await waitFor(() => {
      if (this.called(cmd).length < count) throw new Error(`${cmd} not called ${count}×`);
    });
    return this.called(cmd)[count - 1];
  }

  snapshot(): ItemsSnapshot {
    const tags = [...new Set(this.items.flatMap((i) => i.tags))].sort();
    return { items: this.items, tags, revision: this.revision };
  }

  detail(id: string): ItemDetail {
    const summary = this.items.find((i) => i.id === id);
    if (!summary) fail('item.not_found', `no item ${id}`);
    return {
      summary,
      notes: 'rotate every 90 days',
      username: null,
      url: 'https://dashboard.example.com',
      fields: [
        { name: 'account', hidden: false, value: 'acct_123' },
        { name: 'pin', hidden: true, value: null },
      ],
      versions: 2,
    };
  }

  handle(cmd: string, args: Args): unknown {
    this.calls.push({ cmd, args });
    const override = this.overrides[cmd];
    if (override) return override(args);
    const pref = this.prefs.handle(cmd, args);
    if (pref.handled) {
      if (cmd !== 'appearance' && cmd !== 'system_color_scheme' && !this.status.unlocked) fail('vault.locked');
      return pref.value;
    }
    switch (cmd) {
      case 'app_status':
        return this.status;
      case 'password_strength':
        return fakeStrength(String(args.password));
      case 'create_vault':
        this.status = { ...this.status, vault_exists: true, unlocked: true };
        return this.status;
      case 'unlock':
        if (args.password !== PASSWORD) fail('crypto.wrong_password', 'wrong password');
        this.status = { ...this.status, unlocked: true };
        return this.status;
      case 'quick_unlock':
      case 'enable_device_secret':
        this.status = { ...this.status, unlocked: true };
        return this.status;
      case 'lock':
        this.status = { ...this.status, unlocked: false };
        return this.status;
      case 'items_snapshot':
        return this.snapshot();
      case 'search_items':
        return this.search(args.request as SearchRequest);
      case 'item_detail':
        return this.detail(String(args.id));
      case 'reveal_value':
        return `secret-of-${String(args.id)}`;
      case 'reveal_version':
        return `old-secret-${String(args.seq)}`;
      case 'copy_value':
        return this.status.settings.clipboard_clear_seconds;
      case 'item_history':
        return [
          { seq: 2, created_at: 1_700_000_100_000, retired_at: null },
          { seq: 1, created_at: 1_700_000_000_000, retired_at: 1_700_000_100_000 },
        ];
      case 'delete_item': {
        const item = this.items.find((i) => i.id === args.id);
        if (!item) fail('item.not_found');
        this.items = this.items.filter((i) => i.id !== args.id);
        this.deleted.set(item.id, item);
        return { id: item.id, name: item.name, undo_until: Date.now() + 10_000 };
      }
      case 'undo_delete': {
        const item = this.deleted.get(String(args.id));
        if (!item) fail('item.not_found');
        this.items = [...this.items, item];
        return item;
      }
      case 'touch':
      case 'page_ready':
        return null;
      case 'health_report':
        return this.health;
      case 'consent_grants':
        return { grants: this.grants };
      case 'revoke_consent':
        this.grants = this.grants.filter((g) => g.id !== args.id);
        return null;
      case 'answer_consent':
        return null;
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  }

  search(req: SearchRequest): { ids: string[]; total: number } {
    const text = req.text.trim().toLowerCase();
    const ids = this.items
      .filter((i) => this.prefs.passes(i))
      .filter((i) => (text === '' ? true : i.name.toLowerCase().includes(text)))
      .filter((i) => (req.kind ? i.kind === req.kind : true))
      .filter((i) => (req.tag ? i.tags.includes(req.tag) : true))
      .map((i) => i.id);
    return { ids, total: ids.length };
  }
}

export function emitEvent(event: string, payload: unknown): Promise<void> {
  return emit(event, payload);
}
