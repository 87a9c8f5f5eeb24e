// Consent: questions from programs asking the agent (answered one at a
// time, oldest first) and the stored decisions shown on the access screen.
import { api, toApiError, type ApiError } from '../api';
import type { ConsentQuestion, Decision, Grant } from '../types';

class ConsentStore {
  /** Waiting for an answer; the first is on screen. */
  questions = $state<ConsentQuestion[]>([]);
  grants = $state.raw<Grant[] | null>(null);
  loadError = $state.raw<ApiError | null>(null);

  get current(): ConsentQuestion | null {
    return this.questions[0] ?? null;
  }

  ask(q: ConsentQuestion): void {
    if (!this.questions.some((x) => x.id === q.id)) this.questions.push(q);
  }

  /** Sends the answer; the question goes even if the program stopped waiting. */
  /** `null` is "not now": refused this time, nothing remembered. */
  async answer(decision: Decision | null): Promise<ApiError | null> {
    const q = this.current;
    if (!q) return null;
    this.questions = this.questions.filter((x) => x.id !== q.id);
    try {
      await api.answerConsent(q.id, decision);
      if (decision === 'always' || decision === 'deny') await this.load();
      return null;
    } catch (e) {
      return toApiError(e);
    }
  }

  async load(): Promise<void> {
    this.loadError = null;
    try {
      this.grants = (await api.consentGrants()).grants;
    } catch (e) {
      this.loadError = toApiError(e);
    }
  }

  async revoke(id: string): Promise<void> {
    await api.revokeConsent(id);
    this.grants = (this.grants ?? []).filter((g) => g.id !== id);
  }

  reset(): void {
    this.questions = [];
    this.grants = null;
    this.loadError = null;
  }
}

export const consent = new ConsentStore();
