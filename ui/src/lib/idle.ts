// User activity pings for the backend's idle auto-lock, at most one per
// interval however busy the user is.
import { api } from './api';

export const TOUCH_INTERVAL_MS = 15_000;

export class ActivityPinger {
  #last = Number.NEGATIVE_INFINITY;
  readonly #send: () => Promise<unknown>;
  readonly #interval: number;

  constructor(send: () => Promise<unknown>, interval = TOUCH_INTERVAL_MS) {
    this.#send = send;
    this.#interval = interval;
  }

  /** Records activity; sends a ping unless one went out within the interval. */
  activity(now = Date.now()): boolean {
    if (now - this.#last < this.#interval) return false;
    this.#last = now;
    // A failed ping is harmless: the next activity after the interval retries.
    this.#send().catch(() => undefined);
    return true;
  }

  reset(): void {
    this.#last = Number.NEGATIVE_INFINITY;
  }
}

export const pinger = new ActivityPinger(() => api.touch());
