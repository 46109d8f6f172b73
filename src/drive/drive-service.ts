import type { drive_v3 } from "@googleapis/drive";
import type { OAuth2Client } from "google-auth-library";
import type { BackupService } from "../backups/backup-service.js";
import type { BackupSummary } from "../backups/backup-types.js";
import type { BackupDriveCopies } from "../backups/drive-copies.js";
import type { DriveConfig } from "../config.js";
import type { Events } from "../events.js";
import type { FileLibrary } from "../files/file-library.js";
import type { DriveAccounts, LastUpload } from "./drive-accounts.js";
import type { DriveAuth, DriveAvailability } from "./drive-auth.js";
import { classifyDriveError, DriveError } from "./drive-errors.js";
import { APP, ensureFolder } from "./drive-folder.js";
import { deleteQuietly, findByKey, listBackupFiles, manualUploadKey, storageSizes } from "./drive-files.js";
import { driveFilesToDelete } from "./drive-retention.js";
import { driveClient } from "./google-clients.js";
import { multipartUpload } from "./multipart-upload.js";
import { resumableUpload } from "./resumable-upload.js";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "./retry.js";
import { StreamingMd5 } from "./streaming-md5.js";
import type { PrivateCopies } from "../privacy/private-copies.js";
import { encryptedPayload, plainPayload, type UploadPayload } from "./upload-payload.js";

const FILE_FIELDS = "id,name,size,md5Checksum,webViewLink,createdTime";

export interface DriveUploadResult {
  fileId: string;
  webViewLink?: string;
  size: number;
  md5: string;
  /** The name on Drive: `codevault-backup-….zip`, or `….zip.age` for a private copy. */
  fileName: string;
  /** A private copy (age-encrypted). */
  encrypted: boolean;
  /** The backup was already on Drive (same idempotency key, same checksum): nothing was sent. */
  reused: boolean;
  /** Older copies deleted by Drive retention afterwards. */
  pruned: number;
}

export interface DriveStatus {
  availability: DriveAvailability;
  connected: boolean;
  email?: string;
  disconnectReason?: string;
  lastUpload?: LastUpload;
  /** Backups with a verified copy on Drive. */
  copies: number;
  /** Of those, private (encrypted) copies. */
  encryptedCopies: number;
  /** New copies are encrypted (the user's 🔒 Privacy setting). */
  privateCopies: boolean;
  keep: number;
}

export interface UploadOptions {
  /** Bytes Drive has confirmed so far, of `total`. */
  onProgress?(sent: number, total: number): void;
  /** Same key, same Drive file: a repeated upload finds the copy instead of making another. Default: one per backup. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface DriveServiceDeps {
  config: DriveConfig;
  files: FileLibrary;
  auth: DriveAuth;
  accounts: DriveAccounts;
  backups: BackupService;
  copies: BackupDriveCopies;
  /** The user's 🔒 private-copy setting: when on, what goes to Drive is the age-encrypted copy. */
  privacy?: PrivateCopies;
  events: Events;
  clock?: () => Date;
  retry?: RetryPolicy;
  /** Resumable chunk size, a multiple of 256 KiB. Default 8 MiB. */
  chunkBytes?: number;
  /** Backups up to this size go in one multipart request. Default 5 MiB (Google's advice). */
  multipartMaxBytes?: number;
  requestTimeoutMs?: number;
}

/**
 * Backups to the user's Google Drive (no Telegram here): one "codevault backups" folder per
 * user, uploads streamed from GridFS (multipart when small, a resumable session otherwise) —
 * or the user's private copy (age-encrypted) when their 🔒 setting is on — a copy marked
 * verified only when Drive's md5Checksum matches, and Drive retention.
 */
export class DriveService {
  private readonly now: () => Date;
  private readonly retry: RetryPolicy;
  private readonly chunkBytes: number;
  private readonly multipartMax: number;
  private readonly timeoutMs: number;

  constructor(private readonly deps: DriveServiceDeps) {
    this.now = deps.clock ?? (() => new Date());
    this.retry = deps.retry ?? DEFAULT_RETRY;
    this.chunkBytes = deps.chunkBytes ?? 8 * 1024 * 1024;
    this.multipartMax = deps.multipartMaxBytes ?? 5 * 1024 * 1024;
    this.timeoutMs = deps.requestTimeoutMs ?? 120_000;
  }

  get keep(): number {
    return this.deps.config.keep;
  }

  async status(userId: number): Promise<DriveStatus> {
    const account = await this.deps.accounts.get(userId);
    return {
      availability: this.deps.auth.availability(),
      connected: account?.status === "connected",
      ...(account?.email ? { email: account.email } : {}),
      ...(account?.disconnectReason ? { disconnectReason: account.disconnectReason } : {}),
      ...(account?.lastUpload ? { lastUpload: account.lastUpload } : {}),
      copies: await this.deps.copies.count(userId),
      encryptedCopies: await this.deps.copies.countEncrypted(userId),
      privateCopies: ((await this.deps.privacy?.status(userId))?.mode ?? "off") !== "off",
      keep: this.keep,
    };
  }

