/** One line per request, so tests and benchmarks can count calls (never headers, bodies or tokens). */
export interface RequestLogEntry {
  at: string;
  method: string;
  host: string;
  path: string;
  apiVersion?: string;
  status: number;
  clientRequestId?: string;
  /** Object id of the authenticated caller (whose token it was), when the request carried one. */
  callerObjectId?: string;
  durationMs: number;
}

/** A ring of the newest `capacity` entries: adding is O(1) even when full (benchmarks add a lot). */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private next = 0;

  constructor(private readonly capacity = 10_000) {}

  add(entry: RequestLogEntry): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  list(): RequestLogEntry[] {
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  clear(): void {
    this.entries = [];
    this.next = 0;
  }
}
