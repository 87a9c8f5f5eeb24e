// The unlocked vault as the UI sees it: the item summaries of the last
// snapshot, the current search and its ranked results, the selection, and the
// open item's details. Never any secret value: those live only in the
// component that revealed them, for a few seconds.
import { api, toApiError, type ApiError } from '../api';
import type {
  ItemDetail,
  ItemKind,
  ItemsSnapshot,
  ItemSummary,
  SearchRequest,
  SortOrder,
} from '../types';

function emptyQuery(): SearchRequest {
  return { text: '', kind: null, tag: null, sort: 'relevance' };
}

function tagsOf(items: ItemSummary[]): string[] {
  const set = new Set<string>();
  for (const item of items) for (const tag of item.tags) set.add(tag);
  return [...set].sort((a, b) => a.localeCompare(b));
}

class VaultStore {
  snapshot = $state.raw<ItemsSnapshot | null>(null);
  loadError = $state.raw<ApiError | null>(null);
  query = $state.raw<SearchRequest>(emptyQuery());
  resultIds = $state.raw<string[]>([]);
  total = $state(0);
  /** True once the first search of this snapshot has answered. */
  searched = $state(false);
  searchError = $state.raw<ApiError | null>(null);
  selectedId = $state<string | null>(null);
  openId = $state<string | null>(null);
  detail = $state.raw<ItemDetail | null>(null);
  detailError = $state.raw<ApiError | null>(null);

  byId = $derived(new Map((this.snapshot?.items ?? []).map((item) => [item.id, item])));
  results = $derived(
    this.resultIds
      .map((id) => this.byId.get(id))
      .filter((item): item is ItemSummary => item !== undefined),
  );
  selectedIndex = $derived(
    this.selectedId === null ? -1 : this.results.findIndex((item) => item.id === this.selectedId),
  );
  tags = $derived(this.snapshot?.tags ?? []);
  isEmpty = $derived(this.snapshot !== null && this.snapshot.items.length === 0);
  filtered = $derived(
    this.query.text.trim() !== '' || this.query.kind !== null || this.query.tag !== null,
  );

  #searchSeq = 0;
  #detailSeq = 0;
  #loadSeq = 0;

  async load(): Promise<void> {
    const seq = ++this.#loadSeq;
    this.loadError = null;
    try {
      const snapshot = await api.itemsSnapshot();
      if (seq !== this.#loadSeq) return;
      this.applySnapshot(snapshot);
    } catch (e) {
      if (seq === this.#loadSeq) this.loadError = toApiError(e);
    }
  }

  /** A snapshot from items_snapshot or an "items-changed" event. */
  applySnapshot(snapshot: ItemsSnapshot): void {
    if (this.snapshot && snapshot.revision < this.snapshot.revision) return;
    const previous = this.snapshot;
    this.snapshot = snapshot;
    this.loadError = null;
    if (this.query.tag !== null && !snapshot.tags.includes(this.query.tag)) {
      this.query = { ...this.query, tag: null };
    }
    void this.search();
    this.#refreshOpen(previous);
  }

  setText(text: string): void {
    this.query = { ...this.query, text };
    void this.search();
  }

  setKind(kind: ItemKind | null): void {
    this.query = { ...this.query, kind };
    void this.search();
  }

  setTag(tag: string | null): void {
    this.query = { ...this.query, tag };
    void this.search();
  }

  setSort(sort: SortOrder): void {
    this.query = { ...this.query, sort };
    void this.search();
  }

  /** The behaviour preferences' first view and sort, right after unlock. */
  setDefaults(kind: ItemKind | null, sort: SortOrder): void {
    this.query = { ...this.query, kind, sort };
    void this.search();
  }

  clearFilters(): void {
    this.query = { ...emptyQuery(), sort: this.query.sort };
    void this.search();
  }

  async search(): Promise<void> {
    if (this.snapshot === null) return;
    const seq = ++this.#searchSeq;
    try {
      const result = await api.searchItems(this.query);
      if (seq !== this.#searchSeq) return;
      this.resultIds = result.ids;
      this.total = result.total;
      this.searched = true;
      this.searchError = null;
      this.#keepSelection();
    } catch (e) {
      if (seq === this.#searchSeq) this.searchError = toApiError(e);
    }
  }

  #keepSelection(): void {
    if (this.selectedId !== null && this.byId.has(this.selectedId)) {
      if (this.resultIds.includes(this.selectedId)) return;
    }
    this.selectedId = this.results[0]?.id ?? null;
  }

  select(id: string): void {
    this.selectedId = id;
  }

  /** Moves the selection by delta rows, clamped to the list. */
  move(delta: number): void {
    const n = this.results.length;
    if (n === 0) return;
    const from = this.selectedIndex < 0 ? (delta > 0 ? -1 : n) : this.selectedIndex;
    const to = Math.min(n - 1, Math.max(0, from + delta));
    this.selectedId = this.results[to].id;
  }

  selectEdge(edge: 'first' | 'last'): void {
    const n = this.results.length;
    if (n === 0) return;
    this.selectedId = this.results[edge === 'first' ? 0 : n - 1].id;
  }

  async open(id: string): Promise<void> {
    this.selectedId = id;
    if (this.openId !== id) {
      this.openId = id;
      this.detail = null;
    }
    await this.loadDetail();
  }

  async loadDetail(): Promise<void> {
    const id = this.openId;
    if (id === null) return;
    const seq = ++this.#detailSeq;
    this.detailError = null;
    try {
      const detail = await api.itemDetail(id);
      if (seq !== this.#detailSeq || this.openId !== id) return;
      this.detail = detail;
    } catch (e) {
      if (seq === this.#detailSeq) this.detailError = toApiError(e);
    }
  }

  close(): void {
    this.#detailSeq++;
    this.openId = null;
    this.detail = null;
    this.detailError = null;
  }

  #refreshOpen(previous: ItemsSnapshot | null): void {
    const id = this.openId;
    if (id === null) return;
    const now = this.byId.get(id);
    if (!now) {
      this.close();
      return;
    }
    const before = previous?.items.find((item) => item.id === id);
    if (!before || before.updated_at !== now.updated_at) void this.loadDetail();
  }

  /** Applies the answer of one of our own changes without a new snapshot. */
  upsertLocal(summary: ItemSummary): void {
    const snap = this.snapshot;
    if (snap === null) return;
    const items = snap.items.some((item) => item.id === summary.id)
      ? snap.items.map((item) => (item.id === summary.id ? summary : item))
      : [...snap.items, summary];
    this.snapshot = { items, tags: tagsOf(items), revision: snap.revision };
    void this.search();
    if (this.openId === summary.id) void this.loadDetail();
  }

  removeLocal(id: string): void {
    const snap = this.snapshot;
    if (snap === null) return;
    const items = snap.items.filter((item) => item.id !== id);
    this.snapshot = { items, tags: tagsOf(items), revision: snap.revision };
    if (this.openId === id) this.close();
    void this.search();
  }

  /** Forgets everything: called when the vault locks. */
  reset(): void {
    this.#searchSeq++;
    this.#detailSeq++;
    this.#loadSeq++;
    this.snapshot = null;
    this.loadError = null;
    this.query = emptyQuery();
    this.resultIds = [];
    this.total = 0;
    this.searched = false;
    this.searchError = null;
    this.selectedId = null;
    this.openId = null;
    this.detail = null;
    this.detailError = null;
  }
}

export const vault = new VaultStore();
