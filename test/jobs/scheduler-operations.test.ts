import { Events } from "../../src/events.js";
import { createLogger } from "../../src/logger.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JOB } from "../../src/jobs/job-types.js";
import type { DriveScheduler } from "../../src/jobs/scheduler.js";
import { startMongo, type TestMongo } from "../support/mongo.js";
import { FakeChecker, FakeRunner, jobs, makeDue, scheduleDoc, startScheduler, waitFor, type Notice } from "./scheduler-harness.js";

/** Running for real: two processes, a shutdown mid-upload, the overdue warning, health and metrics, the self-check. */

let mongo: TestMongo;
const running: DriveScheduler[] = [];

beforeEach(async () => {
  mongo = await startMongo();
});

afterEach(async () => {
  for (const s of running.splice(0)) await s.stop({ timeoutMs: 2000 });
  await mongo.stop();
});

async function start(s: DriveScheduler): Promise<DriveScheduler> {
  running.push(s);
  await s.start();
  return s;
}

describe("running for real", () => {
  it("two instances on one database run each due job exactly once", async () => {
    const runner = new FakeRunner();
    const notices: Notice[] = [];
    const [a, b] = await Promise.all([start(startScheduler(mongo.db, { runner, notices })), start(startScheduler(mongo.db, { runner, notices }))]);
    expect(await jobs(mongo.db).countDocuments({ name: JOB.overdueCheck })).toBe(1);
    const users = Array.from({ length: 12 }, (_, i) => 100 + i);
    for (const u of users) await a.schedules.set(u, { frequency: "daily" });
    for (const u of users) await makeDue(mongo.db, u, 1);
    await waitFor(async () => (await jobs(mongo.db).countDocuments({ name: JOB.backup, "data.lastResult.status": "uploaded" })) === users.length, "every user's run");

    expect(runner.calls.map((c) => c.userId).sort()).toEqual(users);
    expect(runner.uploadsSent).toBe(users.length);
    expect(notices.map((n) => n.userId).sort()).toEqual(users);
    // Both processes took part (each job locked by whichever got it first).
    const owners = new Set((await jobs(mongo.db).find({ name: JOB.backup }).toArray()).map((d) => d.lastModifiedBy));
    expect(owners).toEqual(new Set([a.name, b.name]));
  });

  it("a shutdown mid-upload: the run is stopped, runs again after the restart with the same backup and key, one copy", async () => {
    const runner = new FakeRunner();
    const notices: Notice[] = [];
    const first = await start(startScheduler(mongo.db, { runner, notices }));
    await first.schedules.set(1, { frequency: "daily" });
    runner.script(1, "block", "upload");
    await makeDue(mongo.db, 1);
    await waitFor(() => runner.blockedCount === 1, "the upload in progress");

    await first.stop({ timeoutMs: 100, graceMs: 2000 });
    running.splice(running.indexOf(first), 1);
    const stopped = await scheduleDoc(mongo.db, 1);
    expect(stopped!.lockedAt).toBeNull();
    expect(stopped!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(stopped!.data.pending).toMatchObject({ attempt: 0, idempotencyKey: runner.calls[0]!.idempotencyKey });
    expect(runner.uploadsSent).toBe(0);
    expect(notices).toEqual([]);

    const second = await start(startScheduler(mongo.db, { runner, notices }));
    await waitFor(async () => (await scheduleDoc(mongo.db, 1))?.data.lastResult?.status === "uploaded", "the run after the restart");
    const [before, after] = runner.callsFor(1);
    expect(after!.idempotencyKey).toBe(before!.idempotencyKey);
    expect(after!.backupIdForRetry).toBe(stopped!.data.pending.backupId);
    expect(runner.uploadsSent).toBe(1);
    await waitFor(() => notices.length === 1, "the ✅ notice");
    expect(notices[0]!.notice).toMatchObject({ kind: "uploaded", backupId: stopped!.data.pending.backupId });
    expect(second.name).not.toBe(first.name);
  });

  it("a shutdown while an upload can still finish waits for it (drain): done once, nothing left to rerun", async () => {
    const runner = new FakeRunner();
    const notices: Notice[] = [];
    const s = await start(startScheduler(mongo.db, { runner, notices }));
    await s.schedules.set(1, { frequency: "daily" });
    runner.script(1, "block", "upload");
    await makeDue(mongo.db, 1);
    await waitFor(() => runner.blockedCount === 1, "the upload in progress");

    const stopping = s.stop({ timeoutMs: 10_000 });
    running.splice(running.indexOf(s), 1);
    runner.release();
    await stopping;
    const doc = await scheduleDoc(mongo.db, 1);
    expect(doc).toMatchObject({ lockedAt: null, data: { pending: null, lastResult: { status: "uploaded" } } });
    expect(doc!.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    expect(runner.uploadsSent).toBe(1);
    expect(notices.map((n) => n.notice.kind)).toEqual(["uploaded"]);
  });

  it("a run longer than the lock lifetime keeps its lock (touch): the other process does not run it too", async () => {
    const runner = new FakeRunner();
    const notices: Notice[] = [];
    const lockLifetimeMs = 400;
    const a = await start(startScheduler(mongo.db, { runner, notices, lockLifetimeMs }));
    await start(startScheduler(mongo.db, { runner, notices, lockLifetimeMs }));
    await a.schedules.set(1, { frequency: "daily" });
    runner.script(1, "block", "upload");
    await makeDue(mongo.db, 1);
    await waitFor(() => runner.blockedCount === 1, "the long upload");
    const began = (await scheduleDoc(mongo.db, 1))!.lastRunAt as Date;
    // Wait until the run has lasted three lock lifetimes, the lock touched meanwhile.
    await waitFor(async () => {
      const doc = await scheduleDoc(mongo.db, 1);
      return doc!.lockedAt && doc!.lockedAt.getTime() - began.getTime() > 3 * lockLifetimeMs ? doc : null;
    }, "three lock lifetimes of touches");
    expect(runner.callsFor(1)).toHaveLength(1);
    runner.release();
    await waitFor(() => notices.length === 1, "the ✅ notice");
    expect(runner.callsFor(1)).toHaveLength(1);
    expect(runner.uploadsSent).toBe(1);
  });

  it("never silent: no success for two periods tells the user once; again only after a success", async () => {
    const runner = new FakeRunner();
    const notices: Notice[] = [];
    const s = await start(startScheduler(mongo.db, { runner, notices, overdueCheckEveryMs: 60 }));
    await s.schedules.set(1, { frequency: "daily" });
    await s.schedules.set(2, { frequency: "weekly" });
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    // User 1 (daily): last success three days ago. User 2 (weekly): set three days ago, never succeeded — not yet overdue.
    await jobs(mongo.db).updateOne({ "data.userId": 1 }, { $set: { "data.lastSuccessAt": threeDaysAgo } });
    await jobs(mongo.db).updateOne({ "data.userId": 2 }, { $set: { "data.since": threeDaysAgo } });

    await waitFor(() => notices.length === 1, "the overdue notice");
    expect(notices[0]).toEqual({ userId: 1, notice: { kind: "overdue", frequency: "daily", lastSuccessAt: threeDaysAgo, since: expect.any(Date) } });
    const checks = async () => (await jobs(mongo.db).findOne({ name: JOB.overdueCheck }))!.lastRunAt as Date;
    const seen = await checks();
    await waitFor(async () => (await checks()) > seen && (await checks()).getTime() - seen.getTime() >= 120, "two more checks");
    expect(notices).toHaveLength(1);

    // A success resets it; overdue again later tells again.
    await makeDue(mongo.db, 1);
    await waitFor(() => notices.length === 2, "the ✅ notice");
    expect((await scheduleDoc(mongo.db, 1))!.data.overdueNotifiedAt).toBeNull();
    await jobs(mongo.db).updateOne({ "data.userId": 1 }, { $set: { "data.lastSuccessAt": threeDaysAgo } });
    await waitFor(() => notices.length === 3, "the second overdue notice");
    expect(notices.map((n) => n.notice.kind)).toEqual(["overdue", "uploaded", "overdue"]);
  });

  it("/health is degraded while a job is overdue by more than 10 minutes; /metrics counts runs and uploads", async () => {
    const runner = new FakeRunner();
    const events = new Events(createLogger("silent"));
    const registry = events.registry;
    const s = startScheduler(mongo.db, { runner, notices: [], events });
    await s.schedules.set(1, { frequency: "daily" });
    await makeDue(mongo.db, 1);
    await jobs(mongo.db).updateOne({ "data.userId": 1 }, { $set: { nextRunAt: new Date(Date.now() - 30 * 60_000) } });
    // Not started yet (as if no process were running the jobs): degraded.
    expect(await s.health()).toMatchObject({ status: "degraded", running: false, overdueJobs: 1 });
    expect((await s.health()).oldestOverdueSeconds).toBeGreaterThanOrEqual(30 * 60 - 5);
    expect(await registry.getSingleMetricAsString("codevault_scheduler_oldest_overdue_seconds")).toMatch(/codevault_scheduler_oldest_overdue_seconds (1[89]\d\d)/);

    await start(s);
    await waitFor(async () => (await scheduleDoc(mongo.db, 1))?.data.lastResult?.status === "uploaded", "the run");
    await waitFor(async () => ((await s.health()).status === "ok" ? true : null), "health ok");
    expect(await s.health()).toEqual({ status: "ok", running: true, overdueJobs: 0, oldestOverdueSeconds: 0 });
    const text = await registry.metrics();
    expect(text).toContain('codevault_scheduled_runs_total{job="drive-backup",result="uploaded"} 1');
    expect(text).toContain('codevault_drive_uploads_total{trigger="scheduled",result="uploaded"} 1');
    expect(await events.count("scheduled_upload_done")).toBe(1);
  });

  it("weekly self-check: asks the checker about each user, tells those with problems, one user's error does not stop the rest", async () => {
    const notices: Notice[] = [];
    const checker = new FakeChecker(
      new Map<number, Awaited<ReturnType<FakeChecker["check"]>> | Error>([
        [1, { problems: [], pruned: 2 }],
        [2, new Error("Drive is down")],
        [3, { problems: [{ kind: "drive_copy_mismatch", backupId: "x".repeat(24) }] }],
      ]),
    );
    const s = await start(startScheduler(mongo.db, { runner: new FakeRunner(), notices, checker }));
    const job = await jobs(mongo.db).findOne({ name: JOB.selfCheck });
    expect(job).toMatchObject({ repeatInterval: "0 4 * * 0", repeatTimezone: "UTC" });
    expect(job!.nextRunAt.getTime()).toBeGreaterThan(Date.now());
    expect(job!.nextRunAt.getUTCDay()).toBe(0);

    await jobs(mongo.db).updateOne({ name: JOB.selfCheck }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
    const done = await waitFor(async () => (await jobs(mongo.db).findOne({ name: JOB.selfCheck, "data.lastResult": { $exists: true } })) ?? null, "the self-check");
    expect(done.data.lastResult).toMatchObject({ users: 3, withProblems: 1, errors: 1, pruned: 2 });
    expect(checker.checked).toEqual([1, 2, 3]);
    expect(notices).toEqual([{ userId: 3, notice: { kind: "self_check", problems: [{ kind: "drive_copy_mismatch", backupId: "x".repeat(24) }] } }]);
    // A restart does not push the weekly check back or make a second one.
    await s.stop();
    running.splice(running.indexOf(s), 1);
    await start(startScheduler(mongo.db, { runner: new FakeRunner(), notices, checker }));
    expect(await jobs(mongo.db).countDocuments({ name: JOB.selfCheck })).toBe(1);
  });
});
