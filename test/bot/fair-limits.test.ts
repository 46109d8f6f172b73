import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { startFakeGitHub } from "../support/fake-github.js";
import type { FakeUser } from "../support/fake-telegram/index.js";
import { backupZip, plainZip } from "../support/zip-fixtures.js";

/**
 * Fairness limits through the bot: a user keeps at most 3 backups (64 KB) on this server and
 * imports at most 2 archives an hour. Each refusal is a clear message in the user's language,
 * and nothing is written: no backup document, no stored bytes, no staged upload, no download.
 * The emergency backup before a restore is never refused.
 */
const CAP_BYTES = 64 * 1024;
let h: BotHarness;
let github: Awaited<ReturnType<typeof startFakeGitHub>>;

beforeAll(async () => {
  const repo = (name: string) => plainZip({ [`octo-${name}-abc1234/main.py`]: `print('${name}')\n` });
  github = await startFakeGitHub({ "octo/one": await repo("one"), "octo/two": await repo("two"), "octo/three": await repo("three") });
  h = await startBotHarness({
    services: { github: { apiRoot: github.apiRoot }, limits: { backups: { maxBackups: 3, maxBytes: CAP_BYTES }, importsPerHour: 2 } },
  });
});

afterAll(async () => {
  await h?.stop();
  await github?.close();
});

const last = (user: FakeUser) => h.fake.lastSent(user.id)!;

/** Everything a refused write could leave behind, for one user (and the buckets as a whole). */
async function stored(userId: number) {
  return {
    backups: await h.db.collection("backups").countDocuments({ userId }),
    backupFiles: await h.db.collection("backups.files").countDocuments({ "metadata.userId": userId }),
    backupChunks: await h.db.collection("backups.chunks").countDocuments(),
    staged: await h.db.collection("staged_uploads").countDocuments({ userId }),
    stagedChunks: await h.db.collection("staged_upload_bytes.chunks").countDocuments(),
    imports: await h.db.collection("import_log").countDocuments({ userId }),
  };
}

async function pressCreate(user: FakeUser) {
  await h.send(user.sendText("/backup"));
  await h.send(user.pressButtonByText(last(user), "📦 Create backup"));
}

