import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { I18n } from "@grammyjs/i18n";
import { LOCALES_DIR } from "../../src/bot/i18n.js";

function keysOf(locale: string): string[] {
  const source = readFileSync(path.join(LOCALES_DIR, `${locale}.ftl`), "utf8");
  return [...source.matchAll(/^([a-z][\w-]*)\s*=/gm)].map((m) => m[1]!).sort();
}

function variablesOf(locale: string): Map<string, string[]> {
  const source = readFileSync(path.join(LOCALES_DIR, `${locale}.ftl`), "utf8");
  const result = new Map<string, string[]>();
  let current = "";
  for (const line of source.split("\n")) {
    const key = /^([a-z][\w-]*)\s*=/.exec(line)?.[1];
    if (key) current = key;
    if (!current) continue;
    const vars = [...line.matchAll(/\{\s*\$(\w+)\s*\}/g)].map((m) => m[1]!);
    result.set(current, [...new Set([...(result.get(current) ?? []), ...vars])].sort());
  }
  return result;
}

describe("locales", () => {
  it("English and Hebrew hold the same keys", () => {
    const en = keysOf("en");
    const he = keysOf("he");
    expect(en.filter((k) => !he.includes(k)), "missing from he.ftl").toEqual([]);
    expect(he.filter((k) => !en.includes(k)), "missing from en.ftl").toEqual([]);
    expect(en.length).toBeGreaterThan(50);
  });

  it("each message uses the same variables in both languages", () => {
    const en = variablesOf("en");
    const he = variablesOf("he");
    for (const [key, vars] of en) expect(he.get(key), key).toEqual(vars);
  });

  it("every key the code uses exists", () => {
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (full.endsWith(".ts")) {
          const src = readFileSync(full, "utf8");
          for (const m of src.matchAll(/\bt\(\s*"([a-z][\w-]*)"/g)) used.add(m[1]!);
        }
      }
    };
    walk(path.join(LOCALES_DIR, "..", "src"));
    const en = new Set(keysOf("en"));
    expect([...used].filter((k) => !en.has(k))).toEqual([]);
  });

  it("Hebrew messages render without isolation marks and keep their right-to-left text", () => {
    const i18n = new I18n({ defaultLocale: "en", directory: LOCALES_DIR, fluentBundleOptions: { useIsolating: false } });
    const he = i18n.t("he", "save-created", { name: "app.py", language: "python", size: "1 KB" });
    expect(he).toBe("✅ <b>app.py</b> נשמר (python, 1 KB).");
    expect(he).not.toMatch(/[\u2066-\u2069]/);
    expect(i18n.t("en", "save-created", { name: "app.py", language: "python", size: "1 KB" })).toBe(
      "✅ Saved <b>app.py</b> (python, 1 KB).",
    );
  });
});

describe("words", () => {
  const i18n = new I18n({ defaultLocale: "en", directory: LOCALES_DIR, fluentBundleOptions: { useIsolating: false } });
  /** Every message that shows a count, with the variable that holds it. */
  const COUNTS: [string, string][] = [
    ["backups-summary", "count"], ["backup-created", "count"], ["backup-created-history", "count"], ["backup-caption", "count"],
    ["backup-sending-parts", "count"], ["backup-line", "count"], ["backup-detail", "count"], ["backup-verify-ok", "count"],
    ["backup-verify-failed", "count"], ["backups-delete-many-confirm", "count"], ["backups-deleted", "count"],
    ["versions-title", "count"], ["import-backup-found", "count"], ["import-kept", "count"], ["restore-preview", "conflicts"],
    ["restore-too-many-conflicts", "shown"], ["restore-done", "restored"], ["restore-done-history", "count"],
    ["restore-done-unchanged", "count"], ["restore-done-rejected", "count"], ["github-stored", "count"],
  ];
  const render = (locale: string, key: string, countVar: string, n: number) => {
    const vars: Record<string, string | number> = { name: "app.py", date: "2025-01-15 10:30 UTC", size: "1 KB", zip: "1 KB", limit: "1 MB", repo: "o/r", type: "Full", rating: "" };
    for (const v of ["count", "total", "new", "unchanged", "conflicts", "rejected", "restored", "replaced", "renamed", "skipped", "shown"]) vars[v] = 0;
    vars[countVar] = n;
    return i18n.t(locale, key, vars);
  };

  it("renders every count with its plural form: no '1 files' in English, no plural noun after 1 in Hebrew", () => {
    for (const [key, countVar] of COUNTS) {
      const en1 = render("en", key, countVar, 1);
      const en2 = render("en", key, countVar, 2);
      expect(en1, key).not.toMatch(/\b1 (?:[a-z]+ )?(?:files|versions|backups|conflicts|entries|parts|problems)\b/);
      expect(en1, key).not.toMatch(/\b1 \w+ (?:were|are)\b/);
      expect(en2, key).toMatch(/\b2\b/);
      expect(en2, key).not.toMatch(/\b2 (?:[a-z]+ )?(?:file|version|backup|conflict|entry|part|problem)\b/);
      const he1 = render("he", key, countVar, 1);
      // Hebrew plural nouns end in ים or ות: after the number 1 the singular ("אחד"/"אחת") must be used.
      expect(he1, key).not.toMatch(/(?:^|[\s(\-ב])1 \S*(?:ים|ות)(?=[\s.,:)]|$)/u);
      expect(render("he", key, countVar, 2), key).not.toContain("{");
    }
  });

  it("/help names every capability, in both languages", () => {
    for (const locale of ["en", "he"]) {
      const help = i18n.t(locale, "help-text");
      for (const command of ["/save", "/files", "/backup", "/restore", "/github", "/language", "/cancel"]) expect(help, `${locale} ${command}`).toContain(command);
      for (const word of locale === "en"
        ? ["version", "tags", "note", "rate", "verify", "ZIP", "import", "emergency backup", "conflict"]
        : ["גרס", "תגיות", "הערה", "לדרג", "לאמת", "ZIP", "לייבא", "גיבוי חירום", "התנגשות"]) {
        expect(help, `${locale} ${word}`).toContain(word);
      }
    }
  });
});
