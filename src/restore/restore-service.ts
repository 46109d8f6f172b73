import { randomUUID } from "node:crypto";
import { ObjectId, type Collection, type Db } from "mongodb";
import type { BackupService } from "../backups/backup-service.js";
import type { Events } from "../events.js";
import type { FileLibrary } from "../files/file-library.js";
import type { BulkVersionInput, FileSummary } from "../files/file-types.js";
import { fileNameProblem } from "../files/text.js";
import { loadArchive, type ArchiveFile, type ArchiveHint, type LoadedArchive } from "./restore-archive.js";
import { firstDifference, planRestore, suggestRename, type RestorePlan } from "./restore-planner.js";
import {
  RestoreError,
  type ConflictCard,
  type RestoreDecisions,
  type RestoreJournal,
  type RestorePreview,
  type RestoreResult,
} from "./restore-types.js";

export const JOURNALS = "restore_journals";
/** Conflict cards carried into the conversation; more than this are decided with "apply to all". */
const MAX_CARDS = 200;
const MAX_DIFF_LINE = 120;

/**
 * Restores an archive into a user's library: validate everything, plan, take an
 * emergency backup, add versions in bulk under a journal, roll back on failure.
 * Restores only ever add versions, so rollback (now or after a crash) is exact:
 * remove what this restore added.
 */
