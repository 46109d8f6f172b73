/** IANA time zone names, checked with the runtime's own time zone database (Intl). */

export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The runtime's spelling of a valid zone ("utc" → "UTC", "asia/jerusalem" → "Asia/Jerusalem"). */
export function canonicalTimeZone(name: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
}
