import { describe, expect, it } from "vitest";
import type { FileDoc } from "../../src/files/file-types.js";
import type { LibraryBulk } from "../../src/files/library-bulk.js";
import { useBotHarness } from "../support/bot-harness.js";
import type { FakeUser } from "../support/fake-telegram/index.js";
import { backupZip, legacyZip, plainZip } from "../support/zip-fixtures.js";

const h = useBotHarness({ services: { retention: { full: { keepLast: 100, daily: 0, weekly: 0, monthly: 0 } } } });

const last = (user: FakeUser) => h.fake.lastSent(user.id)!;
const texts = (user: FakeUser, n: number) => h.fake.sent(user.id).slice(-n).map((m) => m.text ?? m.caption ?? "");

/** A library snapshot: every version of every file, content included. */
async function snapshot(userId: number) {
  const docs = await h.db.collection<FileDoc>("files").find({ userId }, { sort: { fileName: 1, version: 1 } }).toArray();
  return docs.map((d) => ({ name: d.fileName, version: d.version, sha: d.sha256, deleted: !!d.deletedAt }));
}
async function content(userId: number, name: string) {
  const f = await h.services.files.getLatest(userId, name);
  return f && (await h.services.files.readContent(userId, f.id));
}

/** Library with a.py and b.py, a backup of it, then a.py changes and c.py is deleted. */
async function setUpChangedLibrary(userId: number) {
  const { files, backups } = h.services;
  await files.save(userId, { fileName: "a.py", content: "print('a')\nx = 1\n" });
  await files.save(userId, { fileName: "b.py", content: "print('b')\n" });
  const c = await files.save(userId, { fileName: "c.py", content: "print('c')\n" });
  const backup = await backups.create(userId);
  await files.save(userId, { fileName: "a.py", content: "print('a')\nx = 2\n" });
  await files.remove(userId, c.file.id);
  return backup;
}

async function startRestoreFromBackup(user: FakeUser, backupId: string) {
  await h.send(user.sendText("/restore"));
  await h.send(user.pressButton(last(user), `b:rs:${backupId}`));
  return last(user);
}

