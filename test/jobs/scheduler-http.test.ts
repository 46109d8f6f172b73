import { afterEach, describe, expect, it } from "vitest";
import { Events } from "../../src/events.js";
import { startHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logger.js";
import { startMongo, type TestMongo } from "../support/mongo.js";
import { FakeRunner, jobs, makeDue, scheduleDoc, startScheduler, waitFor } from "./scheduler-harness.js";

/** /health and /metrics as main.ts serves them: the HTTP server over a real scheduler and the test MongoDB. */
let mongo: TestMongo | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await mongo?.stop();
});

describe("/health and /metrics with the scheduler", () => {
  it("a job overdue by more than 10 minutes: 200 and 'degraded' with the scheduler's state; ok again once it ran; counters and the gauge on /metrics", async () => {
    mongo = await startMongo();
    const db = mongo.db;
    const events = new Events(createLogger("silent"));
    const scheduler = startScheduler(db, { runner: new FakeRunner(), notices: [], events });
    const server = await startHttpServer({
      port: 0,
      metrics: events.registry,
      checkHealth: async () => (await db.command({ ping: 1 })).ok === 1,
      checkScheduler: () => scheduler.health(),
    });
    close = async () => {
      await scheduler.stop({ timeoutMs: 2000 });
      await server.close();
    };
    const url = `http://127.0.0.1:${server.port}`;
    await scheduler.schedules.set(5, { frequency: "daily" });
    await makeDue(db, 5);
    await jobs(db).updateOne({ "data.userId": 5 }, { $set: { nextRunAt: new Date(Date.now() - 20 * 60_000) } });

    // Not started (no process runs the jobs): degraded, but the bot still serves: 200.
    const degraded = await fetch(`${url}/health`);
    expect(degraded.status).toBe(200);
    const body = (await degraded.json()) as { status: string; mongo: string; scheduler: { status: string; running: boolean; overdueJobs: number; oldestOverdueSeconds: number } };
    expect(body).toMatchObject({ status: "degraded", mongo: "up", scheduler: { status: "degraded", running: false, overdueJobs: 1 } });
    expect(body.scheduler.oldestOverdueSeconds).toBeGreaterThanOrEqual(20 * 60 - 5);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^codevault_scheduler_oldest_overdue_seconds 1[12]\d\d$/m);

    await scheduler.start();
    await waitFor(async () => (await scheduleDoc(db, 5))?.data.lastResult?.status === "uploaded", "the run");
    await waitFor(async () => ((await (await fetch(`${url}/health`)).json()) as { status: string }).status === "ok", "health ok");
    expect(await (await fetch(`${url}/health`)).json()).toEqual({
      status: "ok",
      mongo: "up",
      scheduler: { status: "ok", running: true, overdueJobs: 0, oldestOverdueSeconds: 0 },
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('codevault_scheduled_runs_total{job="drive-backup",result="uploaded"} 1');
    expect(metrics).toContain('codevault_drive_uploads_total{trigger="scheduled",result="uploaded"} 1');
    expect(metrics).toMatch(/^codevault_scheduler_oldest_overdue_seconds 0$/m);
  });
});
