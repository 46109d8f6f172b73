import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../src/app.js";
import { RestoreService } from "../../src/restore/restore-service.js";
import { useBotHarness } from "../support/bot-harness.js";
import { connectThroughProxy, servicesCutBetweenBatches, type CuttableDb } from "../support/cut-restore.js";
import type { FakeUser } from "../support/fake-telegram/index.js";
import { plainZip } from "../support/zip-fixtures.js";

/** What the user is told when MongoDB goes away mid-restore, or the emergency backup cannot be made: the truth. */
const h = useBotHarness();
let cut: CuttableDb;
beforeAll(async () => {
  cut = await connectThroughProxy(h.uri, h.dbName);
});
afterAll(() => cut?.close());

const last = (user: FakeUser) => h.fake.lastSent(user.id)!;
const zip = () => plainZip(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`n${i}.py`, `n = ${i}\n`])));

/** A restore service over the cut-able connection that cuts it before its third batch of two. */
function restoreCutMidway(): RestoreService {
  // The background retry waits long here, so the state in between can be looked at.
  const cutBeforeThird = (batch: number) => {
    if (batch === 3) cut.proxy.cut();
  };
  return servicesCutBetweenBatches(cut.db, h.events, cutBeforeThird, { rollbackRetry: { firstMs: 60_000, maxMs: 60_000 } }).restore;
}

describe("restore through the bot when things fail", () => {
  it("a cut mid-restore whose rollback fails too: says it will be undone automatically, and refuses a new restore until then", async () => {
    const user = h.fake.user(1500);
    h.bot = h.newBot({ restore: restoreCutMidway() }).bot;
    await h.send(user.sendDocument(await zip(), "sources.zip"));
    expect(last(user).text).toContain("8 new · 0 unchanged · 0 conflicts · 0 rejected");
    await h.send(user.pressButtonByText(last(user), "♻️ Restore"));
    const told = last(user).text!;
    expect(told).toBe(
      "⚠️ The restore failed part-way, and undoing it failed too (the database is not answering right now). Some restored files may be in your library until it is undone. I keep undoing it automatically until it is done and will tell you then; the emergency backup taken just before the restore is kept in 🗂 My backups.",
    );
    expect(told).not.toContain("exactly as it was");
    cut.proxy.heal();

    // The rollback is still pending: a new restore is refused, with the reason.
    await h.send(user.sendDocument(await zip(), "sources.zip"));
    expect(last(user).text).toBe(
      "⏳ Your previous restore is still being undone, so I cannot start a new one yet. I will tell you when it is done; your library is then exactly as it was before that restore.",
    );
    expect((await h.services.backups.list(1500)).items.filter((b) => b.type === "emergency")).toHaveLength(1);
  });

  it("a failed emergency backup says nothing was restored, not that the backup is gone", async () => {
    const user = h.fake.user(1501);
    await h.services.files.save(1501, { fileName: "keep.py", content: "keep = 1\n" });
    const services = createServices({ db: h.db, events: h.events });
    services.backups.create = async () => {
      throw new Error("GridFS is full");
    };
    h.bot = h.newBot({ restore: new RestoreService({ db: h.db, files: services.files, bulk: services.bulk, backups: services.backups, events: h.events }) }).bot;
    await h.send(user.sendDocument(await zip(), "sources.zip"));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore"));
    expect(last(user).text).toBe(
      "⚠️ I could not take the emergency backup I make before every restore, so I restored nothing: your library is exactly as it was. Please try again in a moment.",
    );
    expect((await h.services.files.list(1501)).items.map((f) => f.fileName)).toEqual(["keep.py"]);
  });
});
