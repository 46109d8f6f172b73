import { combine, exponential, when, type BackoffContext, type BackoffStrategy, type Job } from "agenda";
import { ObjectId } from "mongodb";
import type { Events } from "../events.js";
import type { JobStore } from "./job-store.js";
import {
  JOB,
  type BackupJobData,
  type BackupRunner,
  type ClassifyFailure,
  type FailureInfo,
  type Notify,
  type PendingUpload,
  type RunOutcome,
  type ScheduleNotice,
  type Trigger,
  type UploadJobData,
} from "./job-types.js";
import type { SchedulerMetrics } from "./scheduler-metrics.js";

/** The process is shutting down: the run was stopped and will run again (same backup, same key). */
export class RunInterrupted extends Error {
  constructor() {
    super("interrupted by shutdown");
    this.name = "RunInterrupted";
  }
}

/** A run failed; `handled` when the user was already told (needs-user), so "retry exhausted" says nothing more. */
export class RunFailed extends Error {
  constructor(
    readonly failure: FailureInfo,
    readonly handled: boolean,
    options?: { cause?: unknown },
  ) {
    super(failure.code, options); // Agenda keeps the message as failReason: a code, never a URL or token
    this.name = "RunFailed";
  }
}

export interface UploadJobsDeps {
  store: JobStore;
  runner: BackupRunner;
  notify: Notify;
  classify: ClassifyFailure;
  metrics: SchedulerMetrics;
  events: Events;
  lockLifetimeMs: number;
  retryBaseMs: number;
  /** Tries per slot (or per manual upload), the first included. */
  tries: number;
}

/**
 * The handler of drive-backup (scheduled) and drive-upload-retry (a manual upload retried):
 * one try of "make or reuse a backup, upload it", with the slot's backup and idempotency key kept
 * in the job so every retry and every restart uploads the same backup under the same key.
 */
