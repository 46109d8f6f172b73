import { createHash, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { DriveError } from "../../src/drive/drive-errors.js";
import { connectDrive, startDriveEnv, type DriveTestEnv } from "../support/drive-env.js";

let env: DriveTestEnv | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

const ADA = 201;
const EMAIL = "ada@example.com";
const K = 256 * 1024;
const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

/** A backup of `files` incompressible files of `size` bytes each. */
async function backupOf(e: DriveTestEnv, files: number, size: number, userId = ADA) {
  for (let i = 0; i < files; i++) await e.services.files.save(userId, { fileName: `blob${i}.txt`, content: randomBytes(size).toString("base64").slice(0, size) });
  return e.services.backups.create(userId);
}

async function stored(e: DriveTestEnv, id: string, userId = ADA): Promise<Buffer> {
  return (await e.services.backups.download(userId, id)).bytes;
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure"); }, (e: DriveError) => e);

describe("DriveService.upload", () => {
  it("a small backup goes up in one multipart request into the codevault backups folder, named like the backup, verified by md5", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, EMAIL);
    await env.services.files.save(ADA, { fileName: "app.py", content: "print('hi')\n" });
    const backup = await env.services.backups.create(ADA);
    const progress: number[] = [];
    const result = await env.services.drive.upload(ADA, backup.id, { onProgress: (sent) => progress.push(sent) });

    const [folder] = env.google.folders(EMAIL);
    expect(folder).toMatchObject({ name: "codevault backups", appProperties: { app: "codevault", role: "backups" } });
    const [file] = env.google.files(EMAIL, folder!.id);
    const bytes = await stored(env, backup.id);
    expect(file).toMatchObject({
      name: expect.stringMatching(/^codevault-backup-\d{4}-\d{2}-\d{2}-\d{4}\.zip$/),
      appProperties: { app: "codevault", backupId: backup.id, idempotencyKey: `backup-${backup.id}` },
      md5Checksum: md5(bytes),
    });
    expect(file!.content).toEqual(bytes);
    expect(result).toMatchObject({ fileId: file!.id, size: bytes.length, md5: md5(bytes), reused: false, webViewLink: expect.stringContaining(file!.id) });
    expect(progress.at(-1)).toBe(bytes.length);
    expect((await env.services.backups.get(ADA, backup.id))!.driveCopy).toMatchObject({ fileId: file!.id, size: bytes.length, md5: md5(bytes) });
    expect(await env.services.drive.status(ADA)).toMatchObject({ copies: 1, lastUpload: { ok: true, backupId: backup.id, fileId: file!.id } });
  });

  it("a multi-chunk backup goes up by a resumable session that survives a dropped connection mid-way without starting over", async () => {
    const chunk = 2 * K;
    env = await startDriveEnv({ tuning: { chunkBytes: chunk, multipartMaxBytes: K } });
    await connectDrive(env, ADA, EMAIL);
    const backup = await backupOf(env, 6, 700_000);
    const bytes = await stored(env, backup.id);
    expect(bytes.length).toBeGreaterThan(5 * chunk);
    // The fourth chunk's connection dies after 300 KiB of it arrived (Google keeps one whole 256 KiB block),
    // and the status query after it gets a 503 once.
    env.google.faults.add({ kind: "drop", afterBytes: 300 * 1024 }, { path: "/upload/", method: "PUT", withBody: true, after: 3 });
    env.google.faults.add({ kind: "status", status: 503 }, { path: "/upload/", method: "PUT", withoutBody: true });
    const progress: number[] = [];
    const result = await env.services.drive.upload(ADA, backup.id, { onProgress: (sent) => progress.push(sent) });

    const sessions = [...env.google.state.sessions.values()];
    expect(sessions).toHaveLength(1);
    const starts = sessions[0]!.chunkStarts;
    // Resumed from where Google stood (3 chunks + 1 block), never from byte 0 again.
    expect(starts.slice(0, 5)).toEqual([0, chunk, 2 * chunk, 3 * chunk, 3 * chunk + K]);
    expect(starts.filter((s) => s === 0)).toHaveLength(1);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // Only the part of the cut chunk that Google dropped was sent twice (at least the 44 KiB past the kept block,
    // at most what reached the socket before it closed: less than one chunk).
    const resent = sessions[0]!.bytesReceived - bytes.length;
    expect(resent).toBeGreaterThanOrEqual(300 * 1024 - K);
    expect(resent).toBeLessThan(chunk);
    const [file] = env.google.files(EMAIL);
    expect(file!.content!.equals(bytes)).toBe(true);
    expect(result).toMatchObject({ reused: false, md5: md5(bytes), size: bytes.length });
    expect(progress).toContain(3 * chunk + K);
    expect(progress.at(-1)).toBe(bytes.length);
    expect((await env.services.backups.get(ADA, backup.id))!.driveCopy?.md5).toBe(md5(bytes));
  });

  it("uploading the same backup twice leaves one copy on Drive", async () => {
    env = await startDriveEnv({ tuning: { chunkBytes: K, multipartMaxBytes: K } });
    await connectDrive(env, ADA, EMAIL);
    const small = await backupOf(env, 1, 1000);
    const first = await env.services.drive.upload(ADA, small.id);
    const second = await env.services.drive.upload(ADA, small.id);
    expect(second).toMatchObject({ fileId: first.fileId, reused: true });
    const big = await backupOf(env, 3, 300_000);
    await env.services.drive.upload(ADA, big.id);
    expect((await env.services.drive.upload(ADA, big.id)).reused).toBe(true);
    expect(env.google.files(EMAIL).map((f) => f.appProperties.backupId).sort()).toEqual([small.id, big.id].sort());
    expect(env.google.state.sessions.size).toBe(1);
  });

  it("a wrong md5Checksum from Drive is reported; the copy is removed and the backup not marked as on Drive", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, EMAIL);
    const backup = await backupOf(env, 1, 2000);
    env.google.corruptMd5(10);
    const err = await failure(env.services.drive.upload(ADA, backup.id));
    expect(err).toMatchObject({ code: "md5_mismatch", kind: "transient" });
    expect((await env.services.backups.get(ADA, backup.id))!.driveCopy).toBeUndefined();
    expect(env.google.files(EMAIL)).toEqual([]);
    expect(await env.services.drive.status(ADA)).toMatchObject({ copies: 0, lastUpload: { ok: false, code: "md5_mismatch" } });
    // The backup itself is intact on the server.
    expect((await env.services.backups.verify(ADA, backup.id)).ok).toBe(true);
  });

  it("transient 503s and a 429 with Retry-After are retried; the upload succeeds once", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, EMAIL);
    const backup = await backupOf(env, 1, 2000);
    env.google.faults.add({ kind: "status", status: 503 }, { times: 2, path: "/drive/v3/files" });
    env.google.faults.add({ kind: "status", status: 429, retryAfter: 1 }, { path: "/upload/" });
    const result = await env.services.drive.upload(ADA, backup.id);
    expect(env.google.faults.served).toBe(3);
    expect(env.google.files(EMAIL).map((f) => f.id)).toEqual([result.fileId]);
  });

  it("keeps the newest DRIVE_KEEP copies and every 🏆 backup's copy; deletes the rest for good", async () => {
    env = await startDriveEnv({ keep: 2 });
    await connectDrive(env, ADA, EMAIL);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const b = await backupOf(env, 1, 100 + i);
      ids.push(b.id);
      if (i === 0) await env.services.backups.rate(ADA, b.id, "excellent");
      await env.services.drive.upload(ADA, b.id);
      // Distinct creation times on Drive, oldest first.
      await expect.poll(() => Date.now() > Date.parse(env!.google.files(EMAIL).at(-1)!.createdTime)).toBe(true);
    }
    const onDrive = env.google.files(EMAIL).map((f) => f.appProperties.backupId).sort();
    expect(onDrive).toEqual([ids[0], ids[2], ids[3]].sort());
    expect((await env.services.backups.get(ADA, ids[1]!))!.driveCopy).toBeUndefined();
    expect((await env.services.backups.get(ADA, ids[3]!))!.driveCopy).toBeDefined();
    expect((await env.services.drive.status(ADA)).copies).toBe(3);
  });

  it("a full Drive is a needs-the-user error; nothing local is lost and the account stays connected", async () => {
    env = await startDriveEnv({ tuning: { chunkBytes: K, multipartMaxBytes: K } });
    await connectDrive(env, ADA, EMAIL);
    const backup = await backupOf(env, 2, 400_000);
    env.google.state.account(EMAIL).quotaLimit = 1000;
    const err = await failure(env.services.drive.upload(ADA, backup.id));
    expect(err).toMatchObject({ code: "quota", kind: "needs_user", detail: { status: 403, reason: "storageQuotaExceeded" } });
    expect((await env.services.backups.verify(ADA, backup.id)).ok).toBe(true);
    expect(await env.services.drive.status(ADA)).toMatchObject({ connected: true, copies: 0, lastUpload: { ok: false, code: "quota" } });
  });

  it("a revoked grant is a needs-the-user error that disconnects; the backup is untouched", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, EMAIL);
    const backup = await backupOf(env, 1, 500);
    env.google.state.revokeAll(EMAIL);
    const err = await failure(env.services.drive.upload(ADA, backup.id));
    expect(err).toMatchObject({ code: "revoked", kind: "needs_user" });
    expect(await env.services.drive.status(ADA)).toMatchObject({ connected: false, disconnectReason: "revoked", lastUpload: { ok: false, code: "revoked" } });
    expect(await env.db.collection("drive_accounts").findOne({ _id: ADA as never })).not.toHaveProperty("tokens");
    expect((await env.services.backups.verify(ADA, backup.id)).ok).toBe(true);
  });

  it("an expired access token is refreshed on the way (also before a streamed multipart upload)", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, EMAIL);
    const backup = await backupOf(env, 1, 500);
    env.google.state.expireAccessTokens();
    await env.services.drive.upload(ADA, backup.id);
    expect(env.google.files(EMAIL)).toHaveLength(1);
  });

  it("recreates the folder when the user deleted it, and says so when the folder is not writable", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, EMAIL);
    await env.services.drive.upload(ADA, (await backupOf(env, 1, 300)).id);
    const [first] = env.google.folders(EMAIL);
    env.google.state.account(EMAIL).files.delete(first!.id);
    await env.services.drive.upload(ADA, (await backupOf(env, 1, 301)).id);
    const [second] = env.google.folders(EMAIL);
    expect(second!.id).not.toBe(first!.id);
    expect(env.google.files(EMAIL, second!.id)).toHaveLength(1);

    second!.readOnly = true;
    const err = await failure(env.services.drive.upload(ADA, (await backupOf(env, 1, 302)).id));
    expect(err).toMatchObject({ code: "folder_not_writable", kind: "needs_user" });
  });

  it("another user's backup id is not found, and an unconnected user is told to connect", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, EMAIL);
    const backup = await backupOf(env, 1, 300);
    await expect(env.services.drive.upload(999, backup.id)).rejects.toMatchObject({ code: "backup_missing" });
    const bobs = await backupOf(env, 1, 300, 998);
    await expect(env.services.drive.upload(998, bobs.id)).rejects.toMatchObject({ code: "not_connected", kind: "needs_user" });
    await expect(env.services.drive.upload(ADA, bobs.id)).rejects.toMatchObject({ code: "backup_missing" });
    expect(env.google.files(EMAIL)).toEqual([]);
  });
});

