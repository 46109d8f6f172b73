import { COLLECTIONS } from "../db/collections.js";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { MongoBackend } from "@agendajs/mongo-backend";
import { Agenda, when, type Job } from "agenda";
import { MongoServerError, ObjectId, type Db, type Document } from "mongodb";
import type { Events } from "../events.js";
import { JobStore } from "./job-store.js";
import { classifyFailure, JOB, type BackupRunner, type ClassifyFailure, type Notify, type SelfChecker, type UploadJobData } from "./job-types.js";
import { checkOverdue } from "./overdue-check.js";
import { ScheduleService } from "./schedule-service.js";
import { SchedulerMetrics } from "./scheduler-metrics.js";
import { runSelfCheck } from "./self-check-job.js";
import { RunInterrupted, UploadJobs } from "./upload-job.js";

export const JOBS_COLLECTION = COLLECTIONS.jobs;
const OUR_JOBS = Object.values(JOB);
/** A job due longer ago than this and not started makes /health say "degraded". */
export const OVERDUE_GRACE_MS = 10 * 60 * 1000;
/** How long a one-off upload that ended without a copy stays (for 🔁 Try now's key) before the hourly check removes it. */
export const ONE_OFF_KEPT_MS = 30 * 24 * 60 * 60 * 1000;

export interface SchedulerOptions {
  /** The bot's own database (its MongoClient's Db): Agenda shares the connection and never closes it. */
  db: Db;
  runner: BackupRunner;
  notify: Notify;
  /** The weekly self-check; without it the job is not defined. */
  checker?: SelfChecker;
  /** Default: reads DriveError's kind/code (see classifyFailure). */
  classify?: ClassifyFailure;
  /** Log lines and counters; the scheduler's own metrics go on events.registry (served on /metrics). */
  events: Events;
  /** SCHEDULER_POLL_SECONDS in ms: Agenda's processEvery. */
  pollMs: number;
  /** DRIVE_RETRY_BASE_SECONDS in ms: the first retry's delay. */
  retryBaseMs: number;
  /** DEFAULT_TIMEZONE. */
  defaultTimezone: string;
  /** Longer than the longest upload without a touch; runs touch every third of it. Default 15 min. */
  lockLifetimeMs?: number;
  /** Tries per slot, the first included. Default 5. */
  tries?: number;
  /** How often the overdue check runs. Default 1 hour. */
  overdueCheckEveryMs?: number;
  /** When the weekly self-check runs (cron in DEFAULT_TIMEZONE). Default Sunday 04:00. */
  selfCheckCron?: string;
  /** Uploads at once per process. Default 2. */
  concurrency?: number;
}

/**
 * Scheduled Drive backups on Agenda (collection agendaJobs on the bot's database): the job
 * definitions, start, a graceful stop, health and metrics. Knows nothing of Telegram or of the
 * Drive client: it calls the injected runner, notify and checker.
 */
export class DriveScheduler {
  readonly agenda: Agenda;
  readonly schedules: ScheduleService;
  /** This process's name on the jobs it locks (lastModifiedBy). */
  readonly name = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  private readonly store: JobStore;
  private readonly uploads: UploadJobs;
  private readonly metrics: SchedulerMetrics;
  private readonly active = new Set<string>();
  private readonly shutdown = new AbortController();
  private started = false;

  constructor(private readonly opts: SchedulerOptions) {
    const lockLifetimeMs = opts.lockLifetimeMs ?? 15 * 60 * 1000;
    this.store = new JobStore(opts.db.collection(JOBS_COLLECTION));
    this.metrics = new SchedulerMetrics(opts.events.registry, async () => (await this.overdue(0)).oldestSeconds);
    this.uploads = new UploadJobs({
      store: this.store,
      runner: opts.runner,
      notify: opts.notify,
      classify: opts.classify ?? classifyFailure,
      metrics: this.metrics,
      events: opts.events,
      lockLifetimeMs,
      retryBaseMs: opts.retryBaseMs,
      tries: opts.tries ?? 5,
    });
    this.agenda = new Agenda({
      name: this.name,
      backend: new MongoBackend({ mongo: opts.db, collection: JOBS_COLLECTION }),
      processEvery: opts.pollMs,
      defaultLockLifetime: lockLifetimeMs,
    });
    this.schedules = new ScheduleService(this.agenda, this.store, this.uploads, { timezone: opts.defaultTimezone });
    this.define(lockLifetimeMs);
    this.agenda.on("start", (job: Job<unknown>) => this.active.add(String(job.attrs._id)));
    this.agenda.on("complete", (job: Job<unknown>) => this.active.delete(String(job.attrs._id)));
    this.agenda.on("retry exhausted", (error: Error, job: Job<unknown>) => {
      this.uploads.exhausted(error, job as Job<UploadJobData>).catch((err: Error) =>
        opts.events.emit("scheduler_error", "error", { during: "retry exhausted", err: err.message }),
      );
    });
    this.agenda.on("error", (err: Error) => opts.events.emit("scheduler_error", "error", { err: err.message }));
  }

