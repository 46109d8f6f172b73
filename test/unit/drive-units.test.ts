import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { classifyDriveError, DriveError } from "../../src/drive/drive-errors.js";
import { driveFilesToDelete } from "../../src/drive/drive-retention.js";
import { StreamingMd5 } from "../../src/drive/streaming-md5.js";

const apiError = (status: number, reason?: string, headers: Record<string, string> = {}) => ({
  response: { status, data: reason ? { error: { code: status, errors: [{ reason }] } } : {}, headers: new Headers(headers) },
});

describe("classifyDriveError: one place decides transient / needs the user / bug", () => {
  it.each([
    [apiError(503), "server", "transient"],
    [apiError(500), "server", "transient"],
    [apiError(429, "rateLimitExceeded"), "rate_limited", "transient"],
    [apiError(403, "userRateLimitExceeded"), "rate_limited", "transient"],
    [apiError(403, "rateLimitExceeded"), "rate_limited", "transient"],
    [apiError(401, "authError"), "unauthorized", "transient"],
    [{ code: "ECONNRESET", message: "socket hang up" }, "network", "transient"],
    [{ message: "fetch failed", cause: { code: "UND_ERR_SOCKET" } }, "network", "transient"],
    [{ name: "TimeoutError", message: "timed out" }, "timeout", "transient"],
    [{ response: { status: 400, data: { error: "invalid_grant" } } }, "revoked", "needs_user"],
    [apiError(403, "storageQuotaExceeded"), "quota", "needs_user"],
    [apiError(403, "insufficientFilePermissions"), "folder_not_writable", "needs_user"],
    [apiError(400, "badRequest"), "unexpected", "bug"],
    [new TypeError("x is undefined"), "unexpected", "bug"],
  ])("%# → %s (%s)", (err, code, kind) => {
    expect(classifyDriveError(err)).toMatchObject({ code, kind });
  });

  it("reads Retry-After in seconds or as a date, and passes DriveErrors through", () => {
    expect(classifyDriveError(apiError(429, "rateLimitExceeded", { "retry-after": "7" })).detail.retryAfterMs).toBe(7000);
    const at = new Date(Date.now() + 60_000).toUTCString();
    expect(classifyDriveError(apiError(503, undefined, { "retry-after": at })).detail.retryAfterMs).toBeGreaterThan(50_000);
    const own = new DriveError("quota");
    expect(classifyDriveError(own)).toBe(own);
    expect(own.message).toBe("quota");
  });
});

describe("driveFilesToDelete", () => {
  const files = [1, 2, 3, 4, 5].map((n) => ({ id: `f${n}`, createdTime: `2026-01-0${n}T00:00:00Z`, backupId: `b${n}` }));
  it("keeps the newest N and every protected backup's copy; 0 keeps all", () => {
    expect(driveFilesToDelete(files, 2, new Set()).sort()).toEqual(["f1", "f2", "f3"]);
    expect(driveFilesToDelete(files, 2, new Set(["b1"])).sort()).toEqual(["f2", "f3"]);
    expect(driveFilesToDelete(files, 0, new Set())).toEqual([]);
    expect(driveFilesToDelete(files, 9, new Set())).toEqual([]);
  });
});

describe("StreamingMd5", () => {
  it("hashes each byte once when a resumed stream re-reads from an earlier offset", () => {
    const bytes = randomBytes(1000);
    const md5 = new StreamingMd5();
    md5.update(0, bytes.subarray(0, 600));
    md5.update(400, bytes.subarray(400, 800)); // resumed from 400: 400-599 already hashed
    md5.update(800, bytes.subarray(800));
    expect(md5.digest()).toBe(createHash("md5").update(bytes).digest("hex"));
    expect(() => new StreamingMd5().update(5, bytes)).toThrow(/gap/);
  });
});
