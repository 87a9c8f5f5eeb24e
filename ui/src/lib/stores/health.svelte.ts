// The health report: which items are expired, due, shared or weak. The
// backend sends a fresh one after every change and once a minute.
import { api, toApiError, type ApiError } from '../api';
import type { HealthReport } from '../types';

class HealthStore {
  report = $state.raw<HealthReport | null>(null);
  loadError = $state.raw<ApiError | null>(null);

  /** Items that need action now or soon: the badge. */
  get due(): number {
    return (this.report?.items ?? []).filter((i) =>
      i.findings.some((f) => f.severity === 'critical' || f.severity === 'warning'),
    ).length;
  }

  async load(): Promise<void> {
    this.loadError = null;
    try {
      this.report = await api.healthReport();
    } catch (e) {
      this.loadError = toApiError(e);
    }
  }

  set(report: HealthReport): void {
    this.report = report;
  }

  reset(): void {
    this.report = null;
    this.loadError = null;
  }
}

export const health = new HealthStore();
