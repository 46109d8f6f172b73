import type { Frequency } from "./schedule-rules.js";

/**
 * What the scheduler needs from the rest of the app, as small interfaces (no Telegram, no Drive
 * client here): a runner that makes and uploads a backup, a way to tell a user something, a
 * weekly self-check and a classifier that says whether a failure is worth retrying.
 */

export const JOB = {
  /** One per user with a schedule (data.userId), recurring on a calendar cron. */
  backup: "drive-backup",
  /** One-off: a manual upload (or 🔁 Try now) that failed for a passing reason, retried with the same backoff. */
  uploadRetry: "drive-upload-retry",
  /** Global, hourly: tells users whose schedule has had no successful upload for two periods. */
  overdueCheck: "drive-overdue-check",
  /** Global, weekly: re-verify newest backups and their Drive copies, server retention. */
  selfCheck: "drive-self-check",
} as const;

export type Trigger = "scheduled" | "retry";

export interface RunOptions {
  /** A retry: upload this backup again instead of making a new one (set once `backupReady` was called). */
  backupIdForRetry?: string;
  /** The same for every try of one scheduled slot or one manual upload: Drive keeps one copy per key. */
  idempotencyKey: string;
  /**
   * Call as soon as the backup to upload is known and BEFORE uploading it: the scheduler stores it
   * in the job, so a retry (or a restart) uploads that backup under the same key.
   */
  backupReady(backupId: string): Promise<void>;
  /** Keeps the job's lock alive during a long upload (the scheduler also does so on its own). */
  touch(): Promise<void>;
  /** Aborted when the process shuts down and the run did not finish in time; pass it to DriveService.upload. */
  signal: AbortSignal;
  trigger: Trigger;
}

export type RunOutcome =
  | {
      status: "uploaded";
      backupId: string;
      fileId: string;
      size: number;
      /** Drive already held this backup under the key: nothing was sent. */
      reused: boolean;
      webViewLink?: string;
      /** Older copies removed by Drive retention. */
      pruned?: number;
    }
  /** The library has not changed since the newest backup that has a verified Drive copy: nothing uploaded. */
  | { status: "unchanged"; backupId?: string };

/** Implemented by the app over BackupService + DriveService: "create a backup or reuse an unchanged one, upload, apply Drive retention". */
export interface BackupRunner {
  /** Throws on failure; the error is given to `classify` (a DriveError as thrown by DriveService works as is). */
  run(userId: number, opts: RunOptions): Promise<RunOutcome>;
}

export type FailureKind = "transient" | "needs_user" | "bug";

export interface FailureInfo {
  kind: FailureKind;
  /** A short code for logs, the job document and the message (e.g. DriveError.code: "server", "revoked", "quota"). */
  code: string;
  /** needs_user: what the user must do. reconnect pauses the schedule; free_space says so with the sizes. */
  need?: "reconnect" | "free_space";
  /** free_space: sizes known to the runner (e.g. from Drive's about.storageQuota and the backup). */
  storage?: StorageSizes;
}

export interface StorageSizes {
  usedBytes?: number;
  limitBytes?: number;
  backupBytes?: number;
}

export type ClassifyFailure = (err: unknown) => FailureInfo;

/**
 * Reads the shape DriveService throws (DriveError: `kind` + `code`; `storage` if the runner adds the
 * sizes). Anything else is a bug: not retried, reported.
 */
export const classifyFailure: ClassifyFailure = (err) => {
  const e = (err ?? {}) as { kind?: unknown; code?: unknown; storage?: unknown };
  const kind = e.kind === "transient" || e.kind === "needs_user" || e.kind === "bug" ? e.kind : "bug";
  const code = typeof e.code === "string" && /^[a-z_]{1,40}$/.test(e.code) ? e.code : "unexpected";
  if (kind !== "needs_user") return { kind, code };
  if (code === "revoked" || code === "not_connected") return { kind, code, need: "reconnect" };
  if (code === "quota") return { kind, code, need: "free_space", ...(isSizes(e.storage) ? { storage: e.storage } : {}) };
  return { kind, code };
};

function isSizes(x: unknown): x is StorageSizes {
  return typeof x === "object" && x !== null;
}