export class UploadJobs {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: UploadJobsDeps) {}

  /**
   * Agenda's built-in strategies: exponential (first delay DRIVE_RETRY_BASE_SECONDS, factor 3, jitter),
   * only `when` the failure is transient. The attempt is the try number within the slot (kept in
   * job data), not Agenda's failCount, which a recurring job carries from one day to the next when
   * the tries ran out, so its next bad day would get no retry at all. A shutdown retries at once.
   */
  backoff(): BackoffStrategy {
    const transient = when(
      (ctx) => ctx.error instanceof RunFailed && ctx.error.failure.kind === "transient",
      exponential({ delay: this.deps.retryBaseMs, factor: 3, maxRetries: this.deps.tries - 1, jitter: 0.2 }),
    );
    return combine(
      when((ctx) => ctx.error instanceof RunInterrupted, () => 0),
      (ctx) => transient({ ...ctx, attempt: slotAttempt(ctx) }),
    );
  }

  /** Delay before try `attempt + 1` of a manual upload, or null when it had all its tries. */
  retryDelay(attemptsMade: number): number | null {
    const strategy = exponential({ delay: this.deps.retryBaseMs, factor: 3, maxRetries: this.deps.tries - 1, jitter: 0.2 });
    return strategy({ attempt: attemptsMade, error: new Error("manual"), jobName: JOB.uploadRetry, jobData: undefined });
  }

  /** Stops every run in progress (their runner gets an aborted signal). */
  abortAll(): void {
    for (const controller of this.running.values()) controller.abort(new RunInterrupted());
  }

  async run(job: Job<UploadJobData>, trigger: Trigger): Promise<void> {
    const { store, runner, events } = this.deps;
    const userId = job.attrs.data.userId;
    const previous = job.attrs.data.pending;
    const pending: PendingUpload = previous
      ? { ...previous, attempt: previous.attempt + 1 }
      : { idempotencyKey: `${job.attrs.name}:${String(job.attrs._id)}:${Date.now()}`, attempt: 1, startedAt: new Date() };
    await store.setData(job, { pending });

    const id = String(job.attrs._id);
    const controller = new AbortController();
    this.running.set(id, controller);
    const heartbeat = setInterval(() => void job.touch().catch(() => {}), Math.max(100, Math.floor(this.deps.lockLifetimeMs / 3)));
    heartbeat.unref();
    let outcome: RunOutcome;
    try {
      outcome = await runner.run(userId, {
        ...(pending.backupId ? { backupIdForRetry: pending.backupId } : {}),
        idempotencyKey: pending.idempotencyKey,
        backupReady: (backupId) => store.setData(job, { "pending.backupId": backupId }),
        touch: () => job.touch(),
        signal: controller.signal,
        trigger,
      });
    } catch (err) {
      if (controller.signal.aborted) {
        // Not a try: the next start makes it again, with the same backup and key.
        await store.setData(job, { "pending.attempt": pending.attempt - 1 }).catch(() => {});
        this.deps.metrics.runs.inc({ job: job.attrs.name, result: "interrupted" });
        throw new RunInterrupted();
      }
      const failure = this.deps.classify(err);
      events.emit("scheduled_upload_failed", "warn", { userId, job: job.attrs.name, kind: failure.kind, reason: failure.code, attempt: pending.attempt });
      this.deps.metrics.uploads.inc({ trigger, result: "failed" });
      const handled = await this.failedTry(job, trigger, pending, failure);
      throw new RunFailed(failure, handled, { cause: err });
    } finally {
      clearInterval(heartbeat);
      this.running.delete(id);
      if (job.attrs.name === JOB.backup) await this.adoptRule(job).catch(() => {});
    }
    await this.succeeded(job, trigger, outcome);
  }

  /**
   * The user changed the schedule while this run was going (ScheduleService.set updates the stored
   * rule only): take the stored cron, zone, next run and quiet setting into the job in memory, so
   * Agenda's save at the end of the run keeps them instead of the ones it loaded at the start.
   */
  private async adoptRule(job: Job<UploadJobData>): Promise<void> {
    const stored = await this.deps.store.collection.findOne(
      { _id: new ObjectId(String(job.attrs._id)) },
      { projection: { repeatInterval: 1, repeatTimezone: 1, nextRunAt: 1, "data.successMessage": 1 } },
    );
    if (!stored) return;
    (job.attrs.data as BackupJobData).successMessage = stored.data?.successMessage !== false;
    if (stored.repeatInterval === job.attrs.repeatInterval && (stored.repeatTimezone ?? null) === (job.attrs.repeatTimezone ?? null)) return;
    job.attrs.repeatInterval = stored.repeatInterval as string;
    job.attrs.repeatTimezone = (stored.repeatTimezone as string | null) ?? undefined;
    job.attrs.nextRunAt = stored.nextRunAt as Date;
  }

  private async succeeded(job: Job<UploadJobData>, trigger: Trigger, outcome: RunOutcome): Promise<void> {
    const { store, metrics } = this.deps;
    const at = new Date();
    const lastResult =
      outcome.status === "uploaded"
        ? { status: "uploaded" as const, at, trigger, backupId: outcome.backupId, fileId: outcome.fileId, size: outcome.size, reused: outcome.reused, ...(outcome.webViewLink ? { webViewLink: outcome.webViewLink } : {}) }
        : { status: "unchanged" as const, at, trigger, ...(outcome.backupId ? { backupId: outcome.backupId } : {}) };
    const success = { lastSuccessAt: at, overdueNotifiedAt: null, toldNeed: null };
    if (job.attrs.name === JOB.backup) {
      await store.setData(job, { pending: null, lastResult, ...success });
    } else {
      await store.setData(job, { pending: null, lastResult });
      // Any successful upload resets the user's "overdue" clock.
      await store.collection.updateOne(
        { name: JOB.backup, "data.userId": job.attrs.data.userId },
        { $set: { "data.lastSuccessAt": at, "data.overdueNotifiedAt": null, "data.toldNeed": null } },
      );
    }
    metrics.runs.inc({ job: job.attrs.name, result: outcome.status });
    this.deps.events.emit("scheduled_upload_done", "info", { userId: job.attrs.data.userId, job: job.attrs.name, result: outcome.status, reused: outcome.status === "uploaded" && outcome.reused });
    if (outcome.status === "uploaded") metrics.uploads.inc({ trigger, result: outcome.reused ? "reused" : "uploaded" });

    const quiet = job.attrs.name === JOB.backup && (job.attrs.data as BackupJobData).successMessage === false;
    if (quiet) return;
    await this.tell(
      job.attrs.data.userId,
      outcome.status === "uploaded"
        ? { kind: "uploaded", trigger, backupId: outcome.backupId, size: outcome.size, reused: outcome.reused, ...(outcome.webViewLink ? { webViewLink: outcome.webViewLink } : {}) }
        : { kind: "unchanged", ...(outcome.backupId ? { backupId: outcome.backupId } : {}) },
    );
  }

  /** Records a failed try; a needs-user failure is handled here (and returns true): no retry, one message. */
  private async failedTry(job: Job<UploadJobData>, trigger: Trigger, pending: PendingUpload, failure: FailureInfo): Promise<boolean> {
    const { store, metrics } = this.deps;
    const backup = pending.backupId ? { backupId: pending.backupId } : {};
    const at = new Date();
    if (failure.kind === "transient") {
      await store.setData(job, { lastResult: { status: "retrying", at, trigger, code: failure.code, attempt: pending.attempt, ...backup } });
      if (pending.attempt < this.deps.tries) metrics.runs.inc({ job: job.attrs.name, result: "retrying" });
      return false;
    }
    if (failure.kind === "bug") return false; // not retried: "retry exhausted" records and tells it
    await store.setData(job, {
      pending: null,
      lastResult: { status: "needs_user", at, trigger, code: failure.code, ...(failure.need ? { need: failure.need } : {}), ...backup },
    });
    metrics.runs.inc({ job: job.attrs.name, result: "needs_user" });
    const userId = job.attrs.data.userId;
    if (failure.need === "reconnect") {
      const paused = await this.pauseSchedule(userId);
      if (paused) this.deps.events.emit("schedule_paused", "warn", { userId, reason: failure.code });
      const hasSchedule = paused || (await store.schedule(userId)) !== null;
      // Told once: when this failure paused the schedule, or when there is no schedule to pause.
      if (paused || !hasSchedule) await this.tell(userId, { kind: "needs_reconnect", schedulePaused: paused, ...backup });
      return true;
    }
    if (await this.firstTimeTold(userId, failure.code)) {
      await this.tell(
        userId,
        failure.need === "free_space"
          ? { kind: "drive_full", ...(failure.storage ? { storage: failure.storage } : {}), ...backup }
          : { kind: "needs_attention", code: failure.code, ...backup },
      );
    }
    return true;
  }

  /** "retry exhausted": tries ran out (or a bug, never retried). One message, the backup kept on the server. */
  async exhausted(error: Error, job: Job<UploadJobData>): Promise<void> {
    if (job.attrs.name !== JOB.backup && job.attrs.name !== JOB.uploadRetry) return;
    if (error instanceof RunInterrupted || (error instanceof RunFailed && error.handled)) return;
    const failure = error instanceof RunFailed ? error.failure : this.deps.classify(error);
    const pending = job.attrs.data.pending;
    const trigger: Trigger = job.attrs.name === JOB.backup ? "scheduled" : "retry";
    const attempts = pending?.attempt ?? 1;
    const backup = pending?.backupId ? { backupId: pending.backupId } : {};
    await this.deps.store.setData(job, {
      pending: null,
      lastResult: { status: "failed", at: new Date(), trigger, code: failure.code, attempts, idempotencyKey: pending?.idempotencyKey ?? "", ...backup },
    });
    this.deps.metrics.runs.inc({ job: job.attrs.name, result: "failed" });
    this.deps.events.emit("scheduled_upload_gave_up", "warn", { userId: job.attrs.data.userId, job: job.attrs.name, reason: failure.code, attempts });
    await this.tell(job.attrs.data.userId, { kind: "failed", trigger, code: failure.code, attempts, ...backup });
  }

  /** Pauses (disables, keeps) the user's schedule; true when this call paused it. */
  async pauseSchedule(userId: number): Promise<boolean> {
    const res = await this.deps.store.collection.updateOne(
      { name: JOB.backup, "data.userId": userId, disabled: { $ne: true } },
      { $set: { disabled: true, "data.pausedReason": "reconnect" } },
    );
    return res.modifiedCount === 1;
  }

  /** True once per needs-user code until a success clears it (a schedule failing daily on a full Drive says it once). */
  private async firstTimeTold(userId: number, code: string): Promise<boolean> {
    const schedule = await this.deps.store.schedule(userId);
    if (!schedule) return true;
    const res = await this.deps.store.collection.updateOne({ _id: schedule._id, "data.toldNeed": { $ne: code } }, { $set: { "data.toldNeed": code } });
    return res.modifiedCount === 1;
  }

  private async tell(userId: number, notice: ScheduleNotice): Promise<void> {
    try {
      await this.deps.notify(userId, notice);
    } catch (err) {
      this.deps.events.emit("schedule_notice_failed", "warn", { userId, kind: notice.kind, err: (err as Error).message });
    }
  }
}

function slotAttempt(ctx: BackoffContext): number {
  const data = ctx.jobData as UploadJobData | undefined;
  return data?.pending?.attempt ?? ctx.attempt;
}
