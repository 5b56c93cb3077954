/**
 * A first-come, first-served lock for async code in one process. `runExclusive` waits for the
 * holders before it, runs `work`, and lets the next one in whether `work` resolves or throws.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;

  /** True while someone holds or waits for the lock. */
  get busy(): boolean {
    return this.holders > 0;
  }

  async runExclusive<T>(work: () => Promise<T> | T): Promise<T> {
    this.holders += 1;
    const before = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    try {
      await before;
      return await work();
    } finally {
      this.holders -= 1;
      release();
    }
  }
}
