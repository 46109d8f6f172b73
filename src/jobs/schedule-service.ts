import type { Agenda } from "agenda";
import { MongoServerError, type Document } from "mongodb";
import type { JobStore } from "./job-store.js";
import { JOB, type BackupJobData, type LastResult, type PendingUpload } from "./job-types.js";
import { cronFor, toRule, type Frequency, type ScheduleChoice } from "./schedule-rules.js";
import type { UploadJobs } from "./upload-job.js";

/** What the Drive menu shows. */
export interface ScheduleView {
  frequency: Frequency;
  hour: number;
  weekday: number;
  timezone: string;
  successMessage: boolean;
  /** Kept but not running until Drive is reconnected (then resume). */
  paused: boolean;
  /** When it runs next (null while paused). */
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  lastResult: LastResult | null;
  lastSuccessAt: Date | null;
}

/**
 * A user's Drive schedule: one drive-backup job per user (data.userId), made with
 * create().repeatEvery(cron, { timezone, skipImmediate }).unique().save(); a change updates the
 * rule's fields of that one document. No Telegram here.
 */
export class ScheduleService {
  constructor(
    private readonly agenda: Agenda,
    private readonly store: JobStore,
    private readonly uploads: UploadJobs,
    private readonly defaults: { timezone: string },
  ) {}

  /** Sets, changes or (frequency "off") removes the schedule. Throws ScheduleError on a bad choice. */
  async set(userId: number, choice: ScheduleChoice): Promise<ScheduleView | null> {
    if (choice.frequency === "off") {
      await this.agenda.cancel({ name: JOB.backup, data: { userId } });
      return null;
    }
    const on = { ...choice, frequency: choice.frequency };
    for (let tries = 0; ; tries++) {
      const existing = await this.store.schedule(userId);
      try {
        // A change updates the one document; none (or gone meanwhile): create it.
        if (!existing || !(await this.change(existing, on))) await this.create(userId, on);
        return this.get(userId);
      } catch (err) {
        // Two saves raced to insert: the unique index kept one; this one now changes it.
        if (!(err instanceof MongoServerError && err.code === 11000) || tries > 0) throw err;
      }
    }
  }

  /** A new schedule: one job document, made the way Agenda's docs show (create → repeatEvery → unique → save). */
  private async create(userId: number, choice: ScheduleChoice & { frequency: Frequency }): Promise<void> {
    const rule = toRule(choice, this.defaults);
    const data: BackupJobData = {
      pending: null,
      lastResult: null,
      lastSuccessAt: null,
      overdueNotifiedAt: null,
      toldNeed: null,
      pausedReason: null,
      since: new Date(),
      ...rule,
      successMessage: choice.successMessage ?? true,
      userId,
    };
    await this.agenda
      .create<BackupJobData>(JOB.backup, data)
      .repeatEvery(cronFor(rule), { timezone: rule.timezone, skipImmediate: true })
      .unique({ "data.userId": userId })
      .save();
  }

  /**
   * A change sets only the rule's fields. save() would replace `data` as a whole (and unlock the
   * job), so a change while a run is going would drop what that run records (its backup, its
   * result); a run in progress adopts the new rule when it ends (UploadJobs.adoptRule). A slot
   * waiting for a retry keeps its earlier retry time. False when the document is gone meanwhile.
   */
  private async change(existing: Document, choice: ScheduleChoice & { frequency: Frequency }): Promise<boolean> {
    const old = existing.data as BackupJobData;
    const rule = toRule({ ...choice, timezone: choice.timezone ?? old.timezone }, this.defaults);
    const cron = cronFor(rule);
    const probe = this.agenda.create(JOB.backup, {}).repeatEvery(cron, { timezone: rule.timezone, skipImmediate: true });
    let nextRunAt = probe.attrs.nextRunAt as Date;
    const current = existing.nextRunAt as Date | null;
    if (old.pending && !existing.lockedAt && current && current < nextRunAt) nextRunAt = current;
    const res = await this.store.collection.updateOne(
      { _id: existing._id },
      {
        $set: {
          repeatInterval: cron,
          repeatTimezone: rule.timezone,
          nextRunAt,
          "data.frequency": rule.frequency,
          "data.hour": rule.hour,
          "data.weekday": rule.weekday,
          "data.timezone": rule.timezone,
          "data.successMessage": choice.successMessage ?? old.successMessage ?? true,
        },
      },
    );
    return res.matchedCount === 1;
  }

