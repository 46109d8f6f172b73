import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { ObjectId, type Collection, type Db } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";
import { parseObjectId } from "../db/object-ids.js";
import type { Events } from "../events.js";
import type { FileLibrary } from "../files/file-library.js";
import type { LibraryBulk } from "../files/library-bulk.js";
import type { Page } from "../files/file-types.js";
import { archiveLimits, type ArchiveLimits } from "../archive/archive-limits.js";
import { writeBackupArchive } from "../archive/archive-writer.js";
import { splitArchive, type ArchivePart } from "./backup-parts.js";
import { BackupStore } from "./backup-store.js";
import {
  BackupError,
  RATINGS,
  toBackupSummary,
  type BackupDoc,
  type BackupSummary,
  type BackupType,
  type Rating,
  type VerifyResult,
  originOfBackup,
} from "./backup-types.js";
import { verifyArchive } from "./backup-verify.js";
import { DEFAULT_RETENTION_RULES, type RetentionRules } from "./retention.js";
import { backupCapError, DEFAULT_BACKUP_CAP, LimitError, type BackupCap, type BackupUsage } from "../work/fair-limits.js";
import { keptAfterRotation, PRUNABLE, toPruneOfKind } from "./backup-cap.js";
import { fetchPage } from "../db/pages.js";

export const MAX_BACKUP_NOTE_LENGTH = 1000;
/** Telegram lets a bot upload 50 MB; parts stay safely below that. */
export const DEFAULT_PART_BYTES = 45 * 1024 * 1024;

export interface BackupServiceDeps {
  db: Db;
  files: FileLibrary;
  bulk: LibraryBulk;
  events: Events;
  clock?: () => Date;
  retention?: Partial<RetentionRules>;
  partBytes?: number;
  zipLevel?: number;
  /** Limits by origin for reading a stored archive back (verify, split); from the library cap otherwise. */
  archiveLimits?: ArchiveLimits;
  /** Backups one user may keep on the server (count, bytes); see create() for which backups it stops. */
  cap?: BackupCap;
}

/** Full backups of a user's library: a ZIP streamed into GridFS, listed, rated, verified, split and pruned. */
export class BackupService {
  readonly backups: Collection<BackupDoc>;
  readonly store: BackupStore;
  readonly partBytes: number;
  private readonly bulk: LibraryBulk;
  private readonly events: Events;
  private readonly now: () => Date;
  private readonly retention: RetentionRules;
  private readonly zipLevel: number;
  private readonly limits: ArchiveLimits;
  readonly cap: BackupCap;

  constructor(deps: BackupServiceDeps) {
    this.backups = deps.db.collection<BackupDoc>(COLLECTIONS.backups);
    this.store = new BackupStore(deps.db);
    this.bulk = deps.bulk;
    this.events = deps.events;
    this.now = deps.clock ?? (() => new Date());
    this.retention = { ...DEFAULT_RETENTION_RULES, ...deps.retention };
    this.partBytes = deps.partBytes ?? DEFAULT_PART_BYTES;
    this.zipLevel = deps.zipLevel ?? 6;
    this.limits = deps.archiveLimits ?? archiveLimits({ library: deps.files.limits });
    this.cap = deps.cap ?? DEFAULT_BACKUP_CAP;
  }

