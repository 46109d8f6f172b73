import { ObjectId, type Db } from "mongodb";
import { JOB, type BackupRunner, type RunOptions, type RunOutcome, type ScheduleNotice, type SelfChecker } from "../../src/jobs/job-types.js";
import { DriveScheduler, JOBS_COLLECTION, type SchedulerOptions } from "../../src/jobs/scheduler.js";
import { Events } from "../../src/events.js";
import { createLogger } from "../../src/logger.js";

/** The shape DriveService throws (DriveError: kind + code), without depending on the Drive code. */
export class FakeDriveError extends Error {
  constructor(
    readonly code: string,
    readonly kind: "transient" | "needs_user" | "bug",
    readonly storage?: { usedBytes: number; limitBytes: number; backupBytes: number },
  ) {
    super(code);
  }
}

export type Step = "upload" | "unchanged" | FakeDriveError | "block";

export interface RunnerCall {
  userId: number;
  idempotencyKey: string;
  backupIdForRetry?: string;
  trigger: string;
}

/**
 * A runner that records what it was asked and plays a script per user: each call takes the next
 * step (the last one repeats). It "makes a backup" (a fresh id, announced with backupReady before
 * uploading) unless given one to retry, and keeps the copies it completed by idempotency key,
 * like Drive would: a second upload under a key it already holds is `reused`.
 */
export class FakeRunner implements BackupRunner {
  readonly calls: RunnerCall[] = [];
  /** idempotency key → backup id of the copies that "reached Drive". */
  readonly copies = new Map<string, string>();
  /** Uploads that actually sent bytes (not reused). */
  uploadsSent = 0;
  private readonly scripts = new Map<number, Step[]>();
  private readonly blocked: (() => void)[] = [];

  script(userId: number, ...steps: Step[]): void {
    this.scripts.set(userId, steps);
  }

  callsFor(userId: number): RunnerCall[] {
    return this.calls.filter((c) => c.userId === userId);
  }

  /** A "block" step waits here until released or aborted. */
  get blockedCount(): number {
    return this.blocked.length;
  }

  /** Lets every blocked upload finish. */
  release(): void {
    for (const resolve of this.blocked.splice(0)) resolve();
  }

  async run(userId: number, opts: RunOptions): Promise<RunOutcome> {
    this.calls.push({
      userId,
      idempotencyKey: opts.idempotencyKey,
      trigger: opts.trigger,
      ...(opts.backupIdForRetry ? { backupIdForRetry: opts.backupIdForRetry } : {}),
    });
    const steps = this.scripts.get(userId) ?? ["upload"];
    const step = steps.length > 1 ? steps.shift()! : steps[0]!;
    if (step === "unchanged") return { status: "unchanged", backupId: "unchanged-backup" };
    const backupId = opts.backupIdForRetry ?? new ObjectId().toHexString();
    await opts.backupReady(backupId);
    await opts.touch();
    if (step instanceof FakeDriveError) throw step;
    if (step === "block") {
      await new Promise<void>((resolve, reject) => {
        this.blocked.push(resolve);
        const onAbort = () => {
          this.blocked.splice(this.blocked.indexOf(resolve), 1);
          reject(new Error("aborted"));
        };
        opts.signal.addEventListener("abort", onAbort, { once: true });
      });
    }
    const reused = this.copies.has(opts.idempotencyKey);
    if (!reused) {
      this.copies.set(opts.idempotencyKey, backupId);
      this.uploadsSent++;
    }
    return { status: "uploaded", backupId, fileId: `file-${backupId}`, size: 1234, reused, webViewLink: `https://drive.example/${backupId}` };
  }
}

export class FakeChecker implements SelfChecker {
  readonly checked: number[] = [];
  constructor(private readonly results: Map<number, Awaited<ReturnType<SelfChecker["check"]>> | Error>) {}
  async users() {
    return [...this.results.keys()];
  }
  async check(userId: number) {
    this.checked.push(userId);
    const r = this.results.get(userId)!;
    if (r instanceof Error) throw r;
    return r;
  }
}

export interface Notice {
  userId: number;
  notice: ScheduleNotice;
}

export function startScheduler(db: Db, opts: Partial<SchedulerOptions> & { runner: BackupRunner; notices: Notice[] }) {
  const { notices, ...rest } = opts;
  const scheduler = new DriveScheduler({
    db,
    events: new Events(createLogger("silent")),
    pollMs: 100,
    retryBaseMs: 40,
    defaultTimezone: "UTC",
    notify: async (userId, notice) => {
      notices.push({ userId, notice });
    },
    ...rest,
  });
  return scheduler;
}

export function jobs(db: Db) {
  return db.collection(JOBS_COLLECTION);
}

export async function scheduleDoc(db: Db, userId: number) {
  return jobs(db).findOne({ name: JOB.backup, "data.userId": userId });
}

/** Makes the user's scheduled run due now (as if 03:00 had passed `daysAgo` days ago). */
export async function makeDue(db: Db, userId: number, daysAgo = 0): Promise<void> {
  const at = new Date(Date.now() - daysAgo * 86_400_000 - 1000);
  await jobs(db).updateOne({ name: JOB.backup, "data.userId": userId }, { $set: { nextRunAt: at } });
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, what = "condition", timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
