import { afterEach, describe, expect, it } from "vitest";
import { BackupDriveCopies } from "../../src/backups/drive-copies.js";
import { DriveBackupRunner } from "../../src/drive/drive-backup-runner.js";
import { classifyFailure, type RunOptions } from "../../src/jobs/index.js";
import { connectDrive, startDriveEnv, type DriveTestEnv } from "../support/drive-env.js";

let env: DriveTestEnv | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

const USER = 301;
const EMAIL = "run@example.com";

function runner(e: DriveTestEnv) {
  const { files, backups, drive } = e.services;
  return new DriveBackupRunner({ files, backups, drive, copies: new BackupDriveCopies(e.db) });
}

function options(key: string, ready: string[], backupIdForRetry?: string): RunOptions {
  return {
    idempotencyKey: key,
    backupReady: async (id) => void ready.push(id),
    touch: async () => {},
    signal: new AbortController().signal,
    trigger: backupIdForRetry ? "retry" : "scheduled",
    ...(backupIdForRetry ? { backupIdForRetry } : {}),
  };
}

describe("DriveBackupRunner (what a scheduled run does)", () => {
  it("uploads a fresh backup, then says 'unchanged' until the library changes; a retry reuses the backup and key", async () => {
    env = await startDriveEnv();
    await connectDrive(env, USER, EMAIL);
    await env.services.files.save(USER, { fileName: "a.py", content: "print(1)\n" });
    const ready: string[] = [];
    const first = await runner(env).run(USER, options("slot-1", ready));
    expect(first).toMatchObject({ status: "uploaded", reused: false, backupId: ready[0] });
    expect(await runner(env).run(USER, options("slot-2", ready))).toEqual({ status: "unchanged", backupId: ready[0] });

    await env.services.files.save(USER, { fileName: "b.py", content: "print(2)\n" });
    const second = await runner(env).run(USER, options("slot-3", ready));
    expect(second).toMatchObject({ status: "uploaded", reused: false });
    expect(ready[1]).not.toBe(ready[0]);
    // A retry of slot 3 (say its answer was lost) finds the copy under the same key: still one copy.
    const retry = await runner(env).run(USER, options("slot-3", ready, ready[1]));
    expect(retry).toMatchObject({ status: "uploaded", reused: true, backupId: ready[1] });
    expect(env.google.files(EMAIL)).toHaveLength(2);
  });

  it("a full Drive is needs-user with the sizes, as the scheduler's classifier reads it", async () => {
    env = await startDriveEnv();
    await connectDrive(env, USER, EMAIL);
    await env.services.files.save(USER, { fileName: "a.py", content: "print(1)\n" });
    env.google.state.account(EMAIL).quotaLimit = 100;
    const err = await runner(env)
      .run(USER, options("slot-1", []))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const backup = (await env.services.backups.list(USER)).items[0]!;
    expect(classifyFailure(err)).toEqual({
      kind: "needs_user",
      code: "quota",
      need: "free_space",
      storage: { usedBytes: 0, limitBytes: 100, backupBytes: backup.zipSize },
    });
  });
});