  /**
   * Streams the user's files from a cursor into a ZIP in GridFS and records it.
   * On any failure the partial upload is removed and no backups document exists.
   * Retention then runs for this kind of backup only; the new backup and those in
   * `protect` (e.g. the backup a restore is reading) are never pruned by it.
   *
   * The per-user cap (count and bytes, after the rotation this backup triggers) refuses a backup
   * the user asked for with LimitError `backups_full`, before writing or, once its size is known,
   * by removing what was written: nothing is half-saved. Backups taken to protect data are never
   * refused: the emergency backup before a restore, and `capped: false` (Drive copies, the
   * operator's CLI); they rotate under their kind's retention like every backup.
   */
  async create(
    userId: number,
    opts: { withHistory?: boolean; type?: BackupType; protect?: string[]; capped?: boolean } = {},
  ): Promise<BackupSummary> {
    const id = new ObjectId();
    const createdAt = this.now();
    const type = opts.type ?? "full_backup";
    const withHistory = opts.withHistory ?? false;
    const capped = type !== "emergency" && (opts.capped ?? true);
    const kept = capped ? await this.roomFor(userId, type, 0, opts.protect) : undefined;
    this.events.emit("backup_create_start", "info", { userId, type, withHistory });
    const upload = this.store.beginUpload(backupFileName(createdAt), { userId });
    let doc: BackupDoc;
    try {
      const totals = await writeBackupArchive(
        upload.input,
        this.bulk.iterateForBackup(userId, { withHistory }),
        { backupId: id.toHexString(), type, createdAt, userId },
        { level: this.zipLevel },
      );
      const stored = await upload.commit();
      const over = kept && backupCapError(kept, stored.size, this.cap);
      if (over) throw over;
      doc = {
        _id: id,
        userId,
        type,
        createdAt,
        fileCount: totals.fileCount,
        totalSize: totals.totalSize,
        zipSize: stored.size,
        sha256: stored.sha256,
        gridFsId: upload.id,
        withHistory,
      };
      await this.backups.insertOne(doc);
    } catch (err) {
      await upload.abort().catch(() => {});
      if (err instanceof LimitError) {
        this.events.emit("backup_cap_reached", "warn", { userId, type, ...err.details });
        throw err;
      }
      this.events.emit("backup_create_error", "error", { userId, type, error: (err as Error).message });
      throw new BackupError("create_failed", { cause: err });
    }
    this.events.emit("backup_create_success", "info", {
      userId,
      type,
      fileCount: doc.fileCount,
      totalSize: doc.totalSize,
      zipSize: doc.zipSize,
    });
    await this.pruneAfterWrite(userId, type, [id.toHexString(), ...(opts.protect ?? [])]);
    return toBackupSummary(doc);
  }

  /**
   * Keeps an archive that came from outside (a ZIP the user sent, a GitHub
   * repository) as a backup, byte for byte. The caller has validated it. The user asked for it,
   * so the per-user cap applies (LimitError `backups_full`, nothing written).
   */
  async storeImported(
    userId: number,
    bytes: Buffer,
    info: { type: "imported_zip" | "github_repo_zip"; fileCount: number; totalSize: number; source?: string; repo?: BackupDoc["repo"] },
  ): Promise<BackupSummary> {
    await this.roomFor(userId, info.type, bytes.length);
    const createdAt = this.now();
    const upload = this.store.beginUpload(info.source ?? backupFileName(createdAt), { userId });
    let doc: BackupDoc;
    try {
      await writeInSlices(upload.input, bytes);
      const stored = await upload.commit();
      doc = {
        _id: new ObjectId(),
        userId,
        type: info.type,
        createdAt,
        fileCount: info.fileCount,
        totalSize: info.totalSize,
        zipSize: stored.size,
        sha256: stored.sha256,
        gridFsId: upload.id,
        withHistory: false,
        ...(info.source ? { source: info.source } : {}),
        ...(info.repo ? { repo: info.repo } : {}),
      };
      await this.backups.insertOne(doc);
    } catch (err) {
      await upload.abort().catch(() => {});
      throw new BackupError("create_failed", { cause: err });
    }
    this.events.emit("backup_imported", "info", { userId, type: info.type, fileCount: info.fileCount, zipSize: doc.zipSize });
    await this.pruneAfterWrite(userId, info.type, [doc._id.toHexString()]);
    return toBackupSummary(doc);
  }

  /** Newest first. */
  async list(userId: number, opts: { page?: number; pageSize?: number } = {}): Promise<Page<BackupSummary>> {
    const page = await fetchPage(
      opts.page,
      opts.pageSize ?? 10,
      () => this.backups.countDocuments({ userId }),
      (skip, limit) => this.backups.find({ userId }).sort({ createdAt: -1, _id: -1 }).skip(skip).limit(limit).toArray(),
    );
    return { ...page, items: page.items.map(toBackupSummary) };
  }

  async get(userId: number, id: string): Promise<BackupSummary | undefined> {
    const doc = await this.owned(userId, id);
    return doc ? toBackupSummary(doc) : undefined;
  }