describe("DriveService.backupForUpload", () => {
  it("reuses the newest backup while the library is unchanged, and makes a fresh one after any change", async () => {
    env = await startDriveEnv();
    const { files, drive, backups } = env.services;
    const saved = await files.save(ADA, { fileName: "a.py", content: "print(1)\n" });
    const first = await drive.backupForUpload(ADA);
    expect(first.reused).toBe(false);
    expect(await drive.backupForUpload(ADA)).toEqual({ backup: first.backup, reused: true });

    await files.setNote(ADA, saved.file.id, "a note");
    const afterNote = await drive.backupForUpload(ADA);
    expect(afterNote.reused).toBe(false);
    await files.remove(ADA, saved.file.id);
    const afterDelete = await drive.backupForUpload(ADA);
    expect(afterDelete.reused).toBe(false);
    expect(afterDelete.backup.fileCount).toBe(0);
    // Undo brings the library back to what it was after the note: that backup holds exactly it.
    await files.undoRemove(ADA, saved.file.id);
    expect(await drive.backupForUpload(ADA)).toEqual({ backup: afterNote.backup, reused: true });
    // Another user's library is theirs: Bob gets his own backup.
    await files.save(998, { fileName: "b.py", content: "x" });
    expect((await drive.backupForUpload(998)).backup.id).not.toBe(afterDelete.backup.id);
    expect((await backups.list(ADA)).total).toBe(3);
  });
});
