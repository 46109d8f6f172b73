import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JOB } from "../../src/jobs/job-types.js";
import type { DriveScheduler } from "../../src/jobs/scheduler.js";
import { startMongo, type TestMongo } from "../support/mongo.js";
import { FakeDriveError, FakeRunner, jobs, makeDue, scheduleDoc, startScheduler, waitFor, type Notice } from "./scheduler-harness.js";

/** The two known edges: a schedule changed while its run is going, and one-off uploads that ended without a copy. */

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

const weekdayIn = (date: Date, timeZone: string) => new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" }).format(date);

describe("a schedule changed while its run is going", () => {
  it("the run records its backup and result, and the next run follows the new schedule, not the old one", async () => {
    await scheduler.schedules.set(1, { frequency: "daily", successMessage: true });
    runner.script(1, "block", "upload");
    await makeDue(mongo.db, 1);
    await waitFor(() => runner.blockedCount === 1, "the run in progress");
    const backupId = (await scheduleDoc(mongo.db, 1))!.data.pending.backupId as string;

    await scheduler.schedules.set(1, { frequency: "weekly", weekday: 5, hour: 22, successMessage: false });
    runner.release();
    const doc = await waitFor(async () => {
      const d = await scheduleDoc(mongo.db, 1);
      return d?.data.lastResult?.status === "uploaded" && !d.lockedAt ? d : null;
    }, "the run to end");

    expect(doc.data.lastResult.backupId).toBe(backupId);
    expect(doc.data.pending).toBeNull();
    expect(doc).toMatchObject({ repeatInterval: "0 22 * * 5", data: { frequency: "weekly", weekday: 5, hour: 22, successMessage: false } });
    expect(weekdayIn(doc.nextRunAt, "UTC")).toBe("Fri");
    expect(doc.nextRunAt.getUTCHours()).toBe(22);
    // The quiet setting chosen during the run applies to it.
    expect(notices).toEqual([]);
    expect(await jobs(mongo.db).countDocuments({ name: JOB.backup, "data.userId": 1 })).toBe(1);
  });

  it("a slot waiting for its retry keeps its retry time when the hour changes", async () => {
    await scheduler.stop({ timeoutMs: 2000 });
    scheduler = startScheduler(mongo.db, { runner, notices, retryBaseMs: 60_000 });
    await scheduler.start();
    await scheduler.schedules.set(2, { frequency: "daily" });
    runner.script(2, new FakeDriveError("server", "transient"), "upload");
    await makeDue(mongo.db, 2);
    const retrying = await waitFor(async () => {
      const d = await scheduleDoc(mongo.db, 2);
      return d?.data.lastResult?.status === "retrying" && !d.lockedAt ? d : null;
    }, "the first try to fail");
    const retryAt = retrying.nextRunAt as Date;
    expect(retryAt.getTime() - Date.now()).toBeLessThan(2 * 60_000);

    await scheduler.schedules.set(2, { frequency: "daily", hour: 7 });
    const after = (await scheduleDoc(mongo.db, 2))!;
    expect(after.nextRunAt).toEqual(retryAt);
    expect(after.repeatInterval).toBe("0 7 * * *");
    expect(after.data.pending.backupId).toBe(retrying.data.pending.backupId);
  });
});

describe("one-off uploads that ended without a copy", () => {
  it("stay for Try now's key, then the hourly check removes those older than 30 days", async () => {
    runner.script(3, new FakeDriveError("boom", "bug"));
    await scheduler.schedules.retryUpload(3, { backupId: "a".repeat(24), idempotencyKey: "backup-aaa" });
    await waitFor(() => notices.some((n) => n.notice.kind === "failed"), "the failure notice");
    const left = await waitFor(async () => jobs(mongo.db).findOne({ name: JOB.uploadRetry, "data.userId": 3, "data.lastResult.status": "failed", lockedAt: null }), "the one-off recorded");
    expect(left.nextRunAt).toBeNull();
    // Still there when the hourly check runs now: 🔁 Try now reuses its key.
    await runOverdueCheck();
    expect(await jobs(mongo.db).countDocuments({ name: JOB.uploadRetry, "data.userId": 3 })).toBe(1);

    await jobs(mongo.db).updateOne({ _id: left._id }, { $set: { "data.lastResult.at": new Date(Date.now() - 31 * 86_400_000) } });
    await runOverdueCheck();
    expect(await jobs(mongo.db).countDocuments({ name: JOB.uploadRetry, "data.userId": 3 })).toBe(0);
  });
});

/** Makes the hourly check due and waits until it has run (its next run is in the future again). */
async function runOverdueCheck() {
  const before = (await jobs(mongo.db).findOne({ name: JOB.overdueCheck }))!.lastFinishedAt as Date | null;
  await jobs(mongo.db).updateOne({ name: JOB.overdueCheck }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
  await waitFor(async () => {
    const d = await jobs(mongo.db).findOne({ name: JOB.overdueCheck });
    return d && !d.lockedAt && d.lastFinishedAt && (!before || d.lastFinishedAt > before) && d.nextRunAt > new Date() ? d : null;
  }, "the overdue check");
}
