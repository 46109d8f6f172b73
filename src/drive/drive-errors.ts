/**
 * Every Drive failure is classified here, once:
 * - transient: try again later (network, timeouts, 429, 5xx, 403 rate limits, a bad checksum);
 * - needs_user: nothing changes until the user acts (revoked grant, full Drive, folder not
 *   writable, not connected, Drive not set up on this server);
 * - bug: anything else (our request was wrong).
 */
export type DriveErrorKind = "transient" | "needs_user" | "bug";

export type DriveErrorCode =
  | "network"
  | "timeout"
  | "rate_limited"
  | "server"
  | "md5_mismatch"
  | "unauthorized"
  | "revoked"
  | "quota"
  | "folder_not_writable"
  | "not_connected"
  | "not_configured"
  | "no_key"
  | "key_unknown"
  | "backup_missing"
  | "unexpected";

const KIND: Record<DriveErrorCode, DriveErrorKind> = {
  network: "transient",
  timeout: "transient",
  rate_limited: "transient",
  server: "transient",
  md5_mismatch: "transient",
  // An access token refused (e.g. expired during a stream upload, which the client cannot refresh by itself):
  // the next try refreshes it; a refresh Google refuses is `revoked`.
  unauthorized: "transient",
  revoked: "needs_user",
  quota: "needs_user",
  folder_not_writable: "needs_user",
  not_connected: "needs_user",
  not_configured: "needs_user",
  no_key: "needs_user",
  key_unknown: "needs_user",
  backup_missing: "needs_user",
  unexpected: "bug",
};

export class DriveError extends Error {
  readonly kind: DriveErrorKind;
  /** quota: the Drive's usage and limit and the backup's size, when they could be learned (for the message). */
  storage?: { usedBytes?: number; limitBytes?: number; backupBytes?: number };
  constructor(
    readonly code: DriveErrorCode,
    readonly detail: { status?: number; reason?: string; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    // The message names the code, status and reason only: never a URL, header or body (tokens live there).
    super([code, detail.status, detail.reason].filter((x) => x !== undefined).join(" "), options);
    this.name = "DriveError";
    this.kind = KIND[code];
  }

  get transient(): boolean {
    return this.kind === "transient";
  }
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

interface HttpLike {
  status?: number;
  code?: string | number;
  name?: string;
  type?: string;
  message?: string;
  cause?: unknown;
  response?: { status?: number; data?: unknown; headers?: unknown };
}

/** Turns anything a Google call threw into a DriveError (a DriveError passes through). */
export function classifyDriveError(err: unknown): DriveError {
  if (err instanceof DriveError) return err;
  const e = (err ?? {}) as HttpLike;
  const status = e.response?.status ?? (typeof e.status === "number" ? e.status : undefined);
  const data = e.response?.data as { error?: unknown; error_description?: string } | undefined;
  const oauthError = typeof data?.error === "string" ? data.error : undefined;
  const apiError = data?.error && typeof data.error === "object" ? (data.error as { errors?: { reason?: string }[] }) : undefined;
  const reason = apiError?.errors?.[0]?.reason ?? oauthError;
  const retryAfterMs = retryAfter(e.response?.headers);
  const detail = { status, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };

  if (oauthError === "invalid_grant" || e.message === "invalid_grant") return new DriveError("revoked", detail, { cause: err });
  if (status === undefined) {
    if (isTimeout(e)) return new DriveError("timeout", detail, { cause: err });
    if (isNetwork(e)) return new DriveError("network", detail, { cause: err });
    return new DriveError("unexpected", detail, { cause: err });
  }
  if (status === 429 || reason === "rateLimitExceeded" || reason === "userRateLimitExceeded") return new DriveError("rate_limited", detail, { cause: err });
  if (status >= 500 || status === 408) return new DriveError("server", detail, { cause: err });
  if (reason === "storageQuotaExceeded") return new DriveError("quota", detail, { cause: err });
  if (status === 403 && (reason === "insufficientFilePermissions" || reason === "cannotAddParent" || reason === "appNotAuthorizedToFile"))
    return new DriveError("folder_not_writable", detail, { cause: err });
  if (status === 401) return new DriveError("unauthorized", detail, { cause: err });
  return new DriveError("unexpected", detail, { cause: err });
}

function isTimeout(e: HttpLike): boolean {
  for (let c: HttpLike | undefined = e, depth = 0; c && depth < 5; c = c.cause as HttpLike | undefined, depth++) {
    if (c.code === "ETIMEDOUT" || c.name === "TimeoutError" || c.name === "AbortError" || c.type === "request-timeout") return true;
  }
  return false;
}

function isNetwork(e: HttpLike): boolean {
  for (let c: HttpLike | undefined = e, depth = 0; c && depth < 5; c = c.cause as HttpLike | undefined, depth++) {
    if (typeof c.code === "string" && NETWORK_CODES.has(c.code)) return true;
    if (c.type === "system" || (c.name === "FetchError" && !c.code)) return true;
    if (typeof c.message === "string" && /socket hang up|network|terminated|other side closed|premature close/i.test(c.message)) return true;
  }
  return false;
}

/** Retry-After in ms (seconds or an HTTP date); Headers or a plain object. */
function retryAfter(headers: unknown): number | undefined {
  if (!headers) return undefined;
  const raw =
    typeof (headers as Headers).get === "function"
      ? (headers as Headers).get("retry-after")
      : ((headers as Record<string, string | undefined>)["retry-after"] ?? undefined);
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
