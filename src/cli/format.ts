/** Plain-text presentation for the admin CLI: sizes, dates, aligned tables. */

/** "512 B", "1234567 B (1.2 MiB)": exact for scripts, readable for people. */
export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytes} B (${value >= 10 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]})`;
}

/** The short form for table cells: "512 B", "1.2 MiB". */
export function shortBytes(bytes: number): string {
  const text = bytesText(bytes);
  const paren = text.indexOf("(");
  return paren < 0 ? text : text.slice(paren + 1, -1);
}

/** "2025-01-15 10:30:05 UTC" */
export function dateText(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** One line, no control characters, at most `max` characters (for user-written notes). */
export function cell(text: string | undefined, max = 40): string {
  const flat = (text ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Left-aligned columns, except those named in `right` (numbers). */
export function table(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** "key   value" lines with the values aligned. */
export function fields(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}
