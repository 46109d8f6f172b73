import { COLLECTIONS } from "../db/collections.js";
import { randomUUID } from "node:crypto";
import { ObjectId, type Collection, type Db } from "mongodb";
import type { Events } from "../events.js";
import type { LibraryBulk } from "../files/library-bulk.js";
import { RestoreError, type RestoreJournal } from "./restore-types.js";


/**
 * The journal of each restore owns the truth about it: `applying` while versions go
 * in (with a lease the applying process renews), `completed`, or `rolling_back` →
 * `rolled_back`. Restores only ever add versions, so a rollback is exact: remove what
 * the restore added. A rollback that fails is retried until it succeeds, here in the
 * background and by any instance's recovery once its lease has run out.
 */
export class RestoreJournals {
  private readonly journals: Collection<RestoreJournal>;
  private readonly bulk: LibraryBulk;
  private readonly events: Events;
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly retry: { firstMs: number; maxMs: number };
  /** This process, as named in the journals it writes. */
  readonly instanceId = randomUUID();
  /** Journals this process is applying or undoing right now; its own recovery leaves them alone. */
  private readonly working = new Set<string>();
  private readonly rolledBackListeners: ((userId: number) => void)[] = [];

  constructor(deps: {
    db: Db;
    bulk: LibraryBulk;
    events: Events;
    clock?: () => Date;
    leaseMs?: number;
    rollbackRetry?: { firstMs: number; maxMs: number };
  }) {
    this.journals = deps.db.collection<RestoreJournal>(COLLECTIONS.restoreJournals);
    this.bulk = deps.bulk;
    this.events = deps.events;
    this.now = deps.clock ?? (() => new Date());
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.retry = deps.rollbackRetry ?? { firstMs: 1000, maxMs: 30_000 };
  }

  onDeferredRollback(listener: (userId: number) => void): void {
    this.rolledBackListeners.push(listener);
  }

  /** Refuses to start while one of the user's restores is still applying or being undone. */
  async ensureNoneUnfinished(userId: number): Promise<void> {
    const open = await this.journals.findOne({ userId, status: { $in: ["applying", "rolling_back"] } }, { projection: { _id: 1 } });
    if (open) throw new RestoreError("previous_restore_pending");
  }

  /**
   * Writes the `applying` journal. `beforeBatch` renews the lease and stops the restore
   * if another instance has rolled it back; `finished` ends this process's claim on it.
   */
  async begin(userId: number, restoreId: ObjectId, emergencyBackupId: string) {
    const startedAt = this.now();
    await this.journals.insertOne({
      _id: restoreId,
      userId,
      status: "applying",
      startedAt,
      instanceId: this.instanceId,
      heartbeatAt: startedAt,
      emergencyBackupId: new ObjectId(emergencyBackupId),
    });
    this.working.add(restoreId.toHexString());
    return {
      beforeBatch: async () => {
        const alive = await this.journals.updateOne({ _id: restoreId, status: "applying" }, { $set: { heartbeatAt: this.now() } });
        if (alive.matchedCount === 0) throw new Error("the restore was rolled back while it was applying");
      },
      finished: () => {
        this.working.delete(restoreId.toHexString());
      },
    };
  }

  async complete(userId: number, restoreId: ObjectId, counts: RestoreJournal["counts"]): Promise<void> {
    const done = await this.journals.updateOne(
      { _id: restoreId, userId, status: "applying" },
      { $set: { status: "completed", finishedAt: this.now(), counts } },
    );
    if (done.matchedCount === 0) throw new Error("the restore was rolled back while it was applying");
  }

  /**
   * Removes what the restore added and marks it rolled back. The journal is marked
   * `rolling_back` first (with a fresh lease), so a crash half-way is found by
   * recovery. Returns "completed" (and removes nothing) when the restore had in fact finished.
   */
  async rollback(userId: number, restoreId: ObjectId): Promise<"rolled_back" | "completed"> {
    const journal = await this.journals.findOne({ _id: restoreId, userId });
    if (journal?.status === "completed") return "completed";
    if (journal && journal.status !== "rolled_back") {
      await this.journals.updateOne(
        { _id: restoreId, status: journal.status },
        { $set: { status: "rolling_back", heartbeatAt: this.now(), instanceId: this.instanceId } },
      );
    }
    const removed = await this.bulk.removeRestored(userId, restoreId);
    const done = await this.journals.updateOne(
      { _id: restoreId, userId, status: { $in: ["applying", "rolling_back"] } },
      { $set: { status: "rolled_back", finishedAt: this.now() } },
    );
    if (done.matchedCount > 0 || removed > 0) this.events.emit("restore_rolled_back", "warn", { userId, removed });
    return "rolled_back";
  }

  /** Tries the rollback again after a growing pause until it succeeds; then tells the listeners. */
  retryRollback(userId: number, restoreId: ObjectId, attempt: number): void {
    this.working.add(restoreId.toHexString());
    const delay = Math.min(this.retry.maxMs, this.retry.firstMs * 2 ** (attempt - 1));
    const timer = setTimeout(() => {
      this.rollback(userId, restoreId).then(
        () => {
          this.working.delete(restoreId.toHexString());
          for (const listener of this.rolledBackListeners) listener(userId);
        },
        (err: Error) => {
          this.events.emit("restore_rollback_failed", "error", { userId, attempt, error: err.message });
          this.retryRollback(userId, restoreId, attempt + 1);
        },
      );
    }, delay);
    // A process that stops leaves the journal in place; the next recovery (here or elsewhere) finishes it.
    timer.unref();
  }

  /**
   * Restores whose process died, or whose rollback failed (no sign of life for the
   * lease time, in `applying` or `rolling_back`, this instance's own included unless it
   * is working on them right now) are rolled back, so a library is never left
   * half-restored. A rollback that fails here is left `rolling_back` with a fresh
   * lease and tried again once that runs out. Returns the users whose restore was rolled back.
   */
  async recover(): Promise<number[]> {
    const stale = new Date(this.now().getTime() - this.leaseMs);
    const open = await this.journals.find({ status: { $in: ["applying", "rolling_back"] }, heartbeatAt: { $lt: stale } }).toArray();
    const users: number[] = [];
    for (const journal of open) {
      if (this.working.has(journal._id.toHexString())) continue;
      // Claim it first (a fresh lease), so two instances recovering at once do not both do it.
      const claimed = await this.journals.updateOne(
        { _id: journal._id, status: journal.status, heartbeatAt: journal.heartbeatAt },
        { $set: { status: "rolling_back", heartbeatAt: this.now(), instanceId: this.instanceId } },
      );
      if (claimed.matchedCount === 0) continue;
      try {
        if ((await this.rollback(journal.userId, journal._id)) === "rolled_back") users.push(journal.userId);
      } catch (err) {
        this.events.emit("restore_rollback_failed", "error", { userId: journal.userId, recovery: true, error: (err as Error).message });
      }
    }
    return users;
  }
}
