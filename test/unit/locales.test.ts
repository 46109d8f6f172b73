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