  private define(lockLifetimeMs: number): void {
    const concurrency = this.opts.concurrency ?? 2;
    // lockLimit = concurrency: a process locks only the uploads it can start, so due jobs it could
    // not start wait for another process instead of sitting in this one's queue.
    const upload = { lockLifetime: lockLifetimeMs, concurrency, lockLimit: concurrency, backoff: this.uploads.backoff() };
    this.agenda.define<UploadJobData>(JOB.backup, (job) => this.uploads.run(job, "scheduled"), upload);
    this.agenda.define<UploadJobData>(JOB.uploadRetry, (job) => this.uploads.run(job, "retry"), { ...upload, removeOnComplete: true });
    this.agenda.define(JOB.overdueCheck, async () => {
      await checkOverdue({ store: this.store, notify: this.opts.notify, events: this.opts.events });
      const removed = await this.store.removeFinishedOneOffs(new Date(Date.now() - ONE_OFF_KEPT_MS));
      if (removed > 0) this.opts.events.emit("scheduler_one_offs_removed", "info", { removed });
    });
    const checker = this.opts.checker;
    if (checker) {
      this.agenda.define(
        JOB.selfCheck,
        async (job) => {
          await runSelfCheck(job, { checker, notify: this.opts.notify, store: this.store, metrics: this.metrics, events: this.opts.events, signal: this.shutdown.signal });
        },
        { lockLifetime: lockLifetimeMs, concurrency: 1, backoff: when((ctx) => ctx.error instanceof RunInterrupted, () => 0) },
      );
    }
  }

  /** Indexes, the two global jobs, then processing. Runs missed while the bot was down run once now. */
  async start(): Promise<void> {
    await this.agenda.ready;
    // One schedule per user even if two saves race (Agenda's unique() alone is a find-then-upsert).
    await this.store.collection.createIndex(
      { name: 1, "data.userId": 1 },
      { name: "one_schedule_per_user", unique: true, partialFilterExpression: { name: JOB.backup } },
    );
    // The global jobs carry data.singleton: two processes starting at once cannot make two.
    await this.store.collection.createIndex(
      { "data.singleton": 1 },
      { name: "one_global_job", unique: true, partialFilterExpression: { "data.singleton": { $exists: true } } },
    );
    await this.ensureRecurring(JOB.overdueCheck, this.opts.overdueCheckEveryMs ?? 60 * 60 * 1000);
    if (this.opts.checker) await this.ensureRecurring(JOB.selfCheck, this.opts.selfCheckCron ?? "0 4 * * 0");
    await this.agenda.start();
    this.started = true;
  }

  /** Creates a global job once; changes it only when its interval changed (a restart must not push it back). */
  private async ensureRecurring(name: string, interval: string | number): Promise<void> {
    const existing = await this.store.collection.findOne({ name });
    const timezone = this.opts.defaultTimezone;
    if (existing && existing.repeatInterval === interval && (existing.repeatTimezone ?? timezone) === timezone) return;
    try {
      await this.agenda
        .create(name, { singleton: name })
        .repeatEvery(interval, { timezone, skipImmediate: typeof interval === "string" })
        .unique({ "data.singleton": name })
        .save();
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === 11000)) throw err; // another process made it
    }
  }

  /**
   * Graceful stop: take no new jobs and wait for the running ones (agenda.drain) up to `timeoutMs`.
   * Runs still going then are aborted and, once they have recorded it (within `graceMs`), run again
   * at the next start with the same backup and key. The caller closes MongoDB afterwards.
   */
  async stop(opts: { timeoutMs?: number; graceMs?: number } = {}): Promise<void> {
    if (!this.started) return;
    this.started = false;
    const result = await this.agenda.drain({ timeout: opts.timeoutMs ?? 20_000 });
    if (result.timedOut) {
      this.shutdown.abort();
      this.uploads.abortAll();
      await this.idle(opts.graceMs ?? 5_000);
    }
    // Jobs locked for a run due within the next poll but not started: free them for the next process.
    await this.store.collection.updateMany(
      { name: { $in: OUR_JOBS }, lastModifiedBy: this.name, lockedAt: { $ne: null }, _id: { $nin: [...this.active].map((id) => new ObjectId(id)) } },
      { $set: { lockedAt: null } },
    );
  }

  private async idle(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /** For /health: "degraded" when a job is due more than 10 minutes ago and has not started, or the scheduler is not running. */
  async health(): Promise<{ status: "ok" | "degraded"; running: boolean; overdueJobs: number; oldestOverdueSeconds: number }> {
    const { count, oldestSeconds } = await this.overdue(OVERDUE_GRACE_MS);
    return { status: this.started && count === 0 ? "ok" : "degraded", running: this.started, overdueJobs: count, oldestOverdueSeconds: oldestSeconds };
  }

  /** Enabled jobs of ours due more than `graceMs` ago (a running job's nextRunAt is already its next slot). */
  private async overdue(graceMs: number): Promise<{ count: number; oldestSeconds: number }> {
    const now = Date.now();
    const filter: Document = { name: { $in: OUR_JOBS }, disabled: { $ne: true }, nextRunAt: { $lt: new Date(now - graceMs) } };
    const [count, oldest] = await Promise.all([
      this.store.collection.countDocuments(filter),
      this.store.collection.find(filter, { projection: { nextRunAt: 1 } }).sort({ nextRunAt: 1 }).limit(1).next(),
    ]);
    const oldestSeconds = oldest ? Math.max(0, Math.round((now - (oldest.nextRunAt as Date).getTime()) / 1000)) : 0;
    return { count, oldestSeconds };
  }
}
