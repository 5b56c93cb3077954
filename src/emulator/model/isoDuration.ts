/**
 * ISO 8601 durations as rotation policies use them (`P90D`, `P1Y`, `P2M`, `PT12H`). Years and
 * months are 365 and 30 days: Key Vault documents them as approximate too.
 */
const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const DAY_MS = 86_400_000;

export function parseIsoDuration(value: string): number | undefined {
  const match = DURATION.exec(value);
  if (!match) return undefined;
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map((part) => (part === undefined ? 0 : Number(part)));
  return (
    (years ?? 0) * 365 * DAY_MS +
    (months ?? 0) * 30 * DAY_MS +
    (weeks ?? 0) * 7 * DAY_MS +
    (days ?? 0) * DAY_MS +
    (hours ?? 0) * 3_600_000 +
    (minutes ?? 0) * 60_000 +
    (seconds ?? 0) * 1000
  );
}
