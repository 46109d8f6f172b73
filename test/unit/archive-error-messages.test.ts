import { I18n } from "@grammyjs/i18n";
import { describe, expect, it } from "vitest";
import { ArchiveError } from "../../src/archive/archive-loader.js";
import { loadArchive } from "../../src/archive/archive-loader.js";
import { userMessage } from "../../src/bot/error-messages.js";
import { escapeVars, type Translate } from "../../src/bot/html.js";
import { LOCALES_DIR } from "../../src/bot/i18n.js";
import { buildRawZip } from "../restore/hostile-zips.js";

const i18n = new I18n({ defaultLocale: "en", directory: LOCALES_DIR, fluentBundleOptions: { useIsolating: false } });
const translator = (locale: string): Translate => (key, vars) => i18n.t(locale, key, escapeVars(vars));

async function refusal(limit: number, entries: number): Promise<unknown> {
  const zip = buildRawZip(Array.from({ length: entries }, (_, i) => ({ name: `f${i}.txt`, content: Buffer.from("x") })));
  return loadArchive(zip, { maxEntries: limit }).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("too many entries: the user is told the limit that applies", () => {
  it("names the limit the archive was read with, in both languages", async () => {
    const err = await refusal(25, 26);
    expect(err).toBeInstanceOf(ArchiveError);
    expect(userMessage(translator("en"), err)).toMatch(/it has more than 25 entries/);
    expect(userMessage(translator("he"), err)).toMatch(/יותר מ-25 פריטים/);
    expect(userMessage(translator("en"), await refusal(2_500, 2_501))).toMatch(/more than 2,500 entries/);
  });

  it("without a known limit it does not invent one", () => {
    const err = new ArchiveError("too_many_entries", "too many");
    const text = userMessage(translator("en"), err)!;
    expect(text).toMatch(/more entries than I can take in one archive/);
    expect(text).not.toMatch(/\d/);
  });
});
