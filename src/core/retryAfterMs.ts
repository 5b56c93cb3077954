/**
 * Milliseconds headers first, as the Azure SDK's own throttling retry reads them ("retry-after-ms",
 * "x-ms-retry-after-ms": milliseconds; "Retry-After": seconds or an HTTP date), source:
 * https://github.com/Azure/azure-sdk-for-js/blob/main/sdk/core/core-rest-pipeline/src/retryStrategies/throttlingRetryStrategy.ts
 * The Bot Connector sends Retry-After only
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit).
 */
const MILLISECOND_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms'] as const;

/** delay-seconds is 1*DIGIT (RFC 9110 §10.2.3); a decimal fraction is tolerated, nothing else (no sign, no exponent). */
const DELAY = /^\d+(\.\d+)?$/;

/**
 * How long a failed HTTP call asks to wait, in whole milliseconds, or undefined when it does not
 * say (or says something unreadable). Reads `retry-after-ms`, then `x-ms-retry-after-ms`, then
 * `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3: IMF-fixdate, RFC 850 and
 * asctime; a date in the past means 0). `headers`: anything with `get(name)` (fetch `Headers`,
 * Azure's `HttpHeaders`) or a plain object whose keys are matched without regard to case; values
 * may be strings or numbers.
 */
export function retryAfterMs(headers: unknown, now: number = Date.now()): number | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const read = headerReader(headers);
  for (const name of MILLISECOND_HEADERS) {
    const value = read(name);
    if (value !== undefined && DELAY.test(value)) return Math.round(Number(value));
  }
  const value = read('retry-after');
  if (value === undefined) return undefined;
  if (DELAY.test(value)) return Math.round(Number(value) * 1000);
  return untilHttpDate(value, now);
}

function headerReader(headers: object): (name: string) => string | undefined {
  const get = (headers as { get?: unknown }).get;
  const text = (raw: unknown) => (typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw)) ? String(raw).trim() || undefined : undefined);
  if (typeof get === 'function') return (name) => text((get as (name: string) => unknown).call(headers, name));
  const entries = Object.entries(headers as Record<string, unknown>);
  return (name) => text(entries.find(([key]) => key.toLowerCase() === name)?.[1]);
}

function untilHttpDate(value: string, now: number): number | undefined {
  // Every HTTP-date names its day and month; without letters Date.parse would read "-1" or "7" as years.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  // asctime carries no zone and means GMT; Date.parse would read it in local time.
  const date = Date.parse(/\b(GMT|UTC)\b/i.test(value) ? value : `${value} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
