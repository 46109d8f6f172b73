/**
 * Every backup the bot makes can be restored by it (issue 10 point 1): a library
 * just past the 10,000 limit for strangers' archives, with and without history,
 * backed up, lost and restored from the stored backup; and the library cap that
 * keeps a library from outgrowing what restore accepts.
 */
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileError } from "../../src/files/file-types.js";
import { ArchiveError } from "../../src/archive/archive-loader.js";
import { sentZip, startServices, type TestServices } from "../support/services.js";

let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(() => env?.stop());

/** `count` files straight into the library (one bulk write per 500), `versions` versions each; returns what loses them again. */
async function seed(userId: number, count: number, versions = 1): Promise<{ lose: () => Promise<void> }> {
  const inputs = [];
  for (let v = 1; v <= versions; v++) {
    for (let i = 0; i < count; i++) inputs.push({ fileName: `src/f${i}.py`, content: `# f${i} v${v}\n`, tags: [], note: "" });
  }
  const seedId = new ObjectId();
  await env.services.bulk.addVersionsInBulk(userId, inputs, seedId);
  // Every version gone for good (not soft-deleted, so no name was ever held): only the backup has the files.
  return { lose: async () => void (await env.services.bulk.removeRestored(userId, seedId)) };
}

async function liveCount(userId: number): Promise<number> {
  return env.db.collection("files").countDocuments({ userId, deletedAt: { $exists: false } });
}

describe("a library past 10,000 files", () => {
  it("without history: its stored backup restores the lost library; the same ZIP sent by someone is a stranger's and is refused", async () => {
    const owner = 7001;
    const library = await seed(owner, 10_001);
    const backup = await env.services.backups.create(owner, { withHistory: false });
    expect(backup.fileCount).toBe(10_001);
    await library.lose();
    expect(await liveCount(owner)).toBe(0);

    const preview = await env.services.restore.preview(owner, { backupId: backup.id });
    expect(preview.counts).toMatchObject({ new: 10_001, rejected: 0 });
    const result = await env.services.restore.apply(owner, { backupId: backup.id }, {});
    expect(result).toMatchObject({ restored: 10_001, new: 10_001 });
    expect(await liveCount(owner)).toBe(10_001);
    const last = await env.services.files.getLatest(owner, "src/f10000.py");
    expect(last && (await env.services.files.readContent(owner, last.id))).toBe("# f10000 v1\n");

    const { bytes } = await env.services.backups.download(owner, backup.id);
    const stranger = 7003;
    await expect(env.services.restore.preview(stranger, await sentZip(env.services.restore, stranger, bytes))).rejects.toMatchObject({
      constructor: ArchiveError,
      code: "too_many_entries",
    });
  }, 120_000);

  it("with history: 6,000 files × 2 versions (12,000 entries) restore with their history", async () => {
    const owner = 7011;
    const library = await seed(owner, 6_000, 2);
    const backup = await env.services.backups.create(owner, { withHistory: true });
    await library.lose();
    const result = await env.services.restore.apply(owner, { backupId: backup.id }, {});
    expect(result).toMatchObject({ new: 6_000, olderVersions: 6_000, rejected: 0 });
    expect(await liveCount(owner)).toBe(12_000);
    const history = await env.services.files.versions(owner, "src/f5999.py");
    expect(history.map((v) => v.version)).toEqual([2, 1]);
    expect(await env.services.files.readContent(owner, history[1]!.id)).toBe("# f5999 v1\n");
  }, 120_000);
});

describe("the library cap", () => {
  let capped: TestServices;
  beforeAll(async () => {
    capped = await startServices({ limits: { library: { maxVersions: 5, maxBytes: 1000 } } });
  });
  afterAll(() => capped?.stop());

  it("save stops at the cap with library_full, counting history versions and bytes", async () => {
    const { files } = capped.services;
    const user = 7101;
    await files.save(user, { fileName: "a.py", content: "1" });
    await files.save(user, { fileName: "a.py", content: "2" });
    for (const name of ["b.py", "c.py", "d.py"]) await files.save(user, { fileName: name, content: "x" });
    await expect(files.save(user, { fileName: "e.py", content: "x" })).rejects.toMatchObject({ code: "library_full" });
    await expect(files.save(user, { fileName: "a.py", content: "3" })).rejects.toMatchObject({ code: "library_full" });
    expect(await files.usage(user)).toEqual({ versions: 5, bytes: 5 });
    // Deleting makes room again; the byte cap counts too.
    await files.remove(user, (await files.getLatest(user, "d.py"))!.id);
    await expect(files.save(user, { fileName: "big.txt", content: "y".repeat(1000) })).rejects.toBeInstanceOf(FileError);
    expect((await files.save(user, { fileName: "e.py", content: "x" })).status).toBe("created");
  });

  it("a restore that would pass the cap is refused before anything changes (no emergency backup, no versions)", async () => {
    const { files, backups, restore } = capped.services;
    const user = 7201;
    for (const name of ["a.py", "b.py", "c.py"]) await files.save(user, { fileName: name, content: name });
    const backup = { backupId: (await backups.create(user)).id };
    // The user moves on: a, b and c deleted, x, y and z saved; restoring the backup would make six of five.
    for (const file of (await files.list(user)).items) await files.remove(user, file.id);
    for (const name of ["x.py", "y.py", "z.py"]) await files.save(user, { fileName: name, content: name });
    await expect(restore.preview(user, backup)).rejects.toMatchObject({ code: "library_full" });
    await expect(restore.apply(user, backup, {})).rejects.toMatchObject({ code: "library_full" });
    expect(await files.usage(user)).toEqual({ versions: 3, bytes: 12 });
    expect((await backups.list(user)).items.filter((b) => b.type === "emergency")).toEqual([]);
  });
});
