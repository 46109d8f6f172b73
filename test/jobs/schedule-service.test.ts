import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB } from "../../src/jobs/job-types.js";
import { cronFor, ScheduleError } from "../../src/jobs/schedule-rules.js";
import type { DriveScheduler } from "../../src/jobs/scheduler.js";
import { startMongo, type TestMongo } from "../support/mongo.js";
import { FakeRunner, jobs, scheduleDoc, startScheduler, type Notice } from "./scheduler-harness.js";

let mongo: TestMongo;
let scheduler: DriveScheduler;

beforeAll(async () => {
  mongo = await startMongo();
  // Not started: setting schedules needs no processing, and nothing may run here.
  scheduler = startScheduler(mongo.db, { runner: new FakeRunner(), notices: [] as Notice[], defaultTimezone: "Asia/Jerusalem" });
  await scheduler.agenda.ready;
});

afterAll(async () => {
  await mongo?.stop();
});

function hourIn(date: Date, timeZone: string): { hour: number; weekday: string; day: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", hourCycle: "h23", weekday: "short", day: "numeric" }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { hour: Number(get("hour")), weekday: get("weekday"), day: Number(get("day")) };
}

describe("schedules", () => {
  it("calendar crons for daily, weekly and monthly", () => {
    expect(cronFor({ frequency: "daily", hour: 3, weekday: 0 })).toBe("0 3 * * *");
    expect(cronFor({ frequency: "weekly", hour: 3, weekday: 0 })).toBe("0 3 * * 0");
    expect(cronFor({ frequency: "monthly", hour: 3, weekday: 0 })).toBe("0 3 1 * *");
  });

  it("daily at the default 03:00 in the default time zone, next run in the future", async () => {
    const view = await scheduler.schedules.set(1, { frequency: "daily" });
    expect(view).toMatchObject({ frequency: "daily", hour: 3, timezone: "Asia/Jerusalem", paused: false, successMessage: true, lastResult: null });
    expect(view!.nextRunAt!.getTime()).toBeGreaterThan(Date.now());
    expect(view!.nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now() + 86_400_000);
    expect(hourIn(view!.nextRunAt!, "Asia/Jerusalem").hour).toBe(3);
    const doc = await scheduleDoc(mongo.db, 1);
    expect(doc).toMatchObject({ name: JOB.backup, repeatInterval: "0 3 * * *", repeatTimezone: "Asia/Jerusalem", data: { userId: 1 } });
  });

  it("daily → weekly (Friday 22:00, New York) keeps ONE job document and what the runs recorded", async () => {
    await scheduler.schedules.set(2, { frequency: "daily" });
    const first = await scheduleDoc(mongo.db, 2);
    const lastResult = { status: "unchanged", at: new Date("2026-01-01T03:00:00Z"), trigger: "scheduled" };
    await jobs(mongo.db).updateOne({ _id: first!._id }, { $set: { "data.lastResult": lastResult } });

    const view = await scheduler.schedules.set(2, { frequency: "weekly", weekday: 5, hour: 22, timezone: "america/new_york" });
    const docs = await jobs(mongo.db).find({ name: JOB.backup, "data.userId": 2 }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]!._id).toEqual(first!._id);
    expect(docs[0]).toMatchObject({ repeatInterval: "0 22 * * 5", repeatTimezone: "America/New_York" });
    expect(view).toMatchObject({ frequency: "weekly", weekday: 5, hour: 22, timezone: "America/New_York", lastResult });
    expect(hourIn(view!.nextRunAt!, "America/New_York")).toMatchObject({ hour: 22, weekday: "Fri" });

    const monthly = await scheduler.schedules.set(2, { frequency: "monthly" });
    // The zone chosen before stays; the hour goes back to the default.
    expect(monthly).toMatchObject({ frequency: "monthly", hour: 3, timezone: "America/New_York" });
    expect(hourIn(monthly!.nextRunAt!, "America/New_York")).toMatchObject({ hour: 3, day: 1 });
    expect(await jobs(mongo.db).countDocuments({ name: JOB.backup, "data.userId": 2 })).toBe(1);
  });

  it("off removes the job; get says there is no schedule", async () => {
    await scheduler.schedules.set(3, { frequency: "weekly" });
    expect(await scheduler.schedules.set(3, { frequency: "off" })).toBeNull();
    expect(await scheduleDoc(mongo.db, 3)).toBeNull();
    expect(await scheduler.schedules.get(3)).toBeNull();
  });

  it("rejects a bad hour, weekday or time zone and changes nothing", async () => {
    await scheduler.schedules.set(4, { frequency: "daily", hour: 5 });
    for (const [choice, field] of [
      [{ frequency: "daily", hour: 24 }, "hour"],
      [{ frequency: "daily", hour: 2.5 }, "hour"],
      [{ frequency: "weekly", weekday: 7 }, "weekday"],
      [{ frequency: "daily", timezone: "Mars/Olympus_Mons" }, "timezone"],
      [{ frequency: "hourly" }, "frequency"],
    ] as const) {
      const err = await scheduler.schedules.set(4, choice as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScheduleError);
      expect((err as ScheduleError).field).toBe(field);
    }
    expect(await scheduler.schedules.get(4)).toMatchObject({ frequency: "daily", hour: 5 });
  });

  it("two saves racing for one user leave one job (unique index on name + data.userId)", async () => {
    await scheduler.start(); // creates the index; nothing is due
    try {
      await Promise.all([
        scheduler.schedules.set(5, { frequency: "daily" }),
        scheduler.schedules.set(5, { frequency: "weekly" }),
        scheduler.schedules.set(5, { frequency: "monthly" }),
      ]);
      expect(await jobs(mongo.db).countDocuments({ name: JOB.backup, "data.userId": 5 })).toBe(1);
      const dup = await jobs(mongo.db).insertOne({ name: JOB.backup, data: { userId: 5 } }).catch((e: unknown) => e);
      expect((dup as { code?: number }).code).toBe(11000);
    } finally {
      await scheduler.stop();
    }
  });

  it("the quiet ✅ line is a setting, on by default, kept when the schedule changes", async () => {
    await scheduler.schedules.set(6, { frequency: "daily" });
    expect(await scheduler.schedules.setSuccessMessage(6, false)).toBe(true);
    expect(await scheduler.schedules.set(6, { frequency: "weekly" })).toMatchObject({ successMessage: false });
    expect(await scheduler.schedules.setSuccessMessage(999, false)).toBe(false);
  });
});