/** What the user is told. Never text: the bot renders each kind in the user's language. */
export type ScheduleNotice =
  /** The quiet ✅ line (scheduled runs: only when the user's setting is on; a retried manual upload: always). */
  | { kind: "uploaded"; trigger: Trigger; backupId: string; size: number; reused: boolean; webViewLink?: string }
  /** Quiet line, same setting: nothing changed since the last copy on Drive. */
  | { kind: "unchanged"; backupId?: string }
  /** Tries ran out (or a failure that is not worth retrying): the backup is safe on the server; offer 🔁 Try now (tryNow(userId, backupId)). */
  | { kind: "failed"; trigger: Trigger; code: string; attempts: number; backupId?: string }
  /** The grant was revoked or expired: the schedule is paused (kept); offer 🔗 Reconnect, then resume(userId). */
  | { kind: "needs_reconnect"; schedulePaused: boolean; backupId?: string }
  /** Drive is full: say so with the sizes known. */
  | { kind: "drive_full"; storage?: StorageSizes; backupId?: string }
  /** Another failure only the user (or the server owner) can fix; not retried. */
  | { kind: "needs_attention"; code: string; backupId?: string }
  /** No successful upload for twice the schedule's period. Sent once; again only after a success. */
  | { kind: "overdue"; frequency: Frequency; lastSuccessAt?: Date; since: Date }
  /** The weekly self-check found something wrong. */
  | { kind: "self_check"; problems: SelfCheckProblem[] };

export type Notify = (userId: number, notice: ScheduleNotice) => Promise<void>;

export type SelfCheckProblem =
  /** The newest backup on the server no longer matches its checksums. */
  | { kind: "backup_corrupt"; backupId: string }
  /** Its Drive copy's md5Checksum differs (the copy was marked unverified). */
  | { kind: "drive_copy_mismatch"; backupId: string }
  /** The Drive copy we recorded is gone. */
  | { kind: "drive_copy_missing"; backupId: string };

export interface SelfCheckResult {
  problems: SelfCheckProblem[];
  /** Server-side retention: backups removed. */
  pruned?: number;
}

/** Implemented by the app: verify (sha256 per file) + Drive md5 check + server retention. */
export interface SelfChecker {
  /** The users to check this week. */
  users(): Promise<number[]>;
  check(userId: number, ctx: { touch(): Promise<void>; signal: AbortSignal }): Promise<SelfCheckResult>;
}

/** The outcome of a run, kept on the job document for the Drive menu. */
export type LastResult =
  | { status: "uploaded"; at: Date; trigger: Trigger; backupId: string; fileId: string; size: number; reused: boolean; webViewLink?: string }
  | { status: "unchanged"; at: Date; trigger: Trigger; backupId?: string }
  | { status: "retrying"; at: Date; trigger: Trigger; code: string; attempt: number; backupId?: string }
  | { status: "failed"; at: Date; trigger: Trigger; code: string; attempts: number; backupId?: string; idempotencyKey: string }
  | { status: "needs_user"; at: Date; trigger: Trigger; code: string; need?: "reconnect" | "free_space"; backupId?: string };

/** The slot being worked on: kept across retries and restarts so they reuse one backup and one key. */
export interface PendingUpload {
  idempotencyKey: string;
  backupId?: string;
  /** Tries started for this slot, this one included. */
  attempt: number;
  startedAt: Date;
}

/** Common to drive-backup and drive-upload-retry documents. */
export interface UploadJobData {
  userId: number;
  pending?: PendingUpload | null;
  lastResult?: LastResult | null;
}

export interface BackupJobData extends UploadJobData {
  frequency: Frequency;
  hour: number;
  weekday: number;
  timezone: string;
  successMessage: boolean;
  /** When the schedule was first set: "overdue" counts from here until the first success. */
  since: Date;
  lastSuccessAt?: Date | null;
  overdueNotifiedAt?: Date | null;
  /** The needs-user code last told (quota, …), so a daily failure says it once; cleared by a success. */
  toldNeed?: string | null;
  /** Set while paused because Drive must be reconnected. */
  pausedReason?: "reconnect" | null;
}
