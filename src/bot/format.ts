/** Small presentation helpers shared by the chat features. */

/** Cuts text to `max` characters, marking the cut with "…". */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** "2025-01-15 10:30 UTC": unambiguous in both languages. */
export function formatDate(date: Date | string): string {
  const d = new Date(date);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function formatTags(tags: string[]): string {
  return tags.map((t) => `#${t}`).join(" ");
}

/** Telegram's limit for one message, after entities are parsed. */
export const MESSAGE_LIMIT = 4096;

/** "2026-11-30 03:00 (Asia/Jerusalem)": a moment as the clock in that zone shows it. */
export function formatDateIn(date: Date | string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(date))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${timeZone})`;
}

/** An hour of the day as a clock time: 3 → "03:00". */
export function formatHour(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}
