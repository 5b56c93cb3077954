/**
 * One unit of work over Keyward's store: `work` runs as ONE transaction — everything it writes
 * (through any store built on the same database) commits together, or nothing does when it
 * throws. The transaction is ambient: stores called anywhere inside `work`, however deep and
 * across awaits, take part in it without being handed a handle (see
 * docs/designs/2026-12-01-async-store-and-units-of-work.md). A call inside another unit joins it
 * as a savepoint: its throw undoes only its own writes, unless the outer unit throws too.
 *
 * Keep units short and about the store: never await Azure, the chat or a timer inside one (the
 * SQLite engine serialises units in a process, so a slow unit makes every other one wait), and
 * never start background work from inside one (it would run in the unit's transaction).
 */
export type Atomic = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * For unit tests over in-memory fakes only: runs `work` as it is, with no transaction. A store
 * built on a real database always brings its own `atomic`.
 */
export const withoutTransaction: Atomic = (work) => work();