  /** Turns the quiet ✅ line after a scheduled run on or off. */
  async setSuccessMessage(userId: number, on: boolean): Promise<boolean> {
    const res = await this.store.collection.updateOne({ name: JOB.backup, "data.userId": userId }, { $set: { "data.successMessage": on } });
    return res.matchedCount === 1;
  }

  async get(userId: number): Promise<ScheduleView | null> {
    const doc = await this.store.schedule(userId);
    return doc ? toView(doc) : null;
  }

  /** After reconnecting Drive: the paused schedule runs again (a run missed meanwhile happens once, soon). */
  async resume(userId: number): Promise<boolean> {
    const res = await this.store.collection.updateOne(
      { name: JOB.backup, "data.userId": userId, disabled: true },
      { $set: { disabled: false, "data.pausedReason": null } },
    );
    return res.modifiedCount === 1;
  }

  /** Pauses without deleting (the scheduler does this itself on a revoked grant). */
  pause(userId: number): Promise<boolean> {
    return this.uploads.pauseSchedule(userId);
  }

  /**
   * A manual ⬆️ Upload now failed for a passing reason: retry it as a one-off job with the same
   * backoff and the same backup and key. `attemptsMade` tries already happened (default 1).
   * Returns when the next try is due, or null when it had all its tries.
   */
  async retryUpload(userId: number, upload: { backupId: string; idempotencyKey: string; attemptsMade?: number }): Promise<Date | null> {
    const attemptsMade = upload.attemptsMade ?? 1;
    const delay = this.uploads.retryDelay(attemptsMade);
    if (delay === null) return null;
    const at = new Date(Date.now() + delay);
    await this.oneOff(userId, { idempotencyKey: upload.idempotencyKey, backupId: upload.backupId, attempt: attemptsMade, startedAt: new Date() }, at);
    return at;
  }

  /**
   * 🔁 Try now (after "failed"): uploads that backup now, with fresh tries and the key of the
   * failed run, so a copy that did reach Drive is found instead of sent twice.
   */
  async tryNow(userId: number, backupId: string): Promise<void> {
    // No failed run recorded (e.g. removed after 30 days): a manual upload's key (drive-files.ts manualUploadKey).
    const key = (await this.failedKey(userId, backupId)) ?? `backup-${backupId}`;
    await this.oneOff(userId, { idempotencyKey: key, backupId, attempt: 0, startedAt: new Date() }, new Date());
  }

  private async oneOff(userId: number, pending: PendingUpload, at: Date): Promise<void> {
    await this.agenda
      .create(JOB.uploadRetry, { userId, backupId: pending.backupId, pending, lastResult: null })
      .unique({ "data.userId": userId, "data.backupId": pending.backupId })
      .schedule(at)
      .save();
  }

  private async failedKey(userId: number, backupId: string): Promise<string | undefined> {
    const docs = await this.store.collection
      .find({ name: { $in: [JOB.backup, JOB.uploadRetry] }, "data.userId": userId, "data.lastResult.backupId": backupId })
      .toArray();
    for (const doc of docs) {
      const key = (doc.data as { lastResult?: { idempotencyKey?: string } }).lastResult?.idempotencyKey;
      if (key) return key;
    }
    return undefined;
  }
}

function toView(doc: Document): ScheduleView {
  const d = doc.data as BackupJobData;
  const paused = doc.disabled === true;
  return {
    frequency: d.frequency,
    hour: d.hour,
    weekday: d.weekday,
    timezone: d.timezone,
    successMessage: d.successMessage !== false,
    paused,
    nextRunAt: paused ? null : ((doc.nextRunAt as Date | null) ?? null),
    lastRunAt: d.lastResult?.at ?? (doc.lastRunAt as Date | null) ?? null,
    lastResult: d.lastResult ?? null,
    lastSuccessAt: d.lastSuccessAt ?? null,
  };
}
