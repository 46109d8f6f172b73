import { DEFAULT_REASONS, driveErrorBody } from "./faults.js";
import type { FakeRequest } from "./http.js";
import { drain, readJson, send } from "./http.js";
import { parseQuery, QueryError, resource, selectFields, sortFiles } from "./query.js";
import { FOLDER_MIME, type FakeAccount, type FakeFile, type GoogleState, type IssuedToken } from "./state.js";

export const FILE_DEFAULT_FIELDS = ["kind", "id", "name", "mimeType"];

export function driveError(r: FakeRequest, status: number, reason?: string, message?: string, headers: Record<string, string> = {}) {
  const [defReason, defMessage] = DEFAULT_REASONS[status] ?? ["error", "Error"];
  send(r.res, status, driveErrorBody(status, reason ?? defReason, message ?? defMessage), headers);
}

/** The caller's token, or a 401 already sent. */
export async function authorize(r: FakeRequest, state: GoogleState): Promise<IssuedToken | undefined> {
  const header = r.req.headers.authorization ?? "";
  const token = state.bearer(/^Bearer (.+)$/.exec(header)?.[1]);
  if (!token) {
    await drain(r.req);
    driveError(r, 401, "authError", "Request had invalid authentication credentials.", { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' });
  }
  return token;
}

/** Checks the parents a new file names: each must exist and accept children. Sends the error and returns false if not. */
export function checkParents(r: FakeRequest, account: FakeAccount, parents: string[]): boolean {
  for (const id of parents) {
    const parent = account.files.get(id);
    if (!parent || parent.mimeType !== FOLDER_MIME) return driveError(r, 404, "notFound", `File not found: ${id}.`), false;
    if (parent.readOnly)
      return driveError(r, 403, "insufficientFilePermissions", "The user does not have sufficient permissions for this file."), false;
  }
  return true;
}

export function newFile(state: GoogleState, meta: Record<string, unknown>, defaults: Partial<FakeFile> = {}): FakeFile {
  const now = new Date().toISOString();
  return {
    id: state.newFileId(),
    name: typeof meta.name === "string" ? meta.name : "Untitled",
    mimeType: typeof meta.mimeType === "string" ? meta.mimeType : (defaults.mimeType ?? "application/octet-stream"),
    parents: Array.isArray(meta.parents) && meta.parents.length ? (meta.parents as string[]) : ["root"],
    appProperties: (meta.appProperties as Record<string, string> | undefined) ?? {},
    trashed: false,
    createdTime: now,
    modifiedTime: now,
    ...defaults,
  };
}

/** Drive v3 metadata: about.get, files.list/create/get/delete. */
export async function handleDrive(r: FakeRequest, state: GoogleState): Promise<boolean> {
  const path = r.url.pathname;
  if (!path.startsWith("/drive/v3/")) return false;
  const token = await authorize(r, state);
  if (!token) return true;
  const account = state.account(token.email);
  const fields = r.url.searchParams.get("fields");

  if (r.method === "GET" && path === "/drive/v3/about") {
    if (!fields) return driveError(r, 400, "required", "The 'fields' parameter is required for this method."), true;
    const usage = state.usage(account);
    const about = {
      kind: "drive#about",
      user: { kind: "drive#user", displayName: account.email.split("@")[0], emailAddress: account.email, me: true },
      storageQuota: {
        ...(account.quotaLimit !== undefined ? { limit: String(account.quotaLimit) } : {}),
        usage: String(usage),
        usageInDrive: String(usage),
        usageInDriveTrash: "0",
      },
    };
    send(r.res, 200, selectFields(about, fields, []));
    return true;
  }

  if (r.method === "GET" && path === "/drive/v3/files") {
    let matches: FakeFile[];
    try {
      const predicate = parseQuery(r.url.searchParams.get("q"));
      matches = sortFiles([...account.files.values()].filter(predicate), r.url.searchParams.get("orderBy"));
    } catch (e) {
      if (e instanceof QueryError) return driveError(r, 400, "invalid", e.message), true;
      throw e;
    }
    const pageSize = Math.min(1000, Number(r.url.searchParams.get("pageSize") ?? 100));
    const offset = Number(r.url.searchParams.get("pageToken") ?? 0);
    const page = matches.slice(offset, offset + pageSize);
    const next = offset + pageSize < matches.length ? String(offset + pageSize) : undefined;
    const list = { kind: "drive#fileList", incompleteSearch: false, ...(next ? { nextPageToken: next } : {}), files: page.map(resource) };
    send(r.res, 200, selectFields(list, fields, ["kind", "incompleteSearch", "nextPageToken", `files`].map((f) => f)));
    return true;
  }

  if (r.method === "POST" && path === "/drive/v3/files") {
    const meta = await readJson(r.req);
    const file = newFile(state, meta);
    if (!checkParents(r, account, file.parents.filter((p) => p !== "root"))) return true;
    account.files.set(file.id, file);
    send(r.res, 200, selectFields(resource(file), fields, FILE_DEFAULT_FIELDS));
    return true;
  }

  const one = /^\/drive\/v3\/files\/([^/]+)$/.exec(path);
  if (one) {
    const id = decodeURIComponent(one[1]!);
    const file = account.files.get(id);
    if (r.method === "GET") {
      if (!file) return driveError(r, 404, "notFound", `File not found: ${id}.`), true;
      send(r.res, 200, selectFields(resource(file), fields, FILE_DEFAULT_FIELDS));
      return true;
    }
    if (r.method === "DELETE") {
      await drain(r.req);
      if (!file) return driveError(r, 404, "notFound", `File not found: ${id}.`), true;
      account.files.delete(id);
      // Deleting a folder deletes what is inside it, as on Drive.
      for (const f of [...account.files.values()]) if (f.parents.includes(id)) account.files.delete(f.id);
      send(r.res, 204);
      return true;
    }
  }
  await drain(r.req);
  driveError(r, 404, "notFound", `Not Found: ${r.method} ${path}`);
  return true;
}
