import type { ObjectId } from "mongodb";
import type { ConflictAction, Decision, Rejected } from "./restore-planner.js";

/** What the user sees before deciding: counts, each conflict's card, what was rejected. Plain JSON. */
export interface RestorePreview {
  format: "codevault" | "legacy_manifest" | "plain";
  repo?: { name: string; owner?: string; ref?: string };
  counts: { new: number; unchanged: number; conflicts: number; rejected: number };
  conflicts: ConflictCard[];
  rejected: Rejected[];
  /** Names already in use (library + archive), for validating typed rename targets. */
  takenNames: string[];
}

export interface ConflictCard {
  name: string;
  currentSize: number;
  incomingSize: number;
  currentDate: string;
  incomingDate?: string;
  diff?: { line: number; current: string; incoming: string };
}

export interface RestoreDecisions {
  /** For conflicts without their own decision. Default: skip (nothing is overwritten unasked). */
  defaultAction?: ConflictAction;
  perFile?: Record<string, Decision>;
}

export interface RestoreResult {
  restored: number;
  new: number;
  replaced: number;
  renamed: number;
  skipped: number;
  unchanged: number;
  rejected: number;
  /** Earlier versions restored with new files from a backup made with history. */
  olderVersions: number;
  emergencyBackupId?: string;
}

export type RestoreErrorCode =
  /** The restore failed and was rolled back: nothing changed. */
  | "apply_failed"
  /** The restore failed and so did its rollback: it is retried in the background until it succeeds. */
  | "rollback_pending"
  /** The emergency backup could not be made, so nothing was restored: nothing changed. */
  | "emergency_failed"
  /** A previous restore of this user is still applying or being undone: finish that first. */
  | "previous_restore_pending"
  | "rename_invalid"
  | "rename_taken"
  | "source_missing";

export class RestoreError extends Error {
  constructor(
    readonly code: RestoreErrorCode,
    options?: { cause?: unknown },
  ) {
    super(code, options);
  }
}

/** A restore in progress or finished, so a crash can be rolled back at the next start. */
export interface RestoreJournal {
  _id: ObjectId;
  userId: number;
  status: "applying" | "rolling_back" | "completed" | "rolled_back";
  startedAt: Date;
  /** Which process applies it, and when it last showed it is alive (a lease). */
  instanceId: string;
  heartbeatAt: Date;
  finishedAt?: Date;
  emergencyBackupId?: ObjectId;
  counts?: Omit<RestoreResult, "emergencyBackupId">;
}
