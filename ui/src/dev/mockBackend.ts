// A stand-in backend for working on the UI in a plain browser, without the
// Rust shell: `VITE_MOCK_BACKEND=1 npm run dev`. Only ever loaded in dev mode
// (main.ts); nothing of it is in the production build. The password is
// "correct horse battery staple"; ?state=create|locked|unlocked picks the start.
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import { FakePrefs } from './fakePrefs';
import type {
  AppStatus,
  ItemInput,
  ItemKind,
  ItemSummary,
  NewValue,
  SearchRequest,
} from '../lib/types';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;
const params = new URLSearchParams(location.search);
const start = params.get('state') ?? 'locked';
const count = Number(params.get('items') ?? '60');

let status: AppStatus = {
  vault_path: '/home/you/.local/share/tessera/vault.db',
  vault_exists: start !== 'create',
  unlocked: start === 'unlocked',
  keyring: { available: params.get('keyring') !== 'none', detail: null },
  quick_unlock_until: params.has('quick') ? Date.now() + 3 * DAY : null,
  device_secret: false,
  agent: { state: 'serving', socket: '/run/user/1000/tessera/agent-demo.sock', detail: null },
  settings: { auto_lock_minutes: 5, clipboard_clear_seconds: 20, reveal_seconds: 15 },
};

const SERVICES = ['Stripe', 'GitHub', 'OpenAI', 'AWS', 'Cloudflare', 'Sentry', 'Twilio', 'Slack'];
const KINDS: ItemKind[] = ['api_key', 'token', 'secret'];
let revision = 1;
let items: ItemSummary[] = Array.from({ length: count }, (_, i) => {
  const service = SERVICES[i % SERVICES.length];
  const now = Date.now();
  return {
    id: `m${i}`,
    kind: KINDS[i % 3],
    name: `${service.toLowerCase()}-${i % 3 === 0 ? 'live' : i % 3 === 1 ? 'ci' : 'staging'}-${i}`,
    service,
    tags: i % 4 === 0 ? ['payments', 'live'] : ['dev'],
    env_var: `${service.toUpperCase()}_KEY_${i}`,
    scopes: i % 2 ? ['read', 'write'] : [],
    created_at: now - (i + 30) * DAY,
    updated_at: now - i * DAY,
    expires_at: i % 5 === 0 ? now + (i - 10) * DAY : null,
    policy: null,
    version: 1,
    value_set_at: now - i * DAY,
    needs_reauth: false,
  };
});
const deleted = new Map<string, ItemSummary>();
// ?theme=dark|light|high_contrast&lang=ar&size=125 start with that appearance.
const prefs = new FakePrefs({
  ...(params.get('theme') ? { theme: params.get('theme') as 'dark' } : {}),
  ...(params.get('lang') ? { language: params.get('lang') as 'ar' } : {}),
  ...(params.get('size') ? { text_size: Number(params.get('size')) } : {}),
});

function fail(code: string, message: string): never {
  throw { code, message };
}

function snapshot() {
  const tags = [...new Set(items.flatMap((i) => i.tags))].sort();
  return { items, tags, revision };
}

function changed() {
  revision++;
  void emit('items-changed', snapshot());
}

function search(req: SearchRequest) {
  const text = req.text.toLowerCase();
  let found = items.filter(
    (i) =>
      prefs.passes(i) &&
      (!text || `${i.name} ${i.service ?? ''} ${i.env_var ?? ''} ${i.tags.join(' ')}`.toLowerCase().includes(text)) &&
      (!req.kind || i.kind === req.kind) &&
      (!req.tag || i.tags.includes(req.tag)),
  );
  if (req.sort === 'name') found = [...found].sort((a, b) => a.name.localeCompare(b.name));
  if (req.sort === 'recently_updated') found = [...found].sort((a, b) => b.updated_at - a.updated_at);
  if (req.sort === 'expiry')
    found = [...found].sort((a, b) => (a.expires_at ?? Infinity) - (b.expires_at ?? Infinity));
  return { ids: found.map((i) => i.id), total: found.length };
}

function summaryOf(id: string, input: ItemInput): ItemSummary {
  const now = Date.now();
  return { id, ...input, created_at: now, updated_at: now } as unknown as ItemSummary;
}

function valueOf(v: NewValue): string {
  return v.type === 'literal' ? v.value : `${v.prefix}${'x'.repeat(v.length)}`;
}

