import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * A restore that has to wait in the heavy-job line: its "⏳ You're number 1 in line" message is
 * sent while the conversation's external step runs, and the conversation must go on afterwards
 * (found by `npm run load`: the press on the preview was ignored once the restore had waited).
 */
let h: BotHarness;
let github: Awaited<ReturnType<typeof startFakeGitHub>>;

beforeAll(async () => {
  github = await startFakeGitHub({ "octo/long": await plainZip({ "long-abc1234/main.py": "print('long')\n" }) });
  h = await startBotHarness({ services: { github: { apiRoot: github.apiRoot }, heavyJobs: 1 } });
});

afterAll(async () => {
  await h?.stop();
  await github?.close();
});

const texts = (chatId: number) => h.fake.sent(chatId).map((m) => m.text ?? "");

describe("a restore that waits in line", () => {
  it("is told its place, previews once its turn comes, and applies when the button is pressed", async () => {
    const a = h.fake.user(9301);
    const b = h.fake.user(9302);
    const held = github.hold("octo/long");
    await h.bot.handleUpdate(a.sendText("/github octo/long"));
    await held.reached; // A holds the only slot

    const zip = await plainZip({ "app.py": "print('b')\n", "lib/util.py": "x = 1\n" });
    const sent = h.bot.handleUpdate(b.sendDocument(zip, "project.zip", { mimeType: "application/zip" }));
    await h.fake.waitFor(() => texts(9302).some((t) => t.startsWith("⏳ You're number 1 in line")));
    held.open();
    await sent;
    const preview = h.fake.lastSent(9302)!;
    expect(preview.text).toContain("2 new · 0 unchanged · 0 conflicts · 0 rejected");

    await h.bot.handleUpdate(b.pressButtonByText(preview, "♻️ Restore"));
    await h.services.heavyJobs.idle();
    expect(texts(9302).filter((t) => t.startsWith("✅ Restored"))).toEqual([expect.stringMatching(/^✅ Restored 2 files: 2 new/)]);
    expect((await h.services.files.getLatest(9302, "lib/util.py"))?.size).toBe(6);
    expect(texts(9302).filter((t) => t.includes("Something went wrong"))).toEqual([]);
  });
});
