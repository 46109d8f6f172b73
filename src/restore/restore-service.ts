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

  constructor(deps: { db: Db; files: FileLibrary; backups: BackupService; events: Events; clock?: () => Date }) {
    this.journals = deps.db.collection<RestoreJournal>(JOURNALS);
    this.files = deps.files;
    this.backups = deps.backups;
    this.events = deps.events;
    this.now = deps.clock ?? (() => new Date());
  }

  /** Validates the whole archive (throws ArchiveError) and shows what a restore would change. */
  async preview(userId: number, bytes: Buffer, hint?: ArchiveHint): Promise<RestorePreview> {
    const archive = loadArchive(bytes, undefined, hint);
    const { plan, library } = await this.plan(userId, archive);
    const conflicts: ConflictCard[] = [];
    for (const c of plan.conflicts.slice(0, MAX_CARDS)) {
      const current = await this.files.readContent(userId, c.current.id);
      const diff = firstDifference(current, c.incoming.content);
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

  async apply(userId: number, bytes: Buffer, decisions: RestoreDecisions, hint?: ArchiveHint): Promise<RestoreResult> {
    const archive = loadArchive(bytes, undefined, hint);
    const { plan, library } = await this.plan(userId, archive);
    const { inputs, result } = this.operations(plan, library, decisions);
    result.unchanged = plan.unchanged.length;
    result.rejected = plan.rejected.length;
    if (!inputs.length) {
      this.events.emit("restore_completed", "info", { userId, ...result });
      return result;
    }

    const restoreId = new ObjectId();
    this.events.emit("restore_started", "info", { userId, files: inputs.length });
    const emergency = await this.backups.create(userId, { type: "emergency", withHistory: true });
    result.emergencyBackupId = emergency.id;
    await this.journals.insertOne({
      _id: restoreId,
      userId,
      status: "applying",
      startedAt: this.now(),
      emergencyBackupId: new ObjectId(emergency.id),
    });
    try {
      await this.files.addVersionsInBulk(userId, inputs, restoreId);
    } catch (err) {
      this.events.emit("restore_failed", "error", { userId, files: inputs.length, error: (err as Error).message });
      await this.rollback(userId, restoreId);
      throw new RestoreError("apply_failed", { cause: err });
    }
    const { emergencyBackupId: _e, ...counts } = result;
    await this.journals.updateOne({ _id: restoreId, userId }, { $set: { status: "completed", finishedAt: this.now(), counts } });
    this.events.emit("restore_completed", "info", { userId, ...counts });
    return result;
  }

  /**
   * At start-up: restores that were applying when the process died are rolled
   * back, so a library is never left half-restored. Returns how many.
   */
  async recoverInterrupted(): Promise<number> {
    const open = await this.journals.find({ status: "applying" }).toArray();
    for (const journal of open) await this.rollback(journal.userId, journal._id);
    return open.length;
  }

  private async rollback(userId: number, restoreId: ObjectId): Promise<void> {
    const removed = await this.files.removeRestored(userId, restoreId);
    await this.journals.updateOne({ _id: restoreId, userId }, { $set: { status: "rolled_back", finishedAt: this.now() } });
    this.events.emit("restore_rolled_back", "warn", { userId, removed });
  }

  private async plan(userId: number, archive: LoadedArchive): Promise<{ plan: RestorePlan<ArchiveFile, FileSummary>; library: FileSummary[] }> {
    const library = await this.files.latestOf(
      userId,
      archive.files.map((f) => f.name),
    );
    const plan = planRestore(archive.files, library, archive.rejected);
    return { plan, library };
  }

  private operations(plan: RestorePlan<ArchiveFile, FileSummary>, library: FileSummary[], decisions: RestoreDecisions) {
    const result: RestoreResult = { restored: 0, new: 0, replaced: 0, renamed: 0, skipped: 0, unchanged: 0, rejected: 0 };
    const inputs: BulkVersionInput[] = plan.new.map((f) => toInput(f, f.name));
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

function toInput(file: ArchiveFile, fileName: string): BulkVersionInput {
  return { fileName, content: file.content, language: file.language, tags: file.tags, note: file.note };
}
