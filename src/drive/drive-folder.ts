import type { drive_v3 } from "@googleapis/drive";
import { classifyDriveError } from "./drive-errors.js";

export const FOLDER_NAME = "codevault backups";
export const FOLDER_MIME = "application/vnd.google-apps.folder";
export const APP = "codevault";

/** A Drive query string literal. */
export function q(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * The user's "codevault backups" folder: the remembered id if the folder still exists (not
 * trashed), else the one found by its appProperties, else a new one. `remember` stores the id.
 */
export async function ensureFolder(api: drive_v3.Drive, knownId: string | undefined, remember: (id: string) => Promise<void>): Promise<string> {
  if (knownId) {
    try {
      const { data } = await api.files.get({ fileId: knownId, fields: "id,trashed,mimeType" });
      if (data.id && !data.trashed && data.mimeType === FOLDER_MIME) return data.id;
    } catch (err) {
      if (classifyDriveError(err).detail.status !== 404) throw err;
    }
  }
  const found = await api.files.list({
    q: `appProperties has { key='app' and value=${q(APP)} } and appProperties has { key='role' and value='backups' } and mimeType = ${q(FOLDER_MIME)} and trashed = false`,
    fields: "files(id)",
    pageSize: 1,
  });
  let id = found.data.files?.[0]?.id ?? undefined;
  if (!id) {
    const created = await api.files.create({
      requestBody: { name: FOLDER_NAME, mimeType: FOLDER_MIME, appProperties: { app: APP, role: "backups" } },
      fields: "id",
    });
    id = created.data.id ?? undefined;
  }
  if (!id) throw new Error("Drive returned a folder without an id");
  if (id !== knownId) await remember(id);
  return id;
}
