import { ObjectId, type Db } from "mongodb";
import type { BackupService } from "../backups/backup-service.js";
import type { Events } from "../events.js";
import type { FileLibrary } from "../files/file-library.js";
import type { LibraryBulk } from "../files/library-bulk.js";
import type { BulkVersionInput, FileSummary } from "../files/file-types.js";
import { fileNameKey, fileNameProblem } from "../files/text.js";
import { archiveLimits, type ArchiveLimits, type ArchiveOrigin } from "../archive/archive-limits.js";
import { loadArchive, type ArchiveFile, type ArchiveHint, type LoadedArchive } from "../archive/archive-loader.js";
import { decisionFor, firstDifference, planRestorePaced, suggestRename, type RestorePlan } from "./restore-planner.js";
import { RestoreJournals } from "./restore-journals.js";
import { StagedUploads } from "./staged-uploads.js";
import type { ImportQuota } from "../imports/import-quota.js";
import { Pacer } from "../work/pacer.js";
import { originOfBackup, type BackupSummary } from "../backups/backup-types.js";
import {
  RestoreError,
  type ConflictCard,
  type RestoreDecisions,
  type RestorePreview,
  type RestoreResult,
} from "./restore-types.js";

/** Conflict cards carried into the conversation; more than this are decided with "apply to all". */
const MAX_CARDS = 200;
const MAX_DIFF_LINE = 120;

/** What a restore reads: a stored backup, or a ZIP the user sent, staged once (staged-uploads.ts). */
export type RestoreSource = { backupId: string } | { uploadId: string };

/**
 * Restores an archive into a user's library: validate everything, plan, take an
 * emergency backup, add versions in bulk under a journal, roll back on failure.
 * Restores only ever add versions, so rollback (now or after a crash) is exact:
 * remove what this restore added.
 */

export class RestoreService {
  private readonly journal: RestoreJournals;
  private readonly files: FileLibrary;
  private readonly bulk: LibraryBulk;
  private readonly backups: BackupService;
  private readonly events: Events;
  private readonly limits: ArchiveLimits;
  private readonly uploads: StagedUploads;
  private readonly quota: ImportQuota | undefined;

  constructor(deps: {
    db: Db;
    files: FileLibrary;
    bulk: LibraryBulk;
    backups: BackupService;
    events: Events;
    clock?: () => Date;
    /** A restore whose journal shows no sign of life for this long is considered dead. */
    leaseMs?: number;
    /** Background retries of a failed rollback: the first wait, doubled each time up to the largest. */
    rollbackRetry?: { firstMs: number; maxMs: number };
    /** Limits per archive origin (archive-limits.ts); default: the defaults, own backups following the library cap. */
    archiveLimits?: ArchiveLimits;
    /** Where uploaded archives are staged; one over the same database otherwise. */
    uploads?: StagedUploads;
    /** Imports per user per hour: a ZIP the user sends counts as one when it is staged. */
    importQuota?: ImportQuota;
  }) {
    this.quota = deps.importQuota;
    this.uploads = deps.uploads ?? new StagedUploads(deps);
    this.journal = new RestoreJournals(deps);
    this.files = deps.files;
    this.bulk = deps.bulk;
    this.backups = deps.backups;
    this.events = deps.events;
    this.limits = deps.archiveLimits ?? archiveLimits({ library: deps.files.limits });
  }

  /** This process, as named in the journals it writes. */
  get instanceId(): string {
    return this.journal.instanceId;
  }

  /** Called with the user's id when a rollback that had failed has been finished in the background. */
  onDeferredRollback(listener: (userId: number) => void): void {
    this.journal.onDeferredRollback(listener);
  }

