/**
 * Restore by reference: a ZIP sent to the bot is downloaded from Telegram once per
 * conversation, staged, and named by its upload id in every step; it is owner-scoped,
 * expires, and is gone when the restore ends. Keep-as-backup records the files' size.
 */
import { describe, expect, it } from "vitest";
import { COLLECTIONS } from "../../src/db/collections.js";
import { StagedUploads } from "../../src/restore/staged-uploads.js";
import { useBotHarness } from "../support/bot-harness.js";
import type { FakeUser } from "../support/fake-telegram/index.js";
import { backupZip } from "../support/zip-fixtures.js";

const h = useBotHarness();

const last = (user: FakeUser) => h.fake.lastSent(user.id)!;
const staged = (userId: number) => h.db.collection(COLLECTIONS.stagedUploads).countDocuments({ userId });
const stagedBytes = () => h.db.collection(`${COLLECTIONS.stagedUploadBucket}.files`).countDocuments();

describe("an uploaded ZIP is staged once", () => {
  it("preview, a conflict question and apply download it from Telegram once; the restore ends with nothing staged", async () => {
    const user = h.fake.user(950);
    await h.services.files.save(950, { fileName: "a.py", content: "a = 0\n" });
    const before = h.fake.downloads().length;
    await h.send(user.sendDocument(await backupZip({ "a.py": "a = 1\n", "b.py": "b = 1\n" }), "b.zip"));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore into my files"));
    expect(last(user).text).toContain("1 new · 0 unchanged · 1 conflict");
    await h.send(user.pressButtonByText(last(user), "♻️ Replace all"));
    expect(last(user).text).toMatch(/Restored 2 files: 1 new, 1 replaced/);
    expect(h.fake.downloads().length - before).toBe(1);
    expect(await staged(950)).toBe(0);
    expect((await h.services.files.getLatest(950, "a.py"))?.size).toBe(6);
  });

  it("keep as a backup: one download, the files' total size recorded (not the ZIP's), nothing left staged", async () => {
    const user = h.fake.user(951);
    const files = { "k.py": "k = 1\n".repeat(50), "m.py": "m = 2\n" };
    const zip = await backupZip(files);
    const before = h.fake.downloads().length;
    await h.send(user.sendDocument(zip, "kept.zip"));
    await h.send(user.pressButtonByText(last(user), "📦 Keep it as a backup"));
    expect(last(user).text).toMatch(/^📦 Kept as a backup \(2 files, /);
    const kept = (await h.services.backups.list(951)).items[0]!;
    expect(kept).toMatchObject({ type: "imported_zip", fileCount: 2, zipSize: zip.length, source: "kept.zip" });
    expect(kept.totalSize).toBe(Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0));
    expect(h.fake.downloads().length - before).toBe(1);
    expect(await staged(951)).toBe(0);
  });

  it("is owner-scoped: another user's upload id is not found, and nothing of it is shown", async () => {
    const zip = await backupZip({ "secret.py": "token = 1\n" });
    const uploadId = await h.services.restore.stageUpload(960, zip, "mine.zip");
    await expect(h.services.restore.preview(961, { uploadId })).rejects.toMatchObject({ code: "source_missing" });
    await expect(h.services.restore.keepUpload(961, uploadId)).rejects.toMatchObject({ code: "source_missing" });
    expect((await h.services.restore.preview(960, { uploadId })).counts.new).toBe(1);
    await h.services.restore.endUpload(961, uploadId); // not theirs: ignored
    expect(await staged(960)).toBe(1);
    await h.services.restore.endUpload(960, uploadId);
    expect(await staged(960)).toBe(0);
  });

  it("expires an hour after its last use, and the sweep removes its bytes", async () => {
    let now = new Date("2026-01-01T10:00:00Z");
    const uploads = new StagedUploads({ db: h.db, clock: () => now });
    const bytesBefore = await stagedBytes();
    const uploadId = await uploads.stage(970, Buffer.from("PK-bytes"), "x.zip");
    now = new Date("2026-01-01T10:50:00Z");
    expect((await uploads.read(970, uploadId)).bytes.toString()).toBe("PK-bytes"); // a use moves the hour on
    now = new Date("2026-01-01T11:45:00Z");
    expect((await uploads.read(970, uploadId)).fileName).toBe("x.zip");
    now = new Date("2026-01-01T12:46:00Z");
    await expect(uploads.read(970, uploadId)).rejects.toMatchObject({ code: "source_missing" });
    expect(await uploads.sweep()).toBeGreaterThanOrEqual(1);
    expect(await staged(970)).toBe(0);
    expect(await stagedBytes()).toBe(bytesBefore);
  });

  it("a new upload also clears expired ones, looking at most every 10 minutes", async () => {
    let now = new Date("2026-02-01T10:00:00Z");
    const uploads = new StagedUploads({ db: h.db, clock: () => now });
    const bytesBefore = await stagedBytes();
    const first = await uploads.stage(980, Buffer.from("first"), "a.zip");
    now = new Date("2026-02-01T11:05:00Z"); // the first has expired; the last look was 65 minutes ago
    await uploads.stage(981, Buffer.from("second"), "b.zip");
    expect(await staged(980)).toBe(0);
    await expect(uploads.read(980, first)).rejects.toMatchObject({ code: "source_missing" });

    now = new Date("2026-02-01T12:00:00Z");
    await uploads.sweep(); // the housekeeping timer's look: nothing has expired yet
    expect(await staged(981)).toBe(1);
    now = new Date("2026-02-01T12:07:00Z"); // the second has expired, but the last look was 7 minutes ago
    await uploads.stage(982, Buffer.from("third"), "c.zip");
    expect(await staged(981)).toBe(1);
    now = new Date("2026-02-01T12:11:00Z");
    await uploads.stage(983, Buffer.from("fourth"), "d.zip");
    expect(await staged(981)).toBe(0);
    expect(await stagedBytes()).toBe(bytesBefore + 2);
  });
});
