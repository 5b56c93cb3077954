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

/**
 * One AsyncMutex per key, made on first use and dropped when nobody holds or waits for it: work
 * on the same key takes turns in this process, work on other keys does not wait. Not re-entrant:
 * `work` must not ask for the same key again.
 */
export class KeyedMutex {
  private readonly locks = new Map<string, AsyncMutex>();

  async runExclusive<T>(key: string, work: () => Promise<T> | T): Promise<T> {
    let lock = this.locks.get(key);
    if (!lock) this.locks.set(key, (lock = new AsyncMutex()));
    try {
      return await lock.runExclusive(work);
    } finally {
      if (!lock.busy && this.locks.get(key) === lock) this.locks.delete(key);
    }
  }

  /** Keys held or waited for now (tests: nothing is kept once the work is done). */
  get size(): number {
    return this.locks.size;
  }
}
