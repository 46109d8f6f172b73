import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JOB } from "../../src/jobs/job-types.js";
import type { DriveScheduler } from "../../src/jobs/scheduler.js";
import { startMongo, type TestMongo } from "../support/mongo.js";
import { FakeDriveError, FakeRunner, makeDue, scheduleDoc, startScheduler, waitFor, type Notice } from "./scheduler-harness.js";

/** Agenda for real against the test MongoDB: 100 ms polls, 40 ms first retry, backdated nextRunAt. */

let mongo: TestMongo;
let runner: FakeRunner;
let notices: Notice[];
let scheduler: DriveScheduler;

beforeEach(async () => {
  mongo = await startMongo();
  runner = new FakeRunner();
  notices = [];
  scheduler = startScheduler(mongo.db, { runner, notices });
  await scheduler.start();
});

afterEach(async () => {
  await scheduler.stop({ timeoutMs: 2000 });
  await mongo.stop();
});

const transient = () => new FakeDriveError("server", "transient");
const kinds = (userId: number) => notices.filter((n) => n.userId === userId).map((n) => n.notice.kind);

async function lastResult(userId: number, status: string) {
  return waitFor(async () => {
    const doc = await scheduleDoc(mongo.db, userId);
    return doc?.data.lastResult?.status === status ? doc : null;
  }, `lastResult ${status}`);
}

