import type { DriveCopy } from "../backups/backup-types.js";
import type { DriveConfig } from "../config.js";
import type { DriveAuth } from "./drive-auth.js";
import { classifyDriveError } from "./drive-errors.js";
import { driveClient } from "./google-clients.js";
import { withRetry, DEFAULT_RETRY, type RetryPolicy } from "./retry.js";

/**
 * - ok: Drive still holds the file and its md5Checksum equals the MD5 recorded at upload time;
 * - mismatch: the file is there with other bytes (or another size);
 * - missing: the file is gone (deleted or trashed);
 * - unavailable: Drive could not be asked (not connected, revoked, an outage): nothing is known.
 */
export type CopyCheck = "ok" | "mismatch" | "missing" | "unavailable";

/**
 * The weekly self-check's look at a Drive copy: Drive's `md5Checksum` and size against what the
 * copy record holds. The record's MD5 is of the bytes that were sent (for an encrypted copy, the
 * encrypted bytes), so it is compared as it is, never recomputed from the backup.
 */
export class DriveCopyCheck {
  constructor(private readonly deps: { config: DriveConfig; auth: DriveAuth; retry?: RetryPolicy }) {}

  async check(userId: number, copy: DriveCopy, signal?: AbortSignal): Promise<CopyCheck> {
    let client;
    try {
      ({ client } = await this.deps.auth.client(userId));
    } catch {
      return "unavailable";
    }
    const api = driveClient(this.deps.config, client);
    try {
      const file = await withRetry(
        async () => (await api.files.get({ fileId: copy.fileId, fields: "id,size,md5Checksum,trashed" }, { signal })).data,
        this.deps.retry ?? DEFAULT_RETRY,
        { signal },
      );
      if (file.trashed) return "missing";
      return file.md5Checksum === copy.md5 && Number(file.size) === copy.size ? "ok" : "mismatch";
    } catch (raw) {
      const err = classifyDriveError(raw);
      if (err.detail.status === 404) return "missing";
      if (err.code === "revoked") await this.deps.auth.markRevoked(userId).catch(() => {});
      return "unavailable";
    }
  }
}