mockIPC(
  async (cmd, raw) => {
    const args = (raw ?? {}) as Record<string, unknown>;
    const byId = (id: unknown) => items.find((i) => i.id === id) ?? fail('item.not_found', 'no such item');
    const pref = prefs.handle(cmd, args);
    if (pref.handled) {
      if (cmd.startsWith('prefs_') || cmd.startsWith('profile_')) {
        const b = prefs.behaviour;
        status = {
          ...status,
          settings: {
            auto_lock_minutes: b.auto_lock_minutes,
            clipboard_clear_seconds: b.clipboard_clear_seconds,
            reveal_seconds: b.reveal_seconds,
          },
        };
      }
      return pref.value;
    }
    switch (cmd) {
      case 'app_status':
        return status;
      case 'password_strength': {
        const pw = String(args.password);
        const score = Math.min(4, Math.floor(pw.length / 5));
        return {
          score,
          crack_time: ['instantly', 'minutes', 'days', 'years', 'centuries'][score],
          warning: score < 2 ? 'This is similar to a commonly used password.' : null,
          suggestions: score < 3 ? ['Add another word or two. Uncommon words are better.'] : [],
        };
      }
      case 'create_vault':
        status = { ...status, vault_exists: true, unlocked: true };
        return status;
      case 'unlock':
        await new Promise((r) => setTimeout(r, 400));
        if (args.password !== PASSWORD) fail('crypto.wrong_password', 'wrong password');
        status = { ...status, unlocked: true };
        return status;
      case 'quick_unlock':
        status = { ...status, unlocked: true };
        return status;
      case 'lock':
        status = { ...status, unlocked: false };
        return status;
      case 'items_snapshot':
        return snapshot();
      case 'search_items':
        return search(args.request as SearchRequest);
      case 'item_detail': {
        const summary = byId(args.id);
        return {
          summary,
          notes: 'Rotate every 90 days.\nOwner: platform team.',
          username: 'deploy-bot',
          url: `https://dashboard.${(summary.service ?? 'example').toLowerCase()}.com`,
          fields: [
            { name: 'account', hidden: false, value: 'acct_1Hh2' },
            { name: 'webhook secret', hidden: true, value: null },
          ],
          versions: 3,
        };
      }
      case 'reveal_value':
        return `sk_live_${String(args.id)}_51HqLyjWDarjtT1zdp7dc`;
      case 'reveal_version':
        return `sk_old_${String(args.seq)}_9d8f7a6s5d4f`;
      case 'copy_value':
        return status.settings.clipboard_clear_seconds;
      case 'item_history':
        return [
          { seq: 3, created_at: Date.now() - 2 * DAY, retired_at: null },
          { seq: 2, created_at: Date.now() - 40 * DAY, retired_at: Date.now() - 2 * DAY },
          { seq: 1, created_at: Date.now() - 90 * DAY, retired_at: Date.now() - 40 * DAY },
        ];
      case 'add_item': {
        const input = args.input as ItemInput;
        if (items.some((i) => i.name === input.name))
          fail('item.exists', `an item named "${input.name}" already exists`);
        valueOf(args.value as NewValue);
        const item = summaryOf(`n${Date.now()}`, input);
        items = [...items, item];
        changed();
        return item;
      }
      case 'update_item': {
        const item = { ...summaryOf(String(args.id), args.input as ItemInput), created_at: byId(args.id).created_at };
        items = items.map((i) => (i.id === item.id ? item : i));
        changed();
        return item;
      }
      case 'rotate_item': {
        const item = { ...byId(args.id), updated_at: Date.now() };
        items = items.map((i) => (i.id === item.id ? item : i));
        changed();
        return item;
      }
      case 'delete_item': {
        const item = byId(args.id);
        items = items.filter((i) => i.id !== item.id);
        deleted.set(item.id, item);
        changed();
        return { id: item.id, name: item.name, undo_until: Date.now() + 8_000 };
      }
      case 'undo_delete': {
        const item = deleted.get(String(args.id)) ?? fail('item.not_found', 'too late');
        items = [...items, item];
        changed();
        return item;
      }
      case 'import_items': {
        const lines = String(args.contents).split('\n').filter((l) => l.includes('='));
        for (let i = 0; i < lines.length; i++) {
          await new Promise((r) => setTimeout(r, 150));
          void emit('import-progress', { done: i + 1, total: lines.length });
        }
        return { imported: lines.length, skipped: [], renamed: [] };
      }
      case 'touch':
      case 'page_ready':
      case 'answer_consent':
        return null;
      case 'health_report': {
        const now = Date.now();
        const first = items[0];
        const report = {
          items: first
            ? [
                {
                  id: first.id,
                  name: first.name,
                  kind: first.kind,
                  service: first.service,
                  rotate_url: 'https://dashboard.example.com/apikeys',
                  findings: [
                    { problem: 'rotation_overdue', due_at: now - 3 * DAY, severity: 'critical', action: { kind: 'replace_at_service' } },
                    { problem: 'weak', score: 1, severity: 'warning', action: { kind: 'strengthen' } },
                  ],
                },
              ]
            : [],
          checked: items.length,
          critical: first ? 1 : 0,
          warning: first ? 1 : 0,
          notice: 0,
        };
        return report;
      }
      case 'consent_grants':
        return {
          grants: [
            {
              id: '0a3c6f1e-3d1b-4c55-9a57-6f0f1d1c2b3a',
              executable: '/usr/bin/terraform',
              item_id: items[0]?.id ?? 'none',
              item_name: items[0]?.name ?? 'stripe',
              decision: 'always',
              created_at: Date.now() - 3 * DAY,
            },
          ],
        };
      case 'revoke_consent':
        return null;
      case 'enable_quick_unlock':
        status = { ...status, quick_unlock_until: Date.now() + Number(args.days) * DAY };
        return status;
      case 'disable_quick_unlock':
        status = { ...status, quick_unlock_until: null };
        return status;
      case 'recovery_kit':
        return { secret: 'K7QF9M2XW4TB8RZP3HNC6VJD', vault_id: 'vlt_01HZX3F8', created_at: Date.now() };
      case 'enable_device_secret':
        if (args.confirmation !== '6VJD') fail('input.invalid', 'the confirmation does not match the kit');
        status = { ...status, device_secret: true };
        return status;
      case 'disable_device_secret':
        if (args.password !== PASSWORD) fail('crypto.wrong_password', 'wrong password');
        status = { ...status, device_secret: false };
        return status;
      default:
        return fail('ipc.failure', `the mock backend has no ${cmd}`);
    }
  },
  { shouldMockEvents: true },
);

// ?ask=1: a program asks for a secret shortly after the vault shows, so the
// consent question can be looked at (and checked by the a11y run).
if (params.get('ask') === '1') {
  setTimeout(() => {
    void emit('consent-requested', { id: 1, program: '/usr/bin/terraform', items: [items[0]?.name ?? 'stripe'] });
  }, 300);
}
