import type { drive_v3 } from "@googleapis/drive";
import { classifyDriveError, type DriveError } from "./drive-errors.js";
import { APP, FOLDER_MIME, q } from "./drive-folder.js";

/** The file in the folder carrying this idempotency key (a backup uploaded before), if any. */
export async function findByKey(api: drive_v3.Drive, folderId: string, key: string, fields: string): Promise<drive_v3.Schema$File | undefined> {
  const { data } = await api.files.list({
    q: `${q(folderId)} in parents and appProperties has { key='idempotencyKey' and value=${q(key)} } and trashed = false`,
    fields: `files(${fields})`,
    pageSize: 10,
  });
  return data.files?.[0];
}

/** Every codevault backup file in the folder (all pages). */
export async function listBackupFiles(api: drive_v3.Drive, folderId: string): Promise<drive_v3.Schema$File[]> {
  const files: drive_v3.Schema$File[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await api.files.list({
      q: `${q(folderId)} in parents and appProperties has { key='app' and value=${q(APP)} } and mimeType != ${q(FOLDER_MIME)} and trashed = false`,
      fields: "nextPageToken,files(id,createdTime,appProperties)",
      pageSize: 1000,
      ...(pageToken ? { pageToken } : {}),
    });
    files.push(...(data.files ?? []));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return files;
}

/** Deletes a Drive file for good (not to the trash, which still counts against the quota); a missing file is fine. */
export async function deleteQuietly(api: drive_v3.Drive, fileId: string): Promise<void> {
  try {
    await api.files.delete({ fileId });
  } catch (err) {
    if (classifyDriveError(err).detail.status !== 404) throw err;
  }
}

/** For a full Drive: how much is used of how much (about.get), and how large the backup is. */
export async function storageSizes(api: drive_v3.Drive, backupBytes: number | undefined): Promise<NonNullable<DriveError["storage"]>> {
  const sizes: NonNullable<DriveError["storage"]> = backupBytes !== undefined ? { backupBytes } : {};
  try {
    const { data } = await api.about.get({ fields: "storageQuota(limit,usage)" });
    if (data.storageQuota?.usage) sizes.usedBytes = Number(data.storageQuota.usage);
    if (data.storageQuota?.limit) sizes.limitBytes = Number(data.storageQuota.limit);
  } catch {
    // The sizes are a courtesy; the error is what matters.
  }
  return sizes;
}

/** The idempotency key of an upload nobody named one for (⬆️ Upload now): one Drive copy per backup. */
export function manualUploadKey(backupId: string): string {
  return `backup-${backupId}`;
}
