/**
 * docs/PERFORMANCE.md is shared by several benchmarks: each owns the text
 * between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` and
 * leaves everything else in the file as it found it.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export function markers(name: string): { start: string; end: string } {
  return { start: `<!-- bench:${name}:start -->`, end: `<!-- bench:${name}:end -->` };
}

/** Replaces (or appends) the section `name`; creates the file with `intro` when it does not exist. */
export function writeSection(file: string, name: string, body: string, intro: string): void {
  const { start, end } = markers(name);
  const section = `${start}\n${body.trim()}\n${end}`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : `${intro.trim()}\n`;
  const from = current.indexOf(start);
  const to = current.indexOf(end, from + start.length);
  const next =
    from >= 0 && to >= 0
      ? current.slice(0, from) + section + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, next);
}

/** A markdown table; `align` per column: "l" or "r". */
export function markdownTable(headers: string[], rows: string[][], align: ("l" | "r")[] = []): string {
  const sep = headers.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [headers, sep, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}
