import { createHash, randomBytes } from "node:crypto";
import JSZip from "jszip";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SentMessage } from "../support/fake-telegram/index.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness({
    services: { retention: { full: { keepLast: 100, daily: 0, weekly: 0, monthly: 0 } }, backupPartBytes: 96 * 1024 },
  });
});
afterAll(async () => {
  await h?.stop();
});

const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
const callbackData = (m: SentMessage | undefined) =>
  ((m?.reply_markup as { inline_keyboard?: { callback_data?: string }[][] })?.inline_keyboard ?? []).flat().map((b) => b.callback_data ?? "");

async function openBackups(user: ReturnType<BotHarness["fake"]["user"]>) {
  await h.send(user.sendText("/backup"));
  return h.fake.lastSent(user.id)!;
}

describe("backups through the bot", () => {
  it("📦 Create backup reports files and size, then sends the ZIP with every file byte for byte", async () => {
    const user = h.fake.user(300);
    await h.services.files.save(300, { fileName: "main.py", content: "print('main')\n", tags: ["app"] });
    await h.services.files.save(300, { fileName: "lib/util.js", content: "export const u = 1;\n" });
    const menu = await openBackups(user);
    expect(menu.text).toContain("You have no backups yet");
    await h.send(user.pressButtonByText(menu, "📦 Create backup"));
    const [report, doc] = h.fake.sent(300).slice(-2);
    expect(report!.text).toMatch(/^✅ Backup ready: 2 files, 34 B \(ZIP \d+ B\)\.$/);
    expect(doc!.document!.file_name).toMatch(/^codevault-backup-\d{4}-\d{2}-\d{2}-\d{4}\.zip$/);
    expect(doc!.caption).toMatch(/^codevault backup · 2 files · /);
    const zip = await JSZip.loadAsync(doc!.document!.bytes, { checkCRC32: true });
    expect(await zip.file("main.py")!.async("string")).toBe("print('main')\n");
    expect(await zip.file("lib/util.js")!.async("string")).toBe("export const u = 1;\n");
    const manifest = JSON.parse(await zip.file("metadata.json")!.async("string"));
    expect(manifest.files.map((f: { file_name: string; sha256: string }) => [f.file_name, f.sha256]).sort()).toEqual(
      [
        ["lib/util.js", sha("export const u = 1;\n")],
        ["main.py", sha("print('main')\n")],
      ],
    );
    const stored = (await h.services.backups.list(300)).items[0]!;
    expect(sha(doc!.document!.bytes)).toBe(stored.sha256);
  });

  it("an empty library gets a ZIP with only metadata.json and says so", async () => {
    const user = h.fake.user(301);
    await h.send(user.pressButtonByText(await openBackups(user), "📦 Create backup"));
    const [report, doc] = h.fake.sent(301).slice(-2);
    expect(report!.text).toBe("✅ Backup ready. Your library is empty, so it holds only metadata.json.");
    expect(Object.keys((await JSZip.loadAsync(doc!.document!.bytes)).files)).toEqual(["metadata.json"]);
  });

  it("my backups: list, detail, rate, note, verify, download and delete", async () => {
    const user = h.fake.user(302);
    await h.services.files.save(302, { fileName: "a.go", content: "package a" });
    await h.services.backups.create(302);
    const second = await h.services.backups.create(302);
    await h.send(user.pressButtonByText(await openBackups(user), "🗂 My backups"));
    const list = h.fake.lastSent(302)!;
    expect(list.text).toContain("My backups (2) — page 1 of 1");
    expect(list.text).toMatch(/📦 \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · 1 file · \d+ B/);
    expect(callbackData(list).every((d) => Buffer.byteLength(d) <= 64)).toBe(true);

    await h.send(user.pressButton(list, `b:o:${second.id}`));
    expect(h.fake.lastSent(302)!.text).toMatch(/Backup of .*\nFull backup · 1 file · 9 B · ZIP/);

    await h.send(user.pressButtonByText(h.fake.lastSent(302)!, "⭐ Rate"));
    await h.send(user.pressButtonByText(h.fake.lastSent(302)!, "🏆 Excellent"));
    expect(h.fake.lastSent(302)!.text).toContain("🏆 Excellent");

    const detail = h.fake.lastSent(302)!;
    await h.send(user.pressButtonByText(detail, "📝 Note"));
    expect(h.fake.lastSent(302)!.text).toMatch(/Send a note for this backup \(up to 1000 characters\)/);
    await h.send(user.sendText("/cancel"));
    expect((await h.services.backups.get(302, second.id))!.note).toBeUndefined();
    await h.send(user.pressButtonByText(detail, "📝 Note"));
    await h.send(user.sendText("y".repeat(1001)));
    expect(h.fake.lastSent(302)!.text).toBe("The note is too long: at most 1000 characters. Send a shorter one, or /cancel.");
    await h.send(user.sendText("before refactor"));
    expect(h.fake.lastSent(302)!.text).toBe("📝 Note saved: before refactor");

    await h.send(user.pressButtonByText(detail, "✅ Verify"));
    expect(h.fake.message(302, detail.message_id)!.text).toContain("✅ Verified: the ZIP is intact and its 1 file matches its checksum");

    await h.send(user.pressButtonByText(h.fake.message(302, detail.message_id)!, "⬇️ Download"));
    const sent = h.fake.lastSent(302)!.document!;
    expect(sent.file_name).toMatch(/\.zip$/);
    // The ZIP the user gets is the stored backup, byte for byte.
    const stored = await h.services.backups.download(302, second.id);
    expect(Buffer.from(sent.bytes).equals(stored.bytes)).toBe(true);

    await h.send(user.sendText("/backup"));
    await h.send(user.pressButtonByText(h.fake.lastSent(302)!, "🗂 My backups"));
    const listed = h.fake.lastSent(302)!;
    expect(listed.text).toMatch(/· 🏆\n   📝 before refactor/);

    await h.send(user.pressButton(listed, `b:d:${second.id}`));
    expect(h.fake.lastSent(302)!.text).toContain("Delete this backup? This cannot be undone.");
    await h.send(user.pressButtonByText(h.fake.lastSent(302)!, "🗑 Yes, delete"));
    expect(h.fake.lastSent(302)!.text).toContain("My backups (1)");
    expect(await h.services.backups.get(302, second.id)).toBeUndefined();
  });

  it("multi-delete: tick backups across pages, one confirmation with the count", async () => {
    const user = h.fake.user(303);
    const made = [];
    for (let i = 0; i < 13; i++) made.push(await h.services.backups.create(303));
    await h.send(user.pressButtonByText(await openBackups(user), "🗂 My backups"));
    await h.send(user.pressButtonByText(h.fake.lastSent(303)!, "☑️ Select several to delete"));
    let msg = h.fake.lastSent(303)!;
    await h.send(user.pressButton(msg, `b:k:${made[12]!.id}:0`));
    await h.send(user.pressButton(msg, `b:k:${made[11]!.id}:0`));
    await h.send(user.pressButton(msg, `b:k:${made[11]!.id}:0`)); // untick again
    await h.send(user.pressButtonByText(h.fake.lastSent(303)!, "Next ▶️"));
    msg = h.fake.lastSent(303)!;
    expect(msg.text).toContain("1 selected — page 2 of 2");
    await h.send(user.pressButton(msg, `b:k:${made[0]!.id}:1`));
    await h.send(user.pressButtonByText(h.fake.lastSent(303)!, "🗑 Delete selected (2)"));
    expect(h.fake.lastSent(303)!.text).toBe("🗑 Delete 2 backups? This cannot be undone.");
    await h.send(user.pressButtonByText(h.fake.lastSent(303)!, "🗑 Yes, delete"));
    const ids = (await h.services.backups.list(303, { pageSize: 100 })).items.map((b) => b.id);
    expect(ids).toHaveLength(11);
    expect(ids).not.toContain(made[12]!.id);
    expect(ids).not.toContain(made[0]!.id);
    expect(ids).toContain(made[11]!.id);
  });

  it("a button carrying another user's backup id answers 'not found' and changes or sends nothing", async () => {
    const owner = 304;
    const thief = h.fake.user(305);
    await h.services.files.save(owner, { fileName: "secret.txt", content: "s3cret" });
    const backup = await h.services.backups.create(owner);
    await h.send(thief.sendText("/backup"));
    const msg = h.fake.lastSent(305)!;
    const sentBefore = h.fake.sent(305).length;
    for (const data of ["o", "g", "r", "t", "v", "d", "x", "rs"].map((a) => `b:${a}:${backup.id}`).concat(`b:R:${backup.id}:e`, `b:k:${backup.id}:0`)) {
      const before = h.fake.callbackAnswers().length;
      await h.send(thief.pressButton(msg, data));
      expect(h.fake.callbackAnswers()[before], data).toMatchObject({ text: "Backup not found. It may have been deleted.", show_alert: true });
    }
    await h.send(thief.pressButton(msg, "b:X")); // confirm multi-delete with nothing (or forged) selected
    expect(h.fake.sent(305).length).toBe(sentBefore);
    // Neither the note question nor a restore started: plain text gets the usual answer.
    await h.send(thief.sendText("hello"));
    expect(h.fake.lastSent(305)!.text).toMatch(/^💾 Saving code/);
    expect(h.fake.sent(305).length).toBe(sentBefore + 1);
    expect(h.fake.sent(305).some((m) => m.document)).toBe(false);
    expect(await h.services.backups.get(owner, backup.id)).toMatchObject({ id: backup.id, rating: undefined, note: undefined });
  });

  it("a failure while creating tells the user and leaves nothing behind", async () => {
    const user = h.fake.user(306);
    await h.services.files.save(306, { fileName: "ok.txt", content: "fine" });
    await h.db.collection("files").insertOne({
      _id: new ObjectId(), userId: 306, fileName: "zz.txt", language: "text", contentId: new ObjectId(),
      sha256: sha("x"), size: 1, tags: [], note: "", version: 1, createdAt: new Date(), updatedAt: new Date(),
    });
    await h.send(user.pressButtonByText(await openBackups(user), "📦 Create backup"));
    expect(h.fake.lastSent(306)!.text).toBe(
      "⚠️ The backup could not be created. Nothing was stored and your files are untouched; please try again.",
    );
    expect((await h.services.backups.list(306)).total).toBe(0);
    expect(await h.db.collection("backups.files").countDocuments({ "metadata.userId": 306 })).toBe(0);
  });

  it("a backup over the part size arrives as standalone ZIP parts holding whole files", async () => {
    const user = h.fake.user(307);
    const contents = Array.from({ length: 6 }, () => randomBytes(30_000).toString("base64")); // 40 KB each, incompressible
    for (const [i, content] of contents.entries()) await h.services.files.save(307, { fileName: `part${i}.txt`, content });
    await h.send(user.pressButtonByText(await openBackups(user), "📦 Create backup"));
    const docs = h.fake.sent(307).filter((m) => m.document);
    expect(docs.length).toBeGreaterThan(1);
    expect(h.fake.sent(307).some((m) => m.text?.includes(`comes as ${docs.length} ZIP parts of at most 96 KB`))).toBe(true);
    const restored = new Map<string, string>();
    for (const [i, doc] of docs.entries()) {
      expect(doc.document!.bytes.length).toBeLessThanOrEqual(96 * 1024);
      expect(doc.caption).toContain(`part ${i + 1} of ${docs.length}`);
      const zip = await JSZip.loadAsync(doc.document!.bytes, { checkCRC32: true });
      const manifest = JSON.parse(await zip.file("metadata.json")!.async("string"));
      expect(manifest).toMatchObject({ part: i + 1, total_parts: docs.length });
      for (const f of manifest.files) restored.set(f.file_name, await zip.file(f.file_name)!.async("string"));
    }
    expect([...restored.keys()].sort()).toEqual(contents.map((_, i) => `part${i}.txt`));
    contents.forEach((c, i) => expect(restored.get(`part${i}.txt`) === c).toBe(true));
  });

  it("speaks Hebrew in the backups menu", async () => {
    const user = h.fake.user(308, { languageCode: "he" });
    const menu = await openBackups(user);
    expect(menu.text).toContain("גיבויים");
    await h.send(user.pressButtonByText(menu, "📦 יצירת גיבוי"));
    expect(h.fake.sent(308).at(-2)!.text).toBe("✅ הגיבוי מוכן. הספרייה שלכם ריקה, ולכן הוא מכיל רק את metadata.json.");
  });
});