describe("restore conversation", () => {
  it("previews, asks about each conflict, replaces as a new version, takes an emergency backup", async () => {
    const user = h.fake.user(400);
    const backup = await setUpChangedLibrary(400);
    const preview = await startRestoreFromBackup(user, backup.id);
    expect(preview.text).toContain("1 new · 1 unchanged · 1 conflict · 0 rejected");
    await h.send(user.pressButtonByText(preview, "❓ Ask me for each conflict"));
    const card = last(user);
    expect(card.text).toContain("Conflict 1 of 1: a.py");
    expect(card.text).toContain("Yours now: 17 B");
    expect(card.text).toContain("In the archive: 17 B");
    expect(card.text).toContain("First difference, line 2:\n- x = 2\n+ x = 1");
    await h.send(user.pressButtonByText(card, "♻️ Replace"));
    expect(texts(user, 1)[0]).toMatch(/Restored 2 files: 1 new, 1 replaced, 0 renamed, 0 skipped\./);
    expect(await content(400, "a.py")).toBe("print('a')\nx = 1\n");
    expect((await h.services.files.versions(400, "a.py")).map((v) => v.version)).toEqual([3, 2, 1]);
    expect(await content(400, "c.py")).toBe("print('c')\n");
    const types = (await h.services.backups.list(400)).items.map((b) => b.type);
    expect(types).toContain("emergency");
  });

  it("skip all / rename all / replace all apply to every conflict", async () => {
    for (const [userId, label, check] of [
      [401, "⏭ Skip all", async () => expect(await content(401, "a.py")).toBe("print('a')\nx = 2\n")],
      [402, "♻️ Replace all", async () => expect(await content(402, "a.py")).toBe("print('a')\nx = 1\n")],
      [403, "✏️ Rename all", async () => expect(await content(403, "a (restored).py")).toBe("print('a')\nx = 1\n")],
    ] as const) {
      const user = h.fake.user(userId);
      const backup = await setUpChangedLibrary(userId);
      await h.send(user.pressButtonByText(await startRestoreFromBackup(user, backup.id), label));
      expect(last(user).text, label).toMatch(/^✅ Restored/);
      await check();
    }
  });

  it("rename with a typed name: refuses unusable and taken names, then uses the typed one", async () => {
    const user = h.fake.user(404);
    const backup = await setUpChangedLibrary(404);
    await h.send(user.pressButtonByText(await startRestoreFromBackup(user, backup.id), "❓ Ask me for each conflict"));
    await h.send(user.pressButtonByText(last(user), "✏️ Rename"));
    expect(last(user).text).toBe("✏️ Send a new name for the archived a.py, or use a (restored).py.");
    await h.send(user.sendText("../escape.py"));
    expect(last(user).text).toMatch(/cannot be used as a file name/);
    await h.send(user.sendText("b.py"));
    expect(last(user).text).toBe("b.py is already taken. Send another name.");
    await h.send(user.sendText("a-from-backup.py"));
    expect(last(user).text).toMatch(/Restored 2 files: 1 new, 0 replaced, 1 renamed, 0 skipped/);
    expect(await content(404, "a-from-backup.py")).toBe("print('a')\nx = 1\n");
    expect(await content(404, "a.py")).toBe("print('a')\nx = 2\n");
  });

  it("'apply this to all remaining' decides the rest at once", async () => {
    const user = h.fake.user(405);
    const { files, backups } = h.services;
    for (const n of ["x", "y", "z"]) await files.save(405, { fileName: `${n}.js`, content: `old ${n}` });
    const backup = await backups.create(405);
    for (const n of ["x", "y", "z"]) await files.save(405, { fileName: `${n}.js`, content: `new ${n}` });
    await h.send(user.pressButtonByText(await startRestoreFromBackup(user, backup.id), "❓ Ask me for each conflict"));
    expect(last(user).text).toContain("Conflict 1 of 3: x.js");
    await h.send(user.pressButtonByText(last(user), "♻️ Replace"));
    expect(last(user).text).toContain("Conflict 2 of 3: y.js");
    await h.send(user.pressButtonByText(last(user), "⏭ Skip this and all remaining"));
    expect(last(user).text).toMatch(/Restored 1 file: 0 new, 1 replaced, 0 renamed, 2 skipped/);
    expect(await content(405, "x.js")).toBe("old x");
    expect(await content(405, "z.js")).toBe("new z");
  });

  it("/cancel at any step changes nothing", async () => {
    const user = h.fake.user(406);
    const backup = await setUpChangedLibrary(406);
    const before = await snapshot(406);
    const backupsBefore = (await h.services.backups.list(406)).total;
    await h.send(user.pressButtonByText(await startRestoreFromBackup(user, backup.id), "❓ Ask me for each conflict"));
    await h.send(user.sendText("/cancel"));
    expect(last(user).text).toBe("❌ Cancelled. Nothing was changed.");
    expect(await snapshot(406)).toEqual(before);
    expect((await h.services.backups.list(406)).total).toBe(backupsBefore);
    // The old card's buttons no longer do anything.
    const answers = h.fake.callbackAnswers().length;
    await h.send(user.pressButton(h.fake.sent(406).at(-2)!, "rs:c:r"));
    expect(h.fake.callbackAnswers()[answers]!.text).toMatch(/no longer valid/);
    expect(await snapshot(406)).toEqual(before);
  });

  it("survives a bot restart in the middle of the conversation", async () => {
    const user = h.fake.user(407);
    const backup = await setUpChangedLibrary(407);
    const preview = await startRestoreFromBackup(user, backup.id);
    h.bot = h.newBot().bot; // the process restarted; state is in MongoDB
    await h.send(user.pressButtonByText(preview, "♻️ Replace all"));
    expect(last(user).text).toMatch(/Restored 2 files: 1 new, 1 replaced/);
  });

  it("a failure while applying rolls the library back exactly and says so", async () => {
    const user = h.fake.user(408);
    const backup = await setUpChangedLibrary(408);
    const before = await snapshot(408);
    const files = h.services.files;
    const failing = Object.create(h.services.bulk) as LibraryBulk;
    failing.addVersionsInBulk = async (userId, inputs, restoreId) => {
      await h.services.bulk.addVersionsInBulk(userId, inputs.slice(0, 1), restoreId); // some writes land…
      throw new Error("disk full"); // …then the rest fail
    };
    h.bot = h.newBot({ restore: new (h.services.restore.constructor as never as typeof import("../../src/restore/restore-service.js").RestoreService)({ db: h.db, files, bulk: failing, backups: h.services.backups, events: h.events }) }).bot;
    await h.send(user.pressButtonByText(await startRestoreFromBackup(user, backup.id), "♻️ Replace all"));
    expect(last(user).text).toBe("⚠️ The restore failed part-way, so I rolled everything back: your library is exactly as it was before. Please try again.");
    expect(await snapshot(408)).toEqual(before);
    expect(await h.events.count("restore_rolled_back")).toBeGreaterThan(0);
    expect(await h.events.count("restore_failed")).toBeGreaterThan(0);
    h.bot = h.newBot().bot;
  });
});