  async rate(userId: number, id: string, rating: Rating): Promise<BackupSummary> {
    if (!RATINGS.includes(rating)) throw new BackupError("invalid_rating");
    const doc = await this.update(userId, id, { $set: { rating } });
    this.events.emit("backup_rated", "info", { userId, rating });
    return doc;
  }

  /** An empty note removes it. */
  async setNote(userId: number, id: string, note: string): Promise<BackupSummary> {
    const trimmed = note.trim();
    if (trimmed.length > MAX_BACKUP_NOTE_LENGTH) throw new BackupError("note_too_long");
    const doc = await this.update(userId, id, trimmed ? { $set: { note: trimmed } } : { $unset: { note: "" } });
    this.events.emit("backup_noted", "info", { userId, length: trimmed.length });
    return doc;
  }

  /** Re-reads the stored ZIP and checks its sha256, the manifest and every entry. */
  async verify(userId: number, id: string): Promise<VerifyResult> {
    const doc = await this.owned(userId, id);
    if (!doc) throw new BackupError("not_found");
    const bytes = await this.store.read(doc.gridFsId);
    const result: VerifyResult = bytes
      ? await verifyArchive(bytes, { expectedSha256: doc.sha256, limits: this.limits[originOfBackup(doc.type)], requireManifest: originOfBackup(doc.type) === "own" })
      : { ok: false, fileCount: 0, totalSize: 0, problems: [{ kind: "stored_bytes_missing" }] };
    await this.backups.updateOne({ _id: doc._id, userId }, { $set: { verifiedAt: this.now(), verifyOk: result.ok } });
    this.events.emit(result.ok ? "backup_verified" : "backup_verify_failed", result.ok ? "info" : "error", {
      userId,
      fileCount: result.fileCount,
      totalSize: result.totalSize,
      problems: result.problems.length,
    });
    return result;
  }

  /** Deletes the caller's backups among `ids` (others' ids are ignored); returns how many went. */
  async delete(userId: number, ids: string[]): Promise<number> {
    const objectIds = ids.flatMap((id) => parseObjectId(id) ?? []);
    const docs = await this.backups.find({ userId, _id: { $in: objectIds } }).toArray();
    await this.remove(docs);
    if (docs.length) this.events.emit("backup_deleted", "info", { userId, count: docs.length });
    return docs.length;
  }

  /** The stored ZIP, whole, with a download name. */
  async download(userId: number, id: string): Promise<{ fileName: string; bytes: Buffer; backup: BackupSummary }> {
    const doc = await this.owned(userId, id);
    const bytes = doc && (await this.store.read(doc.gridFsId));
    if (!doc || !bytes) throw new BackupError("not_found");
    return { fileName: backupFileName(doc.createdAt), bytes, backup: toBackupSummary(doc) };
  }

  /**
   * The backup as ZIPs of at most `partBytes` each: the stored archive when it fits,
   * otherwise standalone parts split by whole files, each with its own metadata.json.
   */
  async exportParts(userId: number, id: string, partBytes = this.partBytes): Promise<ArchivePart[]> {
    const { fileName, bytes, backup } = await this.download(userId, id);
    if (bytes.length <= partBytes) return [{ fileName, bytes }];
    return splitArchive(bytes, {
      partBytes,
      baseName: fileName.replace(/\.zip$/, ""),
      header: { backupId: backup.id, type: backup.type, createdAt: backup.createdAt, userId },
      level: this.zipLevel,
      limits: this.limits[originOfBackup(backup.type)],
    });
  }

  /** The stored ZIP as a stream from byte `start` (owner-checked); with the backup's file name. */
  async openStream(userId: number, id: string, start = 0): Promise<{ fileName: string; stream: Readable; backup: BackupSummary }> {
    const doc = await this.owned(userId, id);
    if (!doc) throw new BackupError("not_found");
    return { fileName: backupFileName(doc.createdAt), stream: this.store.openStream(doc.gridFsId, start, doc.zipSize), backup: toBackupSummary(doc) };
  }