export class RestoreService {
  private readonly journals: Collection<RestoreJournal>;
  private readonly files: FileLibrary;
  private readonly backups: BackupService;
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
    files: FileLibrary;
    backups: BackupService;
    events: Events;
    clock?: () => Date;
    /** A restore whose journal shows no sign of life for this long is considered dead. */
    leaseMs?: number;
    /** Background retries of a failed rollback: the first wait, doubled each time up to the largest. */
    rollbackRetry?: { firstMs: number; maxMs: number };
  }) {
    this.journals = deps.db.collection<RestoreJournal>(JOURNALS);
    this.files = deps.files;
    this.backups = deps.backups;
    this.events = deps.events;
    this.now = deps.clock ?? (() => new Date());
    this.leaseMs = deps.leaseMs ?? 30_000;
    this.retry = deps.rollbackRetry ?? { firstMs: 1000, maxMs: 30_000 };
  }

  /** Called with the user's id when a rollback that had failed has been finished in the background. */
  onDeferredRollback(listener: (userId: number) => void): void {
    this.rolledBackListeners.push(listener);
  }

  /** Validates the whole archive (throws ArchiveError) and shows what a restore would change. */
  async preview(userId: number, bytes: Buffer, hint?: ArchiveHint): Promise<RestorePreview> {
    await this.ensureNoneUnfinished(userId);
    const archive = loadArchive(bytes, undefined, hint);
    const { plan, library } = await this.plan(userId, archive);
    const shown = plan.conflicts.slice(0, MAX_CARDS);
    const currents = await this.files.readContents(
      userId,
      shown.map((c) => c.current.id),
    );
    const conflicts: ConflictCard[] = [];
    for (const c of shown) {
      const diff = firstDifference(currents.get(c.current.id) ?? "", c.incoming.content);
      conflicts.push({
        name: c.incoming.name,
        currentSize: c.current.size,
        incomingSize: c.incoming.size,
        currentDate: c.current.updatedAt.toISOString(),
        incomingDate: c.incoming.updatedAt?.toISOString(),
        diff: diff && { line: diff.line, current: diff.current.slice(0, MAX_DIFF_LINE), incoming: diff.incoming.slice(0, MAX_DIFF_LINE) },
      });
    }
    return {
      format: archive.format,
      repo: archive.repo,
      counts: {
        new: plan.new.length,
        unchanged: plan.unchanged.length,
        conflicts: plan.conflicts.length,
        rejected: plan.rejected.length,
      },
      conflicts,
      rejected: plan.rejected.slice(0, 50),
      takenNames: [...new Set([...library.map((f) => f.fileName), ...archive.files.map((f) => f.name)])],
    };
  }

  /** Is `name` usable as a rename target for this archive? */
  checkRenameTarget(name: string, taken: ReadonlySet<string>): "ok" | "rename_invalid" | "rename_taken" {
    if (fileNameProblem(name)) return "rename_invalid";
    return taken.has(name) ? "rename_taken" : "ok";
  }

  /** `sourceBackupId`: the stored backup being restored, which the emergency backup's retention must not prune. */
  async apply(
    userId: number,
    bytes: Buffer,
    decisions: RestoreDecisions,
    hint?: ArchiveHint,
    opts: { sourceBackupId?: string } = {},
  ): Promise<RestoreResult> {
    await this.ensureNoneUnfinished(userId);
    const archive = loadArchive(bytes, undefined, hint);
    const { plan, library } = await this.plan(userId, archive);
    // Names the library has held before (now deleted) keep their own history: see operations().
    const held = await this.files.maxVersions(
      userId,
      plan.new.filter((f) => f.history?.length).map((f) => f.name),
    );
    const { inputs, result } = this.operations(plan, library, decisions, held);
    result.unchanged = plan.unchanged.length;
    result.rejected = plan.rejected.length;
    if (!inputs.length) {
      this.events.emit("restore_completed", "info", { userId, ...result });
      return result;
    }

    const restoreId = new ObjectId();
    this.events.emit("restore_started", "info", { userId, files: inputs.length });
    let emergency;
    try {
      emergency = await this.backups.create(userId, {
        type: "emergency",
        withHistory: true,
        protect: opts.sourceBackupId ? [opts.sourceBackupId] : [],
      });
    } catch (err) {
      this.events.emit("restore_failed", "error", { userId, files: inputs.length, step: "emergency_backup", error: (err as Error).message });
      throw new RestoreError("emergency_failed", { cause: err });
    }
    result.emergencyBackupId = emergency.id;
    const startedAt = this.now();
    await this.journals.insertOne({
      _id: restoreId,
      userId,
      status: "applying",
      startedAt,
      instanceId: this.instanceId,
      heartbeatAt: startedAt,
      emergencyBackupId: new ObjectId(emergency.id),
    });
    // Before each batch: renew the lease, and stop if another instance has rolled this restore back.
    const beforeBatch = async () => {
      const alive = await this.journals.updateOne({ _id: restoreId, status: "applying" }, { $set: { heartbeatAt: this.now() } });
      if (alive.matchedCount === 0) throw new Error("the restore was rolled back while it was applying");
    };
    this.working.add(restoreId.toHexString());
    let retrying = false;
    try {
      await this.files.addVersionsInBulk(userId, inputs, restoreId, { beforeBatch });
      const done = await this.journals.updateOne(
        { _id: restoreId, userId, status: "applying" },
        { $set: { status: "completed", finishedAt: this.now(), counts: withoutEmergency(result) } },
      );
      if (done.matchedCount === 0) throw new Error("the restore was rolled back while it was applying");
    } catch (err) {
      this.events.emit("restore_failed", "error", { userId, files: inputs.length, error: (err as Error).message });
      let outcome: Awaited<ReturnType<RestoreService["rollback"]>>;
      try {
        outcome = await this.rollback(userId, restoreId);
      } catch (rollbackErr) {
        // The journal still says what this restore added: undo it as soon as the database lets us.
        this.events.emit("restore_rollback_failed", "error", { userId, attempt: 0, error: (rollbackErr as Error).message });
        retrying = true;
        this.retryRollback(userId, restoreId, 1);
        throw new RestoreError("rollback_pending", { cause: err });
      }
      // The completion was written but its answer was lost: the restore did go through.
      if (outcome === "completed") {
        this.events.emit("restore_completed", "info", { userId, ...withoutEmergency(result) });
        return result;
      }
      throw new RestoreError("apply_failed", { cause: err });
    } finally {
      if (!retrying) this.working.delete(restoreId.toHexString());
    }
    this.events.emit("restore_completed", "info", { userId, ...withoutEmergency(result) });
    return result;
  }

  /**
   * Restores whose process died, or whose rollback failed (no sign of life for the
   * lease time, in `applying` or `rolling_back`, this instance's own included unless it
   * is working on them right now) are rolled back, so a library is never left
   * half-restored. Run at start-up and periodically; a rollback that fails here is
   * left `rolling_back` with a fresh lease and tried again once that runs out.
   * Returns the users whose restore was rolled back.
   */
  async recoverInterrupted(): Promise<number[]> {
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

  /** Refuses to start while one of the user's restores is still applying or being undone. */
  private async ensureNoneUnfinished(userId: number): Promise<void> {
    const open = await this.journals.findOne({ userId, status: { $in: ["applying", "rolling_back"] } }, { projection: { _id: 1 } });
    if (open) throw new RestoreError("previous_restore_pending");
  }

  /**
   * Removes what the restore added and marks it rolled back. The journal is marked
   * `rolling_back` first, so a crash half-way is found by recovery. Returns
   * "completed" (and removes nothing) when the restore had in fact finished.
   */
  private async rollback(userId: number, restoreId: ObjectId): Promise<"rolled_back" | "completed"> {
    const journal = await this.journals.findOne({ _id: restoreId, userId });
    if (journal?.status === "completed") return "completed";
    if (journal && journal.status !== "rolled_back") {
      await this.journals.updateOne(
        { _id: restoreId, status: journal.status },
        { $set: { status: "rolling_back", heartbeatAt: this.now(), instanceId: this.instanceId } },
      );
    }
    const removed = await this.files.removeRestored(userId, restoreId);
    const done = await this.journals.updateOne(
      { _id: restoreId, userId, status: { $in: ["applying", "rolling_back"] } },
      { $set: { status: "rolled_back", finishedAt: this.now() } },
    );
    if (done.matchedCount > 0 || removed > 0) this.events.emit("restore_rolled_back", "warn", { userId, removed });
    return "rolled_back";
  }

  /** Tries the rollback again after a growing pause until it succeeds; then tells the listeners. */
  private retryRollback(userId: number, restoreId: ObjectId, attempt: number): void {
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

  private async plan(userId: number, archive: LoadedArchive): Promise<{ plan: RestorePlan<ArchiveFile, FileSummary>; library: FileSummary[] }> {
    const library = await this.files.latestOf(
      userId,
      archive.files.map((f) => f.name),
    );
    const plan = planRestore(archive.files, library, archive.rejected);
    return { plan, library };
  }

  /**
   * The versions to add and the counts. A new file brings its earlier versions
   * (oldest first, before it) when the library has never held its name: they
   * become its history. Where the name was held before (now deleted), its own
   * history is still there and only the latest version is added, as for a file
   * without history.
   */
  private operations(plan: RestorePlan<ArchiveFile, FileSummary>, library: FileSummary[], decisions: RestoreDecisions, held: ReadonlyMap<string, number>) {
    const result: RestoreResult = { restored: 0, new: 0, replaced: 0, renamed: 0, skipped: 0, unchanged: 0, rejected: 0, olderVersions: 0 };
    const inputs: BulkVersionInput[] = plan.new.flatMap((f) => {
      const older = held.has(f.name) ? [] : (f.history ?? []);
      result.olderVersions += older.length;
      return [...older.map((v) => toInput(v, f.name)), toInput(f, f.name)];
    });
    result.new = plan.new.length;
    const taken = new Set([...library.map((f) => f.fileName), ...plan.new.map((f) => f.name)]);
    for (const c of plan.conflicts) taken.add(c.incoming.name);
    for (const conflict of plan.conflicts) {
      const decision = decisions.perFile?.[conflict.incoming.name] ?? { action: decisions.defaultAction ?? "skip" };
      if (decision.action === "skip") {
        result.skipped++;
      } else if (decision.action === "replace") {
        const current = library.find((f) => f.fileName === conflict.incoming.name)!;
        inputs.push({
          ...toInput(conflict.incoming, conflict.incoming.name),
          tags: conflict.incoming.tags.length ? conflict.incoming.tags : current.tags,
          note: conflict.incoming.note || current.note,
        });
        result.replaced++;
      } else {
        let target = decision.renameTo?.trim() || suggestRename(conflict.incoming.name, taken);
        if (this.checkRenameTarget(target, taken) !== "ok") target = suggestRename(conflict.incoming.name, taken);
        taken.add(target);
        inputs.push(toInput(conflict.incoming, target));
        result.renamed++;
      }
    }
    result.restored = result.new + result.replaced + result.renamed;
    return { inputs, result };
  }
}

function withoutEmergency(result: RestoreResult): Omit<RestoreResult, "emergencyBackupId"> {
  const { emergencyBackupId: _ignored, ...counts } = result;
  return counts;
}

function toInput(file: ArchiveFile, fileName: string): BulkVersionInput {
  return { fileName, content: file.content, language: file.language, tags: file.tags, note: file.note };
}