describe("import of any ZIP", () => {
  it("our own backup ZIP: keep it as a backup", async () => {
    const user = h.fake.user(420);
    await h.send(user.sendDocument(await backupZip({ "k.py": "k = 1" }), "codevault-backup-2025-01-15-1030.zip"));
    expect(last(user).text).toBe("📦 This ZIP is a codevault backup with 1 file. What should I do with it?");
    await h.send(user.pressButtonByText(last(user), "📦 Keep it as a backup"));
    expect(last(user).text).toMatch(/^📦 Kept as a backup \(1 file, /);
    const kept = (await h.services.backups.list(420)).items[0]!;
    expect(kept.type).toBe("imported_zip");
    expect((await h.services.files.list(420)).total).toBe(0);
    expect(await h.services.backups.verify(420, kept.id)).toMatchObject({ ok: true });
  });

  it("our own backup ZIP: restore into my files, with tags and notes", async () => {
    const user = h.fake.user(421);
    await h.send(user.sendDocument(await backupZip({ "src/app.ts": "export {};\n" }, { tags: ["web"], note: "n" }), "b.zip"));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore into my files"));
    expect(last(user).text).toContain("1 new · 0 unchanged · 0 conflicts · 0 rejected");
    await h.send(user.pressButtonByText(last(user), "♻️ Restore"));
    expect(last(user).text).toMatch(/Restored 1 file: 1 new/);
    expect(await h.services.files.getLatest(421, "src/app.ts")).toMatchObject({ tags: ["web"], note: "n", language: "typescript" });
  });

  it("a backup made with history, sent by another account: the file comes back with its earlier versions", async () => {
    const { files, backups } = h.services;
    await files.save(430, { fileName: "x.py", content: "x = 1\n" });
    await files.save(430, { fileName: "x.py", content: "x = 2\n" });
    const made = await backups.create(430, { withHistory: true });
    const { bytes, fileName } = await backups.download(430, made.id);

    const user = h.fake.user(431);
    await h.send(user.sendDocument(bytes, fileName));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore into my files"));
    expect(last(user).text).toContain("1 new · 0 unchanged · 0 conflicts · 0 rejected");
    await h.send(user.pressButtonByText(last(user), "♻️ Restore"));
    expect(last(user).text).toMatch(/Restored 1 file: 1 new/);
    expect(last(user).text).toContain("🕘 1 earlier version from the backup came back with them, as its history.");
    expect((await snapshot(431)).map((d) => [d.name, d.version])).toEqual([
      ["x.py", 1],
      ["x.py", 2],
    ]);
    expect(await content(431, "x.py")).toBe("x = 2\n");
  });

  it("the older manifest whose entries carry the code", async () => {
    const user = h.fake.user(422);
    await h.send(user.sendDocument(await legacyZip({ "old.py": "print('legacy')\n" }), "old-bot-backup.zip"));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore into my files"));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore"));
    expect(await content(422, "old.py")).toBe("print('legacy')\n");
    expect(await h.services.files.getLatest(422, "old.py")).toMatchObject({ tags: ["old"], note: "from the old bot" });
  });

  it("a plain archive of sources: text files with their paths, binaries listed as not imported", async () => {
    const user = h.fake.user(423);
    const zip = await plainZip({
      "src/main.go": "package main\n",
      "docs/readme.md": "# hi\n",
      "img/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
    });
    await h.send(user.sendDocument(zip, "sources.zip"));
    const preview = last(user);
    expect(preview.text).toContain("2 new · 0 unchanged · 0 conflicts · 1 rejected");
    expect(preview.text).toContain("img/logo.png — binary file");
    await h.send(user.pressButtonByText(preview, "♻️ Restore"));
    expect(await content(423, "src/main.go")).toBe("package main\n");
    expect(await content(423, "docs/readme.md")).toBe("# hi\n");
  });

  it("a repository archive (single top folder) is tagged repo:<name> with the folder stripped", async () => {
    const user = h.fake.user(424);
    const zip = await plainZip({ "hello-world-main/app.py": "print('hello')\n", "hello-world-main/lib/util.py": "u = 1\n" });
    await h.send(user.sendDocument(zip, "hello-world-main.zip"));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore"));
    expect(await h.services.files.getLatest(424, "lib/util.py")).toMatchObject({ tags: ["repo:hello-world"] });
  });
});