  /**
   * Puts the backup on the user's Drive (or finds it there already) and marks it verified;
   * then applies Drive retention. Throws a DriveError; the backup on the server is untouched either way.
   */
  async upload(userId: number, backupId: string, opts: UploadOptions = {}): Promise<DriveUploadResult> {
    this.deps.events.emit("drive_upload_start", "info", { userId });
    let api: drive_v3.Drive | undefined;
    let backupBytes: number | undefined;
    let prepared: Promise<UploadPayload> | undefined;
    try {
      const backup = await this.deps.backups.get(userId, backupId);
      if (!backup) throw new DriveError("backup_missing");
      backupBytes = backup.zipSize;
      const { client } = await this.deps.auth.client(userId);
      api = driveClient(this.deps.config, client);
      const drive = api;
      // Made once, on first need (not when the copy is already on Drive), and reused by every attempt.
      const payload = () => (prepared ??= this.payloadFor(userId, backup));
      const result = await withRetry(() => this.uploadOnce(userId, backup, payload, client, drive, opts), this.retry, {
        signal: opts.signal,
        beforeRetry: (err) => (err.code === "unauthorized" ? forceRefresh(client) : undefined),
      });
      const pruned = await this.prune(userId, api).catch((err: unknown) => {
        this.deps.events.emit("drive_retention_error", "warn", { userId, failure: classifyDriveError(err).code });
        return 0;
      });
      await this.deps.accounts.recordUpload(userId, {
        at: this.now(),
        ok: true,
        backupId,
        fileId: result.fileId,
        ...(result.webViewLink ? { webViewLink: result.webViewLink } : {}),
      });
      this.deps.events.emit("drive_upload_success", "info", { userId, size: result.size, reused: result.reused, pruned, encrypted: result.encrypted });
      return { ...result, pruned };
    } catch (raw) {
      const err = classifyDriveError(raw);
      if (err.code === "revoked") await this.deps.auth.markRevoked(userId).catch(() => {});
      if (err.code === "quota" && api) err.storage = await storageSizes(api, backupBytes);
      await this.deps.accounts.recordUpload(userId, { at: this.now(), ok: false, backupId, code: err.code, kind: err.kind }).catch(() => {});
      this.deps.events.emit("drive_upload_error", err.kind === "bug" ? "error" : "warn", {
        userId,
        failure: err.code,
        kind: err.kind,
        status: err.detail.status,
        reason: err.detail.reason,
      });
      throw err;
    } finally {
      await prepared?.then((p) => p.dispose()).catch(() => {});
    }
  }

  /** The private copy when the user's private copies are on, the stored ZIP otherwise. */
  private async payloadFor(userId: number, backup: BackupSummary): Promise<UploadPayload> {
    const encrypted = this.deps.privacy && (await encryptedPayload(this.deps.privacy, this.deps.backups, userId, backup));
    return encrypted || plainPayload(this.deps.backups, userId, backup);
  }

  /**
   * ⬆️ Upload now: the newest backup made from the library as it is now, or a fresh one if the
   * library changed since; then upload() it.
   */
  async backupForUpload(userId: number): Promise<{ backup: BackupSummary; reused: boolean }> {
    const fingerprint = await this.deps.files.fingerprint(userId);
    const existing = await this.deps.copies.newestWithFingerprint(userId, fingerprint);
    const found = existing ? await this.deps.backups.get(userId, existing) : undefined;
    if (found) return { backup: found, reused: true };
    // A Drive copy protects data: never refused by the per-user backup cap (its kind rotates).
    const backup = await this.deps.backups.create(userId, { capped: false });
    await this.deps.copies.setFingerprint(userId, backup.id, fingerprint);
    return { backup, reused: false };
  }

  /** 🧹: applies Drive retention now; returns how many copies were deleted. */
  async keepNewest(userId: number): Promise<number> {
    try {
      const { client } = await this.deps.auth.client(userId);
      return await withRetry(() => this.prune(userId, driveClient(this.deps.config, client)), this.retry);
    } catch (raw) {
      const err = classifyDriveError(raw);
      if (err.code === "revoked") await this.deps.auth.markRevoked(userId).catch(() => {});
      throw err;
    }
  }

