import { describe, expect, it } from "vitest";
import { classifyFailure } from "../../src/jobs/job-types.js";
import { FakeDriveError } from "./scheduler-harness.js";

describe("classifyFailure (what DriveService throws → what the scheduler does)", () => {
  it("passing failures are retried; revoked or missing grants ask to reconnect; a full Drive asks for space", () => {
    expect(classifyFailure(new FakeDriveError("server", "transient"))).toEqual({ kind: "transient", code: "server" });
    expect(classifyFailure(new FakeDriveError("revoked", "needs_user"))).toEqual({ kind: "needs_user", code: "revoked", need: "reconnect" });
    expect(classifyFailure(new FakeDriveError("not_connected", "needs_user"))).toEqual({ kind: "needs_user", code: "not_connected", need: "reconnect" });
    const sizes = { usedBytes: 1, limitBytes: 2, backupBytes: 3 };
    expect(classifyFailure(new FakeDriveError("quota", "needs_user", sizes))).toEqual({ kind: "needs_user", code: "quota", need: "free_space", storage: sizes });
    expect(classifyFailure(new FakeDriveError("folder_not_writable", "needs_user"))).toEqual({ kind: "needs_user", code: "folder_not_writable" });
  });

  it("anything else is a bug (reported, not retried), and its code never carries free text", () => {
    expect(classifyFailure(new Error("boom"))).toEqual({ kind: "bug", code: "unexpected" });
    expect(classifyFailure(undefined)).toEqual({ kind: "bug", code: "unexpected" });
    expect(classifyFailure({ kind: "transient", code: "GET https://x/?access_token=secret" })).toEqual({ kind: "transient", code: "unexpected" });
  });
});
