// A revealed secret value that hides itself again after a few seconds. The
// value is dropped (the only reference set to null), never kept elsewhere.

export class Revealed {
  value = $state<string | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;

  show(value: string, seconds: number): void {
    this.value = value;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.hide(), Math.max(1, seconds) * 1000);
  }

  hide(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.value = null;
  }
}