describe("backups kept on the server", () => {
  it("refuses a 4th backup with a message naming the limit, and stores nothing", async () => {
    const user = h.fake.user(9401);
    await h.services.files.save(9401, { fileName: "a.py", content: "print('a')\n" });
    for (let i = 0; i < 3; i++) await pressCreate(user);
    expect(h.fake.sent(9401).filter((m) => (m.text ?? "").startsWith("✅ Backup ready"))).toHaveLength(3);
    const before = await stored(9401);
    expect(before.backups).toBe(3);

    await pressCreate(user);
    expect(last(user).text).toMatch(
      /^🗄 You have reached this server's limit for backups: you keep 3 backups \([\d.]+ KB\), and each person may keep 3 \(64 KB\)\. Nothing new was stored\. Delete backups you no longer need in \/backup → 🗂 My backups, or take 🏆 off old ones/,
    );
    expect(await stored(9401)).toEqual(before);
  });

  it("says it in Hebrew", async () => {
    const user = h.fake.user(9402, { languageCode: "he" });
    await h.services.files.save(9402, { fileName: "a.py", content: "print('a')\n" });
    for (let i = 0; i < 3; i++) await h.services.backups.create(9402);
    const before = await stored(9402);
    await h.send(user.sendText("/backup"));
    await h.send(user.pressButton(last(user), "b:n"));
    expect(last(user).text).toMatch(/^🗄 הגעת למגבלת הגיבויים של השרת: שמורים אצלך 3 גיבויים .* לא נשמר דבר חדש\./);
    expect(await stored(9402)).toEqual(before);
  });

  it("a backup that turns out larger than the bytes left is removed again: no document, no chunks", async () => {
    const user = h.fake.user(9403);
    // Base64 of random bytes: text that deflate cannot shrink below the 64 KB left.
    await h.services.files.save(9403, { fileName: "big.txt", content: randomBytes(120 * 1024).toString("base64") });
    const before = await stored(9403);
    await pressCreate(user);
    expect(last(user).text).toMatch(/^🗄 You have reached this server's limit for backups: you keep 0 backups \(0 B\)/);
    expect(await stored(9403)).toEqual(before);
  });

  it("keeping a ZIP the user sent is refused at the cap, and the staged upload is gone", async () => {
    const user = h.fake.user(9404);
    await h.services.files.save(9404, { fileName: "a.py", content: "print('a')\n" });
    for (let i = 0; i < 3; i++) await h.services.backups.create(9404);
    await h.send(user.sendDocument(await backupZip({ "k.py": "k = 1" }), "codevault-backup-2025-01-15-1030.zip"));
    const before = await stored(9404);
    expect(before.staged).toBe(1); // waiting for the choice
    await h.send(user.pressButtonByText(last(user), "📦 Keep it as a backup"));
    expect(last(user).text).toMatch(/^🗄 You have reached this server's limit for backups: you keep 3 backups/);
    expect(await stored(9404)).toEqual({ ...before, staged: 0, stagedChunks: before.stagedChunks - 1 });
  });

  it("never refuses the emergency backup before a restore: the restore goes through past the cap", async () => {
    const user = h.fake.user(9405);
    await h.services.files.save(9405, { fileName: "a.py", content: "print('a')\n" });
    const backup = await h.services.backups.create(9405);
    await h.services.files.save(9405, { fileName: "a.py", content: "print('changed')\n" });
    await h.services.backups.create(9405);
    await h.services.backups.create(9405);
    await h.send(user.sendText("/restore"));
    await h.send(user.pressButton(last(user), `b:rs:${backup.id}`));
    await h.send(user.pressButtonByText(last(user), "♻️ Replace all"));
    expect(last(user).text).toMatch(/^✅ Restored 1 file/);
    const kinds = (await h.services.backups.list(9405)).items.map((b) => b.type);
    expect(kinds.sort()).toEqual(["emergency", "full_backup", "full_backup", "full_backup"]);
    expect(await h.services.files.getLatest(9405, "a.py")).toMatchObject({ version: 3 });
  });
});

describe("imports per hour", () => {
  it("a third /github in the hour is refused before anything is downloaded", async () => {
    const user = h.fake.user(9410);
    await h.send(user.sendText("/github octo/one"));
    await h.send(user.sendText("/github octo/two"));
    expect((await h.services.backups.list(9410)).items.map((b) => b.repo?.name)).toEqual(["octo/two", "octo/one"]);
    const before = await stored(9410);

    await h.send(user.sendText("/github octo/three"));
    expect(last(user).text).toMatch(
      /^⏳ You have imported 2 archives in the last hour, the most this server takes from one person\. Nothing was downloaded or stored\. Try again in \d+ min\.$/,
    );
    expect(h.fake.sent(9410).filter((m) => (m.text ?? "").includes("octo/three"))).toEqual([]); // no "downloading" either
    expect(github.requests.some((r) => r.url.includes("octo/three"))).toBe(false);
    expect(await stored(9410)).toEqual(before);
  });

  it("a ZIP sent past the limit is not downloaded from Telegram, staged or stored; in Hebrew too", async () => {
    const user = h.fake.user(9411, { languageCode: "he" });
    await h.send(user.sendText("/github octo/one"));
    await h.send(user.sendDocument(await plainZip({ "x.py": "x = 1\n" }), "first.zip"));
    await h.send(user.sendText("/cancel"));
    const downloads = h.fake.downloads().length;
    const before = await stored(9411);
    expect(before.imports).toBe(2);

    await h.send(user.sendDocument(await plainZip({ "y.py": "y = 1\n" }), "second.zip"));
    expect(last(user).text).toMatch(/^⏳ ייבאת 2 ארכיונים בשעה האחרונה, המקסימום שהשרת מקבל מאדם אחד\. לא הורד ולא נשמר דבר\. אפשר לנסות שוב בעוד \d+ דק׳\.$/);
    expect(h.fake.downloads()).toHaveLength(downloads);
    expect(await stored(9411)).toEqual(before);
    expect(await h.services.files.getLatest(9411, "y.py")).toBeUndefined();
  });
});