  /** Validates the whole archive from its source (throws ArchiveError) and shows what a restore would change. */
  async preview(userId: number, source: RestoreSource): Promise<RestorePreview> {
    const archive = await this.open(userId, source);
    const { plan, library } = await this.plan(userId, archive);
    // The new files alone must fit under the library cap (FileError library_full), or nothing can be restored.
    const fresh = plan.new.flatMap((f) => [f, ...(f.history ?? [])]);
    if (fresh.length) await this.files.checkRoom(userId, fresh.length, fresh.reduce((sum, f) => sum + f.size, 0));
    const shown = plan.conflicts.slice(0, MAX_CARDS);
    const currents = await this.bulk.readContents(
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

  /**
   * Restores from the source with the user's decisions. A stored backup being restored
   * is protected from the emergency backup's retention.
   */
  async apply(userId: number, source: RestoreSource, decisions: RestoreDecisions): Promise<RestoreResult> {
    const archive = await this.open(userId, source);
    const { plan, library } = await this.plan(userId, archive);
    // Names the library has held before (now deleted) keep their own history: see operations().
    const held = await this.bulk.maxVersions(
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

    // Past the library cap nothing is written (FileError library_full), before the emergency backup.
    await this.files.checkRoom(userId, inputs.length, await this.bulk.totalBytes(inputs));
    const restoreId = new ObjectId();
    this.events.emit("restore_started", "info", { userId, files: inputs.length });
    let emergency;
    try {
      emergency = await this.backups.create(userId, {
        type: "emergency",
        withHistory: true,
        protect: "backupId" in source ? [source.backupId] : [],
      });
    } catch (err) {
      this.events.emit("restore_failed", "error", { userId, files: inputs.length, step: "emergency_backup", error: (err as Error).message });
      throw new RestoreError("emergency_failed", { cause: err });
    }
    result.emergencyBackupId = emergency.id;
    const { beforeBatch, finished } = await this.journal.begin(userId, restoreId, emergency.id);
    let retrying = false;
    try {
      await this.bulk.addVersionsInBulk(userId, inputs, restoreId, { beforeBatch });
      await this.journal.complete(userId, restoreId, withoutEmergency(result));
    } catch (err) {
      this.events.emit("restore_failed", "error", { userId, files: inputs.length, error: (err as Error).message });
      let outcome: "rolled_back" | "completed";
      try {
        outcome = await this.journal.rollback(userId, restoreId);
      } catch (rollbackErr) {
        // The journal still says what this restore added: undo it as soon as the database lets us.
        this.events.emit("restore_rollback_failed", "error", { userId, attempt: 0, error: (rollbackErr as Error).message });
        retrying = true;
        this.journal.retryRollback(userId, restoreId, 1);
        throw new RestoreError("rollback_pending", { cause: err });
      }
      // The completion was written but its answer was lost: the restore did go through.
      if (outcome === "completed") {
        this.events.emit("restore_completed", "info", { userId, ...withoutEmergency(result) });
        return result;
      }
      throw new RestoreError("apply_failed", { cause: err });
    } finally {
      if (!retrying) finished();
    }
    this.events.emit("restore_completed", "info", { userId, ...withoutEmergency(result) });
    return result;
  }

  /**
   * Keeps an uploaded archive as an imported backup instead of restoring it: validated first,
   * recorded with its files' count and total size (history included), then the staged upload goes.
   */
  async keepUpload(userId: number, uploadId: string): Promise<BackupSummary> {
    const { bytes, fileName } = await this.uploads.read(userId, uploadId);
    const archive = await loadArchive(bytes, this.limits.upload);
    const versions = archive.files.flatMap((f) => [f, ...(f.history ?? [])]);
    const kept = await this.backups.storeImported(userId, bytes, {
      type: "imported_zip",
      fileCount: archive.files.length,
      totalSize: versions.reduce((sum, f) => sum + f.size, 0),
      source: fileName,
    });
    await this.uploads.discard(userId, uploadId);
    return kept;
  }

  /**
   * Stages a ZIP the user sent, once, for the steps of one restore: returns its upload id
   * (owner-scoped, expiring). It counts as an import: past the user's imports per hour it throws
   * LimitError before `bytes` is called, so nothing is downloaded or stored.
   */
  async stageUpload(userId: number, bytes: Buffer | (() => Promise<Buffer>), fileName: string): Promise<string> {
    await this.quota?.claim(userId, "zip");
    return this.uploads.stage(userId, typeof bytes === "function" ? await bytes() : bytes, fileName);
  }

  /** The restore that used an upload is over: its staged bytes go now rather than at expiry. */
  endUpload(userId: number, uploadId: string): Promise<void> {
    return this.uploads.discard(userId, uploadId);
  }

  /** Housekeeping (every user): staged uploads not used within their hour are removed, bytes included. */
  sweepUploads(): Promise<number> {
    return this.uploads.sweep();
  }

  /**
   * The archive a source names, validated under the limits of where it comes from (throws
   * ArchiveError), once no earlier restore of the user's is left unfinished.
   */
  private async open(userId: number, source: RestoreSource): Promise<LoadedArchive> {
    const { bytes, hint, origin } = await this.read(userId, source);
    await this.journal.ensureNoneUnfinished(userId);
    return loadArchive(bytes, this.limits[origin], hint);
  }

  /** The archive bytes a source names, with the limits of where they come from. */
  private async read(userId: number, source: RestoreSource): Promise<{ bytes: Buffer; hint?: ArchiveHint; origin: ArchiveOrigin }> {
    if ("uploadId" in source) return { bytes: (await this.uploads.read(userId, source.uploadId)).bytes, origin: "upload" };
    const { bytes, backup } = await this.backups.download(userId, source.backupId);
    return { bytes, hint: backup.repo ? repoHint(backup.repo) : undefined, origin: originOfBackup(backup.type) };
  }

  /** Is `name` usable as a rename target for this archive? */
  checkRenameTarget(name: string, taken: ReadonlySet<string>): "ok" | "rename_invalid" | "rename_taken" {
    if (fileNameProblem(name.normalize("NFC"))) return "rename_invalid";
    const key = fileNameKey(name);
    return taken.has(name) || [...taken].some((t) => fileNameKey(t) === key) ? "rename_taken" : "ok";
  }

  /**
   * Rolls back restores whose process died or whose rollback failed (see
   * RestoreJournals.recover); run at start-up and periodically. Returns the users.
   */
  recoverInterrupted(): Promise<number[]> {
    return this.journal.recover();
  }

  private async plan(userId: number, archive: LoadedArchive): Promise<{ plan: RestorePlan<ArchiveFile, FileSummary>; library: FileSummary[] }> {
    // Case-only and NFC/NFD twins of archive names are conflicts too (restore-planner.ts).
    const library = await this.bulk.latestOf(userId, await this.bulk.liveNamesLike(userId, archive.files.map((f) => f.name)));
    const plan = await planRestorePaced(archive.files, library, archive.rejected, new Pacer());
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
      const decision = decisionFor(decisions.perFile, conflict.incoming.name, decisions.defaultAction ?? "skip");
      if (decision.action === "skip") {
        result.skipped++;
      } else if (decision.action === "replace") {
        // Under the library's spelling: a case-only twin replaces the file it would overwrite.
        const current = conflict.current;
        inputs.push(
          toInput(conflict.incoming, current.fileName, {
            tags: conflict.incoming.tags.length ? conflict.incoming.tags : current.tags,
            note: conflict.incoming.note || current.note,
          }),
        );
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

/** The content is read (and an archive's text decoded) only when the bulk insert gets to it, step by step. */
function toInput(file: ArchiveFile, fileName: string, meta: { tags: string[]; note: string } = file): BulkVersionInput {
  return {
    fileName,
    get content() {
      return file.content;
    },
    language: file.language,
    tags: meta.tags,
    note: meta.note,
  };
}

/** How a GitHub backup's zipball folder splits (`owner-repo-sha`), from the repository it recorded. */
function repoHint(repo: { name: string; branch?: string }): ArchiveHint {
  const [owner, name] = repo.name.includes("/") ? repo.name.split("/") : [undefined, repo.name];
  return { owner, repo: name, ref: repo.branch };
}
