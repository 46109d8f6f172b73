/**
 * Through the bot (issue 10 point 1): a library past 10,000 files, with and
 * without history, is backed up and restored from its stored backup; and the
 * library cap answers a save with a clear message.
 */
import { ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { useBotHarness } from "../support/bot-harness.js";
import type { FakeUser } from "../support/fake-telegram/index.js";

const h = useBotHarness();

const last = (user: FakeUser) => h.fake.lastSent(user.id)!;

async function seed(userId: number, count: number, versions: number): Promise<void> {
  const inputs = [];
  for (let v = 1; v <= versions; v++) {
    for (let i = 0; i < count; i++) inputs.push({ fileName: `lib/m${i}.ts`, content: `export const v = ${v}; // ${i}\n`, tags: [], note: "" });
  }
  await h.services.bulk.addVersionsInBulk(userId, inputs, new ObjectId());
}

/** Backs the library up, loses every file (as on a new server), restores the stored backup through ♻️ Restore. */
async function backUpLoseAndRestore(user: FakeUser, withHistory: boolean): Promise<string[]> {
  const backup = await h.services.backups.create(user.id, { withHistory });
  await h.db.collection("files").deleteMany({ userId: user.id });
  await h.send(user.sendText("/restore"));
  await h.send(user.pressButton(last(user), `b:rs:${backup.id}`));
  const preview = last(user);
  expect(preview.text).toMatch(/10,?001 new · 0 unchanged · 0 conflicts · 0 rejected/);
  await h.send(user.pressButtonByText(preview, "♻️ Restore"));
  return h.fake
    .sent(user.id)
    .slice(-1)
    .map((m) => m.text ?? "");
}

describe("a library past 10,000 files restores through the bot", () => {
  it("without history", async () => {
    const user = h.fake.user(9301);
    await seed(user.id, 10_001, 1);
    const [done] = await backUpLoseAndRestore(user, false);
    expect(done).toMatch(/^✅ Restored 10,?001 files: 10,?001 new/);
    expect(await h.db.collection("files").countDocuments({ userId: user.id })).toBe(10_001);
  }, 180_000);

  it("with history (20,002 versions)", async () => {
    const user = h.fake.user(9302);
    await seed(user.id, 10_001, 2);
    const [done] = await backUpLoseAndRestore(user, true);
    expect(done).toMatch(/^✅ Restored 10,?001 files/);
    expect(done).toMatch(/10,?001 earlier versions from the backup came back/);
    expect(await h.db.collection("files").countDocuments({ userId: user.id })).toBe(20_002);
  }, 180_000);
});

describe("the library cap through the bot", () => {
  const capped = useBotHarness({ services: { limits: { library: { maxVersions: 2, maxBytes: 1024 } } } });

  it("a save past the cap is answered with library_full and stores nothing", async () => {
    const user = capped.fake.user(9401);
    await capped.send(user.sendDocument(Buffer.from("a = 1\n"), "a.py"));
    await capped.send(user.sendDocument(Buffer.from("b = 1\n"), "b.py"));
    await capped.send(user.sendDocument(Buffer.from("c = 1\n"), "c.py"));
    expect(capped.fake.lastSent(user.id)!.text).toMatch(/^Your library is full/);
    expect(await capped.db.collection("files").distinct("fileName", { userId: user.id, deletedAt: { $exists: false } })).toHaveLength(2);
  });
});
