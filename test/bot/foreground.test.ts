/**
 * What counts as foreground work (src/work/foreground.ts): an update being answered does, and
 * heavy loops give way to it; the restore it waits for does not, so a restore sent as a ZIP is not
 * slowed down on its own user's behalf.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foreground } from "../../src/work/foreground.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { plainZip } from "../support/zip-fixtures.js";

let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** The same service, noting whether foreground work was under way at each call of its methods. */
function noting<T extends object>(service: T, seen: Array<[string, boolean]>): T {
  return new Proxy(service, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        seen.push([String(key), foreground.busy]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe("foreground work through the bot", () => {
  it("counts a save while it is answered, not a restore's heavy job, and nothing once both are done", async () => {
    const seen: Array<[string, boolean]> = [];
    h.bot = h.newBot({ files: noting(h.services.files, seen), restore: noting(h.services.restore, seen) }).bot;
    const user = h.fake.user(9301);

    await h.send(user.sendDocument(new TextEncoder().encode("print('hi')\n"), "hi.py"));
    expect(h.fake.lastSent(9301)!.text).toContain("hi.py");
    expect(seen.filter(([, busy]) => busy).length).toBeGreaterThan(0);
    expect(seen.every(([, busy]) => busy)).toBe(true);

    seen.length = 0;
    await h.send(user.sendDocument(await plainZip({ "app/main.py": "print('main')\n" }), "project.zip"));
    const preview = seen.filter(([name]) => name === "stageUpload" || name === "preview");
    expect(preview.map(([name]) => name)).toEqual(["stageUpload", "preview"]);
    expect(preview.every(([, busy]) => !busy)).toBe(true);
    expect(foreground.busy).toBe(false);
  });
});