  private async uploadOnce(
    userId: number,
    backup: BackupSummary,
    payloadFor: () => Promise<UploadPayload>,
    client: OAuth2Client,
    api: drive_v3.Drive,
    opts: UploadOptions,
  ): Promise<Omit<DriveUploadResult, "pruned">> {
    const account = await this.deps.accounts.get(userId);
    const folderId = await ensureFolder(api, account?.folderId, (id) => this.deps.accounts.setFolder(userId, id));
    const key = opts.idempotencyKey ?? manualUploadKey(backup.id);

    const existing = await findByKey(api, folderId, key, FILE_FIELDS);
    if (existing) {
      // The copy recorded for this backup (plain or private) is the one there: done.
      const recorded = await this.deps.copies.driveCopy(userId, backup.id);
      if (recorded && recorded.fileId === existing.id && recorded.md5 === existing.md5Checksum && recorded.size === Number(existing.size)) {
        return this.verified(userId, backup.id, existing, recorded.md5, true, recorded.encrypted === true);
      }
      // A plain copy can be recognised by the ZIP's MD5; a private one never matches a new encryption.
      if (!(await payloadFor()).encrypted) {
        const localMd5 = (await this.deps.copies.md5(userId, backup.id)) ?? (await this.md5Of(userId, backup.id));
        if (existing.md5Checksum === localMd5 && Number(existing.size) === backup.zipSize) return this.verified(userId, backup.id, existing, localMd5, true, false);
      }
      await deleteQuietly(api, existing.id!); // a bad (or superseded) copy under this key: replace it
    }

    const payload = await payloadFor();
    const md5 = new StreamingMd5();
    const metadata = {
      name: payload.name,
      mimeType: payload.mimeType,
      parents: [folderId],
      description: `codevault backup (${backup.fileCount} files)${payload.encrypted ? ", age-encrypted" : ""}`,
      appProperties: { app: APP, backupId: backup.id, idempotencyKey: key, ...(payload.encrypted ? { encrypted: "age" } : {}) },
    };
    const size = payload.size;
    let file: drive_v3.Schema$File;
    if (size <= this.multipartMax) {
      file = await multipartUpload({
        client,
        api,
        apiRoot: this.deps.config.apiRoot,
        metadata,
        payload,
        fields: FILE_FIELDS,
        md5,
        timeoutMs: this.timeoutMs,
        onProgress: opts.onProgress,
        signal: opts.signal,
      });
    } else {
      file = await resumableUpload<drive_v3.Schema$File>({
        client,
        uploadUrl: `${this.deps.config.apiRoot}/upload/drive/v3/files`,
        metadata,
        mimeType: payload.mimeType,
        size,
        fields: FILE_FIELDS,
        chunkBytes: this.chunkBytes,
        open: (start) => payload.open(start),
        md5,
        retry: this.retry,
        onProgress: opts.onProgress,
        signal: opts.signal,
        requestTimeoutMs: this.timeoutMs,
      });
    }
    if (md5.bytes !== size) throw new DriveError("unexpected", { reason: `read ${md5.bytes} of ${size} bytes` });
    // The MD5 of the bytes actually sent (a private copy's: the encrypted bytes) is what Drive must report.
    const localMd5 = md5.digest();
    if (!payload.encrypted) await this.deps.copies.recordMd5(userId, backup.id, localMd5);
    if (file.md5Checksum !== localMd5 || Number(file.size) !== size) {
      // Drive holds something else than we sent: that file is no copy of the backup.
      if (file.id) await deleteQuietly(api, file.id);
      await this.deps.copies.clear(userId, backup.id);
      throw new DriveError("md5_mismatch");
    }
    return this.verified(userId, backup.id, file, localMd5, false, payload.encrypted);
  }

  private async verified(userId: number, backupId: string, file: drive_v3.Schema$File, md5: string, reused: boolean, encrypted: boolean) {
    const copy = {
      fileId: file.id!,
      size: Number(file.size),
      md5,
      uploadedAt: this.now(),
      ...(encrypted ? { encrypted: true } : {}),
      ...(file.webViewLink ? { webViewLink: file.webViewLink } : {}),
    };
    await this.deps.copies.markVerified(userId, backupId, copy);
    const fileName = file.name ?? "";
    return { fileId: copy.fileId, size: copy.size, md5, reused, encrypted, fileName, ...(file.webViewLink ? { webViewLink: file.webViewLink } : {}) };
  }

  /** MD5 of the stored ZIP, streamed from GridFS (when the backup has none recorded yet). */
  private async md5Of(userId: number, backupId: string): Promise<string> {
    const md5 = new StreamingMd5();
    const { stream } = await this.deps.backups.openStream(userId, backupId);
    for await (const chunk of stream) md5.update(md5.bytes, chunk as Buffer);
    const digest = md5.digest();
    await this.deps.copies.recordMd5(userId, backupId, digest);
    return digest;
  }

  /** Keeps the newest DRIVE_KEEP codevault files in the folder (and every 🏆 backup's copy); deletes the rest for good. */
  private async prune(userId: number, api: drive_v3.Drive): Promise<number> {
    if (this.keep <= 0) return 0;
    const account = await this.deps.accounts.get(userId);
    const folderId = await ensureFolder(api, account?.folderId, (id) => this.deps.accounts.setFolder(userId, id));
    const files = await listBackupFiles(api, folderId);
    const doomed = driveFilesToDelete(
      files.map((f) => ({ id: f.id!, createdTime: f.createdTime ?? "", backupId: f.appProperties?.backupId })),
      this.keep,
      await this.deps.copies.excellentIds(userId),
    );
    for (const id of doomed) await deleteQuietly(api, id);
    await this.deps.copies.forgetFiles(userId, doomed);
    if (doomed.length) this.deps.events.emit("drive_pruned", "info", { userId, count: doomed.length });
    return doomed.length;
  }
}

async function forceRefresh(client: OAuth2Client): Promise<void> {
  client.setCredentials({ ...client.credentials, access_token: null, expiry_date: 1 });
  await client.getAccessToken();
}