describe("scheduled runs", () => {
  it("a run missed for three days runs once at start-up, uploads once, says ✅ and is next due at the next 03:00", async () => {
    await scheduler.schedules.set(1, { frequency: "daily" });
    await makeDue(mongo.db, 1, 3);
    const doc = await lastResult(1, "uploaded");
    await waitFor(() => notices.length === 1, "the ✅ notice");

    expect(runner.callsFor(1)).toHaveLength(1);
    expect(runner.uploadsSent).toBe(1);
    expect(notices).toEqual([{ userId: 1, notice: expect.objectContaining({ kind: "uploaded", trigger: "scheduled", reused: false }) }]);
    expect(doc.data.pending).toBeNull();
    expect(doc.data.lastSuccessAt).toBeInstanceOf(Date);
    expect(doc.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    expect(doc.nextRunAt.getUTCHours()).toBe(3);
    const view = await scheduler.schedules.get(1);
    expect(view).toMatchObject({ lastResult: { status: "uploaded", backupId: doc.data.lastResult.backupId }, paused: false });
  });

  it("unchanged library: recorded, nothing uploaded; with the ✅ setting off, nothing said", async () => {
    await scheduler.schedules.set(2, { frequency: "weekly", successMessage: false });
    runner.script(2, "unchanged");
    await makeDue(mongo.db, 2);
    const doc = await lastResult(2, "unchanged");
    expect(runner.uploadsSent).toBe(0);
    expect(doc.data.lastSuccessAt).toBeInstanceOf(Date);
    expect(notices).toEqual([]);

    await scheduler.schedules.setSuccessMessage(2, true);
    await makeDue(mongo.db, 2);
    await waitFor(() => notices.length === 1, "the unchanged notice");
    expect(notices[0]!.notice).toEqual({ kind: "unchanged", backupId: "unchanged-backup" });
  });

  it("two transient failures, then success: one backup, one key, one copy on Drive, one message", async () => {
    await scheduler.schedules.set(3, { frequency: "daily" });
    runner.script(3, transient(), transient(), "upload");
    await makeDue(mongo.db, 3);
    const doc = await lastResult(3, "uploaded");
    await waitFor(() => notices.length === 1, "the ✅ notice");

    const calls = runner.callsFor(3);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(calls[0]!.backupIdForRetry).toBeUndefined();
    const backupId = doc.data.lastResult.backupId;
    expect(calls.slice(1).map((c) => c.backupIdForRetry)).toEqual([backupId, backupId]);
    expect(runner.uploadsSent).toBe(1);
    expect([...runner.copies.values()]).toEqual([backupId]);
    expect(kinds(3)).toEqual(["uploaded"]);
    // Agenda 6.2.6 resets failCount after a success (upstream #1721), in its own save after our handler.
    const finished = await waitFor(async () => {
      const d = await scheduleDoc(mongo.db, 3);
      return d && !d.lockedAt && d.lastFinishedAt >= d.lastRunAt ? d : null;
    }, "Agenda's final save");
    expect(finished.failCount ?? 0).toBe(0);
    expect(doc._id).toEqual(finished._id);
  });

  it("tries run out: exactly one 'failed' message naming the kept backup; the next bad day is retried again", async () => {
    await scheduler.schedules.set(4, { frequency: "daily" });
    runner.script(4, transient());
    await makeDue(mongo.db, 4);
    const doc = await lastResult(4, "failed");
    await waitFor(() => notices.length === 1, "the failed notice");

    const calls = runner.callsFor(4);
    expect(calls).toHaveLength(5);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    const backupId = calls[1]!.backupIdForRetry!;
    expect(notices).toEqual([{ userId: 4, notice: { kind: "failed", trigger: "scheduled", code: "server", attempts: 5, backupId } }]);
    expect(doc.data).toMatchObject({ pending: null, lastResult: { status: "failed", attempts: 5, backupId, code: "server" } });
    expect(doc.nextRunAt.getTime()).toBeGreaterThan(Date.now()); // still scheduled for tomorrow

    // Tomorrow is another bad day: a fresh slot (new key) gets its five tries, not one.
    await makeDue(mongo.db, 4);
    await waitFor(() => notices.length === 2, "the second day's failed notice");
    const second = runner.callsFor(4).slice(5);
    expect(second).toHaveLength(5);
    expect(second[0]!.idempotencyKey).not.toBe(calls[0]!.idempotencyKey);
    expect(second[0]!.backupIdForRetry).toBeUndefined();
    expect(runner.uploadsSent).toBe(0);
    expect(kinds(4)).toEqual(["failed", "failed"]);

    // 🔁 Try now: that backup, under the failed slot's key, with fresh tries.
    runner.script(4, transient(), "upload");
    const failedBackup = second[1]!.backupIdForRetry!;
    await scheduler.schedules.tryNow(4, failedBackup);
    await waitFor(() => kinds(4).length === 3, "the try-now result");
    const tries = runner.callsFor(4).slice(10);
    expect(tries.map((c) => [c.idempotencyKey, c.backupIdForRetry, c.trigger])).toEqual([
      [second[0]!.idempotencyKey, failedBackup, "retry"],
      [second[0]!.idempotencyKey, failedBackup, "retry"],
    ]);
    expect(notices[2]!.notice).toMatchObject({ kind: "uploaded", trigger: "retry", backupId: failedBackup });
    expect([...runner.copies.entries()]).toEqual([[second[0]!.idempotencyKey, failedBackup]]);
  });

  it("a recurring job that failed then succeeded retries again on its next bad day", async () => {
    await scheduler.schedules.set(5, { frequency: "daily" });
    runner.script(5, transient(), "upload", transient(), transient(), "upload");
    await makeDue(mongo.db, 5);
    await lastResult(5, "uploaded");
    await makeDue(mongo.db, 5);
    await waitFor(async () => runner.callsFor(5).length === 5 && (await scheduleDoc(mongo.db, 5))?.data.lastResult.status === "uploaded", "day two's success");
    expect(kinds(5)).toEqual(["uploaded", "uploaded"]);
    expect(runner.uploadsSent).toBe(2);
  });

  it("revoked grant: paused (kept), one reconnect message, no retry; resume runs it again", async () => {
    await scheduler.schedules.set(6, { frequency: "daily" });
    runner.script(6, new FakeDriveError("revoked", "needs_user"), "upload");
    await makeDue(mongo.db, 6);
    await waitFor(() => notices.length === 1, "the reconnect notice");
    const doc = await lastResult(6, "needs_user");
    expect(doc.disabled).toBe(true);
    expect(doc.data.pausedReason).toBe("reconnect");
    expect(notices[0]!.notice).toMatchObject({ kind: "needs_reconnect", schedulePaused: true });
    expect(await scheduler.schedules.get(6)).toMatchObject({ paused: true, nextRunAt: null, frequency: "daily" });
    // Changing a paused schedule keeps it paused (only reconnecting resumes it).
    expect(await scheduler.schedules.set(6, { frequency: "weekly" })).toMatchObject({ paused: true, frequency: "weekly" });
    expect(await scheduler.schedules.set(6, { frequency: "daily" })).toMatchObject({ paused: true, frequency: "daily" });
    expect(runner.callsFor(6)).toHaveLength(1);

    // Paused: a due time passes without a run (the try-now below runs on a later poll).
    await makeDue(mongo.db, 6);
    expect(await scheduler.schedules.tryNow(6, doc.data.lastResult.backupId)).toBeUndefined();
    await waitFor(() => kinds(6).includes("uploaded"), "the try-now upload");
    expect(runner.callsFor(6)).toHaveLength(2);
    expect(runner.callsFor(6)[1]!.trigger).toBe("retry");

    expect(await scheduler.schedules.resume(6)).toBe(true);
    runner.script(6, "upload");
    await waitFor(() => runner.callsFor(6).length === 3, "the resumed schedule's run");
    await lastResult(6, "uploaded");
    expect((await scheduler.schedules.get(6))!.paused).toBe(false);
    expect(kinds(6)).toEqual(["needs_reconnect", "uploaded", "uploaded"]);
  });

  it("full Drive: one message with the sizes, not repeated the next day, no retry, schedule kept running", async () => {
    await scheduler.schedules.set(7, { frequency: "daily" });
    const full = new FakeDriveError("quota", "needs_user", { usedBytes: 15e9, limitBytes: 15e9, backupBytes: 2e6 });
    runner.script(7, full);
    await makeDue(mongo.db, 7);
    await lastResult(7, "needs_user");
    await waitFor(() => notices.length === 1, "the drive-full notice");
    expect(notices[0]!.notice).toMatchObject({ kind: "drive_full", storage: { usedBytes: 15e9, limitBytes: 15e9, backupBytes: 2e6 } });
    expect((await scheduleDoc(mongo.db, 7))!.disabled).not.toBe(true);

    await makeDue(mongo.db, 7);
    await waitFor(() => runner.callsFor(7).length === 2, "day two's run");
    await waitFor(async () => ((await scheduleDoc(mongo.db, 7))!.nextRunAt.getTime() > Date.now() ? true : null), "day two finished");
    expect(kinds(7)).toEqual(["drive_full"]);
  });

  it("a manual upload that failed transiently is retried as a one-off job with the same backup and key", async () => {
    const at = await scheduler.schedules.retryUpload(8, { backupId: "b".repeat(24), idempotencyKey: "backup-bbb" });
    expect(at!.getTime()).toBeGreaterThan(Date.now() - 1000);
    runner.script(8, transient(), "upload");
    await waitFor(() => kinds(8).includes("uploaded"), "the retried upload");
    const calls = runner.callsFor(8);
    expect(calls.map((c) => [c.idempotencyKey, c.backupIdForRetry, c.trigger])).toEqual([
      ["backup-bbb", "b".repeat(24), "retry"],
      ["backup-bbb", "b".repeat(24), "retry"],
    ]);
    expect(notices).toEqual([{ userId: 8, notice: expect.objectContaining({ kind: "uploaded", trigger: "retry", backupId: "b".repeat(24) }) }]);
    // The one-off is removed once done.
    await waitFor(async () => (await mongo.db.collection("agendaJobs").countDocuments({ name: JOB.uploadRetry, "data.userId": 8 })) === 0, "the one-off removed");
    // A manual upload that already had its five tries is not retried.
    expect(await scheduler.schedules.retryUpload(8, { backupId: "c".repeat(24), idempotencyKey: "k", attemptsMade: 5 })).toBeNull();
  });
});
