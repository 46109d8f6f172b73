import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LibraryBulk } from "../../src/files/library-bulk.js";
import { RestoreService } from "../../src/restore/restore-service.js";
import { sentZip, startServices, type TestServices } from "../support/services.js";
import { plainZip } from "../support/zip-fixtures.js";

let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(() => env?.stop());

const journals = () => env.db.collection("restore_journals");

describe("restore journal lease", () => {
  it("recovery leaves a live restore alone and rolls back one whose process stopped renewing its lease", async () => {
    const user = 800;
    const restoreId = new ObjectId();
    await env.services.bulk.addVersionsInBulk(user, [{ fileName: "half.py", content: "x", tags: [], note: "" }], restoreId);
    await journals().insertOne({ _id: restoreId, userId: user, status: "applying", startedAt: new Date(), instanceId: "other", heartbeatAt: new Date() });
    const recoverer = new RestoreService({ db: env.db, files: env.services.files, bulk: env.services.bulk, backups: env.services.backups, events: env.events, leaseMs: 60_000 });
    expect(await recoverer.recoverInterrupted()).toEqual([]);
    expect(await env.services.files.getLatest(user, "half.py")).toBeDefined();

    await journals().updateOne({ _id: restoreId }, { $set: { heartbeatAt: new Date(Date.now() - 120_000) } });
    expect(await recoverer.recoverInterrupted()).toEqual([user]);
    expect(await env.services.files.getLatest(user, "half.py")).toBeUndefined();
    expect(await journals().findOne({ _id: restoreId })).toMatchObject({ status: "rolled_back" });
    expect(await recoverer.recoverInterrupted()).toEqual([]); // nothing twice
  });

  it("a restore that another instance rolled back stops at its next batch and leaves nothing behind", async () => {
    const user = 801;
    await env.services.files.save(user, { fileName: "keep.py", content: "keep" });
    const files = env.services.files;
    const wrapped = Object.create(env.services.bulk) as LibraryBulk;
    wrapped.addVersionsInBulk = (userId, inputs, restoreId, opts = {}) =>
      env.services.bulk.addVersionsInBulk(userId, inputs, restoreId, {
        ...opts,
        batchSize: 2,
        beforeBatch: async () => {
          // After the first batch, another instance (wrongly thinking this one dead) rolls it back.
          if ((await env.db.collection("files").countDocuments({ restoreId })) > 0) {
            await journals().updateOne({ _id: restoreId }, { $set: { status: "rolled_back" } });
          }
          await opts.beforeBatch?.();
        },
      });
    const service = new RestoreService({ db: env.db, files, bulk: wrapped, backups: env.services.backups, events: env.events });
    const zip = await plainZip(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.py`, `v = ${i}`])));
    await expect(service.apply(user, await sentZip(service, user, zip), {})).rejects.toMatchObject({ code: "apply_failed" });
    expect((await files.list(user)).items.map((f) => f.fileName)).toEqual(["keep.py"]);
  });
});
