/**
 * An RFC 3339 UTC timestamp with nanoseconds, as chrono prints them (the real Spooled server's
 * timestamps carry 9 fraction digits). The sub-millisecond digits come from the monotonic clock.
 */
export function rfc3339Nanos(date: Date = new Date()): string {
  const iso = date.toISOString(); // 2026-01-05T10:00:00.123Z
  const subMillis = String(process.hrtime()[1] % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 23)}${subMillis}Z`;
}