  /**
   * Applies the retention rules to the user's backups of `types` (default: every kind),
   * each kind under its own rule; ids in `protect` are kept whatever the rules say.
   * Returns how many were pruned.
   */
  async applyRetention(userId: number, opts: { types?: readonly BackupType[]; protect?: readonly string[] } = {}): Promise<number> {
    const types = (opts.types ?? PRUNABLE).filter((t) => PRUNABLE.includes(t));
    const docs = await this.backups
      .find({ userId, type: { $in: [...types] } }, { projection: { _id: 1, type: 1, createdAt: 1, rating: 1, gridFsId: 1 } })
      .toArray();
    const prune = new Set<string>();
    for (const type of types) for (const id of toPruneOfKind(type, docs, opts.protect ?? [], this.retention, this.now())) prune.add(id);
    const doomed = docs.filter((d) => prune.has(d._id.toHexString()));
    await this.remove(doomed as BackupDoc[]);
    if (doomed.length) this.events.emit("backup_pruned", "info", { userId, count: doomed.length });
    return doomed.length;
  }

  /** What the user keeps once a backup of `type` is added and its kind rotates; LimitError past the cap (backup-cap.ts). */
  private async roomFor(userId: number, type: BackupType, bytes: number, protect: readonly string[] = []): Promise<BackupUsage> {
    const docs = await this.backups.find({ userId }, { projection: { _id: 1, type: 1, createdAt: 1, rating: 1, zipSize: 1 } }).toArray();
    const kept = keptAfterRotation(docs, type, protect, this.retention, this.now());
    const over = backupCapError(kept, bytes, this.cap);
    if (over) {
      this.events.emit("backup_cap_reached", "warn", { userId, type, ...over.details });
      throw over;
    }
    return kept;
  }

  /** Retention after a write, for the kind just written; a failure is logged, the new backup stands. */
  private async pruneAfterWrite(userId: number, type: BackupType, protect: string[]): Promise<void> {
    await this.applyRetention(userId, { types: [type], protect }).catch((err: Error) =>
      this.events.emit("backup_retention_error", "warn", { userId, error: err.message }),
    );
  }

  /** For the admin CLI: whose backup is this? */
  async ownerOf(id: string): Promise<number | undefined> {
    const _id = parseObjectId(id);
    if (!_id) return undefined;
    const doc = await this.backups.findOne({ _id }, { projection: { userId: 1 } });
    return doc?.userId;
  }

  /** For the weekly self-check: every user who has a backup. */
  async userIds(): Promise<number[]> {
    return (await this.backups.distinct("userId")) as number[];
  }

  /** For the admin CLI (`backup verify --all`): every backup's id, oldest first. */
  async allIds(): Promise<string[]> {
    const docs = await this.backups.find({}, { projection: { _id: 1 }, sort: { _id: 1 } }).toArray();
    return docs.map((d) => d._id.toHexString());
  }

  /** The document first, then the bytes: a crash in between leaves unreferenced bytes, never a backup without them. */
  private async remove(docs: Pick<BackupDoc, "_id" | "gridFsId">[]): Promise<void> {
    if (!docs.length) return;
    await this.backups.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
    for (const doc of docs) await this.store.delete(doc.gridFsId);
  }

  private async owned(userId: number, id: string): Promise<BackupDoc | null> {
    const _id = parseObjectId(id);
    return _id ? this.backups.findOne({ _id, userId }) : null;
  }

  private async update(userId: number, id: string, change: object): Promise<BackupSummary> {
    const _id = parseObjectId(id);
    if (!_id) throw new BackupError("not_found");
    const doc = await this.backups.findOneAndUpdate({ _id, userId }, change, { returnDocument: "after" });
    if (!doc) throw new BackupError("not_found");
    return toBackupSummary(doc);
  }
}

/** codevault-backup-2025-01-15-1030.zip (UTC) */
export function backupFileName(createdAt: Date): string {
  const iso = createdAt.toISOString();
  return `codevault-backup-${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}.zip`;
}

/** Written (and so hashed and cut into GridFS chunks) 1 MiB at a time with backpressure: a 100 MB archive in one write would hold the event loop. */
const WRITE_SLICE_BYTES = 1024 * 1024;

export async function writeInSlices(input: Writable, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length; at += WRITE_SLICE_BYTES) {
    if (!input.write(bytes.subarray(at, at + WRITE_SLICE_BYTES))) await once(input, "drain");
  }
}
