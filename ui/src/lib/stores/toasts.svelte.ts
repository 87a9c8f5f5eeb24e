// Short notices at the bottom of the window, some with one action (Undo).

export type ToastTone = 'info' | 'success' | 'error';

export type ToastAction = { label: string; run: () => void | Promise<void> };

export type Toast = {
  id: number;
  message: string;
  tone: ToastTone;
  action: ToastAction | null;
};

export const TOAST_MS = 4_000;
export const ERROR_TOAST_MS = 8_000;

class ToastStore {
  list = $state.raw<Toast[]>([]);
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  show(
    message: string,
    opts: { tone?: ToastTone; action?: ToastAction; durationMs?: number } = {},
  ): number {
    const tone = opts.tone ?? 'info';
    const id = this.#next++;
    this.list = [...this.list, { id, message, tone, action: opts.action ?? null }];
    const ms = opts.durationMs ?? (tone === 'error' ? ERROR_TOAST_MS : TOAST_MS);
    this.#timers.set(
      id,
      setTimeout(() => this.dismiss(id), Math.max(1_000, ms)),
    );
    return id;
  }

  error(message: string): number {
    return this.show(message, { tone: 'error' });
  }

  dismiss(id: number): void {
    const timer = this.#timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(id);
    this.list = this.list.filter((toast) => toast.id !== id);
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.list = [];
  }
}

export const toasts = new ToastStore();
