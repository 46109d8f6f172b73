import { mkdtemp, rm } from "node:fs/promises";
import { createReadStream, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { backupFileName, type BackupService } from "../backups/backup-service.js";
import type { BackupSummary } from "../backups/backup-types.js";
import type { PrivateCopies } from "../privacy/private-copies.js";

/** What goes to Drive for one backup: the stored ZIP as it is, or its private copy. */
export interface UploadPayload {
  name: string;
  mimeType: string;
  size: number;
  /** An age-encrypted copy (`….zip.age`). */
  encrypted: boolean;
  /** A fresh stream of the bytes from `start` on (every attempt and every resumed chunk asks again). */
  open(start: number): Promise<Readable>;
  /** Removes what the payload left on disk. */
  dispose(): Promise<void>;
}

const ZIP = "application/zip";
const AGE = "application/octet-stream";

/** The ZIP from GridFS, streamed from any offset. */
export function plainPayload(backups: BackupService, userId: number, backup: BackupSummary): UploadPayload {
  return {
    name: backupFileName(backup.createdAt),
    mimeType: ZIP,
    size: backup.zipSize,
    encrypted: false,
    open: async (start) => (await backups.openStream(userId, backup.id, start)).stream,
    dispose: async () => {},
  };
}

/**
 * The user's private copy of the backup, or undefined when their private copies are off.
 * Encrypting twice gives different bytes (a fresh file key each time), so a resumed upload
 * cannot re-encrypt from an offset: the copy is encrypted once, streamed from GridFS through
 * age into a private temporary file (never whole in memory), and every attempt reads that file.
 */
export async function encryptedPayload(privacy: PrivateCopies, backups: BackupService, userId: number, backup: BackupSummary): Promise<UploadPayload | undefined> {
  const key = await privacy.keyFor(userId);
  if (!key) return undefined;
  const dir = await mkdtemp(path.join(tmpdir(), "codevault-drive-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const { stream: zip } = await backups.openStream(userId, backup.id);
    const copy = await privacy.encryptFor(userId, zip, backupFileName(backup.createdAt));
    if (!copy) {
      zip.destroy();
      await dispose();
      return undefined;
    }
    const file = path.join(dir, copy.fileName);
    await pipeline(Readable.fromWeb(copy.stream as NodeWebStream<Uint8Array>), createWriteStream(file, { mode: 0o600 }));
    const { bytes } = copy.written();
    return {
      name: copy.fileName,
      mimeType: AGE,
      size: bytes,
      encrypted: true,
      open: async (start) => createReadStream(file, { start }),
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
