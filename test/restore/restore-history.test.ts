import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileDoc } from "../../src/files/file-types.js";
import { sentZip, startServices, type TestServices } from "../support/services.js";

let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(() => env?.stop());

/** Every version of a user's file, oldest first: [version, content]. */
async function versions(userId: number, fileName: string): Promise<[number, string][]> {
  const docs = await env.db.collection<FileDoc>("files").find({ userId, fileName }, { sort: { version: 1 } }).toArray();
  return docs.map((d) => [d.version, d.content ?? "(in GridFS)"]);
}

describe("restoring a backup made with history", () => {
  it("brings a file's earlier versions back as its history where the library never held the name", async () => {
    const owner = 900;
    const files = env.services.files;
    await files.save(owner, { fileName: "app.py", content: "v1\n" });
    await files.save(owner, { fileName: "app.py", content: "v2\n" });
    await files.save(owner, { fileName: "app.py", content: "v3\n" });
    await files.save(owner, { fileName: "notes.md", content: "# only one\n" });
    const backup = await env.services.backups.create(owner, { withHistory: true });
    const { bytes } = await env.services.backups.download(owner, backup.id);

    // Another account (or this one on a new server) is sent the ZIP and restores it into an empty library.
    const fresh = 901;
    const result = await env.services.restore.apply(fresh, await sentZip(env.services.restore, fresh, bytes), {});
    expect(result).toMatchObject({ restored: 2, new: 2, olderVersions: 2, rejected: 0 });
    expect(await versions(fresh, "app.py")).toEqual([
      [1, "v1\n"],
      [2, "v2\n"],
      [3, "v3\n"],
    ]);
    expect(await versions(fresh, "notes.md")).toEqual([[1, "# only one\n"]]);

    // A name the library held before (now deleted) keeps its own history: only the latest comes back.
    const returning = 902;
    const { file: mine } = await files.save(returning, { fileName: "app.py", content: "mine\n" });
    await files.remove(returning, mine.id);
    const again = await env.services.restore.apply(returning, await sentZip(env.services.restore, returning, bytes), {});
    expect(again).toMatchObject({ new: 2, olderVersions: 0 });
    expect(await versions(returning, "app.py")).toEqual([
      [1, "mine\n"],
      [2, "v3\n"],
    ]);
  });

  it("a failed restore takes the earlier versions back out too", async () => {
    const owner = 903;
    await env.services.files.save(owner, { fileName: "lib.py", content: "a\n" });
    await env.services.files.save(owner, { fileName: "lib.py", content: "b\n" });
    const backup = await env.services.backups.create(owner, { withHistory: true });
    const { bytes } = await env.services.backups.download(owner, backup.id);

    const target = 904;
    const sent = await sentZip(env.services.restore, target, bytes);
    const bulk = env.services.bulk;
    const original = bulk.addVersionsInBulk.bind(bulk);
    bulk.addVersionsInBulk = async (userId, inputs, restoreId, opts) => {
      await original(userId, inputs, restoreId, opts);
      throw new Error("disk full"); // after every version went in
    };
    try {
      await expect(env.services.restore.apply(target, sent, {})).rejects.toMatchObject({ code: "apply_failed" });
    } finally {
      bulk.addVersionsInBulk = original;
    }
    expect(await versions(target, "lib.py")).toEqual([]);
  });
});
