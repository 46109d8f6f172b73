import { createHash, randomBytes } from "node:crypto";

/** One Google account as the fake sees it: its Drive, quota and the grants it gave. */
export interface FakeAccount {
  email: string;
  /** Storage limit in bytes (undefined: unlimited). */
  quotaLimit?: number;
  files: Map<string, FakeFile>;
}

export interface FakeFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  appProperties: Record<string, string>;
  trashed: boolean;
  createdTime: string;
  modifiedTime: string;
  size?: number;
  md5Checksum?: string;
  content?: Buffer;
  /** Files created inside it are refused with 403 (a folder shared read-only). */
  readOnly?: boolean;
}

export interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  interval: number;
  state: "pending" | "approved" | "denied" | "used";
  email?: string;
  lastPollAt?: number;
}

export interface IssuedToken {
  token: string;
  kind: "access" | "refresh";
  email: string;
  scope: string;
  grantId: string;
  expiresAt?: number;
}

export interface UploadSession {
  id: string;
  email: string;
  metadata: Partial<FakeFile> & { name?: string };
  mimeType: string;
  declaredLength?: number;
  received: Buffer[];
  receivedLength: number;
  /** Every body byte that reached the server for this session, including bytes of chunks that were cut off. */
  bytesReceived: number;
  /** The first byte offset of every PUT that carried data, in order. */
  chunkStarts: number[];
  file?: FakeFile;
}

export const FOLDER_MIME = "application/vnd.google-apps.folder";

export function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

export function randomId(prefix = ""): string {
  return prefix + randomBytes(12).toString("base64url");
}

/** Everything the fake Google remembers. Tests read and change it directly. */
export class GoogleState {
  readonly clients = new Map<string, string>();
  readonly accounts = new Map<string, FakeAccount>();
  readonly grants = new Map<string, DeviceGrant>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly revokedGrants = new Set<string>();
  readonly sessions = new Map<string, UploadSession>();
  /** Every access and refresh token ever issued, so tests can search a database for them. */
  readonly issued: string[] = [];
  /** Bodies of every request to /revoke (token values). */
  readonly revoked: string[] = [];
  /** Bytes of file content received by upload id ("multipart:<fileId>" or the resumable session id). */
  readonly uploads = new Map<string, { bytesReceived: number; chunkStarts: number[] }>();
  private nextFile = 1;

  account(email: string): FakeAccount {
    let account = this.accounts.get(email);
    if (!account) {
      account = { email, files: new Map() };
      this.accounts.set(email, account);
    }
    return account;
  }

  newFileId(): string {
    return `file${String(this.nextFile++).padStart(4, "0")}${randomBytes(4).toString("hex")}`;
  }

  usage(account: FakeAccount): number {
    let sum = 0;
    for (const f of account.files.values()) sum += f.size ?? 0;
    return sum;
  }

  issue(kind: "access" | "refresh", email: string, scope: string, grantId: string, lifetimeMs?: number): IssuedToken {
    const token = kind === "access" ? `ya29.fake-${randomBytes(24).toString("base64url")}` : `1//fake-${randomBytes(32).toString("base64url")}`;
    const issued: IssuedToken = { token, kind, email, scope, grantId, ...(lifetimeMs !== undefined ? { expiresAt: Date.now() + lifetimeMs } : {}) };
    this.tokens.set(token, issued);
    this.issued.push(token);
    return issued;
  }

  /** The account an access token belongs to, or undefined when it is unknown, expired or revoked. */
  bearer(token: string | undefined): IssuedToken | undefined {
    if (!token) return undefined;
    const t = this.tokens.get(token);
    if (!t || t.kind !== "access" || this.revokedGrants.has(t.grantId)) return undefined;
    if (t.expiresAt !== undefined && t.expiresAt <= Date.now()) return undefined;
    return t;
  }

  /** Revokes the grant behind a token (as a user does at myaccount.google.com/permissions). */
  revokeGrantOf(token: string): boolean {
    const t = this.tokens.get(token);
    if (!t) return false;
    this.revokedGrants.add(t.grantId);
    return true;
  }

  /** Revokes every grant an account gave. */
  revokeAll(email: string): void {
    for (const t of this.tokens.values()) if (t.email === email) this.revokedGrants.add(t.grantId);
  }

  /** Makes every access token issued so far expire now (the client must refresh). */
  expireAccessTokens(): void {
    for (const t of this.tokens.values()) if (t.kind === "access") t.expiresAt = Date.now() - 1;
  }

  /** Files of an account that are not trashed, optionally inside one folder. */
  liveFiles(email: string, parent?: string): FakeFile[] {
    return [...this.account(email).files.values()].filter((f) => !f.trashed && (parent === undefined || f.parents.includes(parent)));
  }
}
