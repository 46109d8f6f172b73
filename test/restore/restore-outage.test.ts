import { ObjectId } from "mongodb";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../src/app.js";
import { RestoreService } from "../../src/restore/restore-service.js";
import { RestoreError } from "../../src/restore/restore-types.js";
import { connectThroughProxy, servicesCutBetweenBatches, type CuttableDb } from "../support/cut-restore.js";
import { sentZip, startServices, type TestServices } from "../support/services.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * A MongoDB outage in the middle of a restore, played with a TCP proxy between the
 * service and the test server: the connection is cut while the versions go in, so
 * the insert fails and so does the rollback. Nothing may be lost, the restore must be
 * undone once the database is back, and no new restore may start before that.
 */
let env: TestServices;
let cut: CuttableDb;
beforeAll(async () => {
  env = await startServices();
  cut = await connectThroughProxy(env.uri, env.dbName);
});
afterEach(() => cut.proxy.heal());
afterAll(async () => {
  await cut?.close();
  await env?.stop();
});

const journals = () => env.db.collection("restore_journals");

/** Services over the cut-able connection; `onBatch` runs before each bulk batch (2 versions each). */
function servicesThroughProxy(onBatch: (batch: number) => void, leaseMs = 60_000) {
  return servicesCutBetweenBatches(cut.db, env.events, onBatch, { leaseMs, rollbackRetry: { firstMs: 50, maxMs: 200 } });
}

/** Every version of the user's files (read over the direct connection). */
async function snapshot(userId: number) {
  const docs = await env.db.collection("files").find({ userId }, { sort: { fileName: 1, version: 1 } }).toArray();
  return docs.map((d) => `${d.fileName}@${d.version}:${d.sha256}`);
}

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const archive = () => plainZip(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`n${i}.py`, `n = ${i}\n`])));

describe("a MongoDB outage mid-restore", () => {
  it("insert and rollback both fail: the journal keeps the truth, the rollback is retried until the library is exactly as before", async () => {
    const user = 1400;
    await env.services.files.save(user, { fileName: "keep.py", content: "keep = 1\n" });
    const before = await snapshot(user);
    const services = servicesThroughProxy((batch) => {
      if (batch === 3) cut.proxy.cut(); // two batches are in; the third never arrives
    });
    const undone: number[] = [];
    services.restore.onDeferredRollback((u) => undone.push(u));
    const sent = await sentZip(services.restore, user, await archive());

    const failure = await services.restore.apply(user, sent, {}).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RestoreError);
    expect((failure as RestoreError).code).toBe("rollback_pending");

    // Half-restored while the database is away, and the journal says so.
    const journal = await journals().findOne({ userId: user });
    expect(journal?.status).toBe("applying");
    expect(await env.db.collection("files").countDocuments({ userId: user, restoreId: journal!._id })).toBe(4);
    expect(await env.db.collection("backups").countDocuments({ userId: user, type: "emergency" })).toBe(1);

    // Another instance (or this user again) cannot start a new restore on top of the half-done one.
    const other = createServices({ db: env.db, events: env.events });
    await expect(other.restore.preview(user, sent)).rejects.toMatchObject({ code: "previous_restore_pending" });
    await expect(other.restore.apply(user, sent, {})).rejects.toMatchObject({ code: "previous_restore_pending" });

    // The database comes back: the background retry finishes the rollback and says so.
    cut.proxy.heal();
    await waitUntil(async () => (await journals().findOne({ _id: journal!._id }))?.status === "rolled_back", "the rollback is done");
    await waitUntil(async () => undone.length > 0, "the user is told");
    expect(undone).toEqual([user]);
    expect(await snapshot(user)).toEqual(before);
    expect(await env.db.collection("backups").countDocuments({ userId: user, type: "emergency" })).toBe(1);

    // Now a restore starts again, and the files count as new (not "unchanged" half-restored leftovers).
    const again = await other.restore.apply(user, sent, {});
    expect(again).toMatchObject({ new: 8, unchanged: 0 });
  }, 30_000);

  it("a crash-recovery rollback that fails once is tried again once its lease runs out, not left rolling_back", async () => {
    const user = 1401;
    await env.services.files.save(user, { fileName: "keep.py", content: "keep = 2\n" });
    const before = await snapshot(user);
    // A restore whose process died half-way (another instance, no heartbeat for long).
    const restoreId = new ObjectId();
    await env.services.bulk.addVersionsInBulk(user, [{ fileName: "half.py", content: "x\n", tags: [], note: "" }], restoreId);
    const old = new Date(Date.now() - 600_000);
    await journals().insertOne({ _id: restoreId, userId: user, status: "applying", startedAt: old, instanceId: "dead", heartbeatAt: old });

    const leaseMs = 300;
    const services = servicesThroughProxy(() => {}, leaseMs);
    const removeRestored = services.bulk.removeRestored.bind(services.bulk);
    let attempts = 0;
    services.bulk.removeRestored = async (u, id) => {
      if (++attempts === 1) cut.proxy.cut(); // the outage starts right after the journal was claimed
      return removeRestored(u, id);
    };
    expect(await services.restore.recoverInterrupted()).toEqual([]);
    const stuck = await journals().findOne({ _id: restoreId });
    expect(stuck?.status).toBe("rolling_back");
    expect(await snapshot(user)).not.toEqual(before);

    cut.proxy.heal();
    await waitUntil(async () => Date.now() > stuck!.heartbeatAt.getTime() + leaseMs, "the recovery lease has run out");
    expect(await services.restore.recoverInterrupted()).toEqual([user]);
    expect(await journals().findOne({ _id: restoreId })).toMatchObject({ status: "rolled_back" });
    expect(await snapshot(user)).toEqual(before);
  }, 30_000);

  it("recovery also rolls back this instance's own journals that nothing is working on any more", async () => {
    const user = 1402;
    const restoreId = new ObjectId();
    await env.services.bulk.addVersionsInBulk(user, [{ fileName: "own.py", content: "x\n", tags: [], note: "" }], restoreId);
    const service = createServices({ db: env.db, events: env.events, restoreLeaseMs: 1000 }).restore;
    const old = new Date(Date.now() - 60_000);
    await journals().insertOne({ _id: restoreId, userId: user, status: "rolling_back", startedAt: old, instanceId: service.instanceId, heartbeatAt: old });
    expect(await service.recoverInterrupted()).toEqual([user]);
    expect(await env.db.collection("files").countDocuments({ restoreId })).toBe(0);
  });
});

describe("a failed emergency backup", () => {
  it("is its own error: nothing was restored and the library is as it was", async () => {
    const user = 1410;
    await env.services.files.save(user, { fileName: "keep.py", content: "keep = 3\n" });
    const before = await snapshot(user);
    const services = createServices({ db: env.db, events: env.events });
    services.backups.create = async () => {
      throw new Error("GridFS is full");
    };
    const restore = new RestoreService({ db: env.db, files: services.files, bulk: services.bulk, backups: services.backups, events: env.events });
    await expect(restore.apply(user, await sentZip(restore, user, await archive()), {})).rejects.toMatchObject({ code: "emergency_failed" });
    expect(await snapshot(user)).toEqual(before);
    expect(await journals().countDocuments({ userId: user })).toBe(0);
  });
});
