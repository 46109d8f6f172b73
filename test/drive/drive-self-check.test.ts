import { ObjectId } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { connectDrive, startDriveEnv, type DriveTestEnv } from "../support/drive-env.js";

/** The weekly self-check of one user (DriveSelfChecker over the real services, the fake Google). */
let env: DriveTestEnv | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

const ctx = () => ({ touch: async () => {}, signal: new AbortController().signal });

async function uploadedBackup(e: DriveTestEnv, userId: number, email: string) {
  await connectDrive(e, userId, email);
  await e.services.files.save(userId, { fileName: "a.py", content: `print(${userId})\n` });
  const backup = await e.services.backups.create(userId);
  await e.services.drive.upload(userId, backup.id);
  return backup.id;
}

describe("DriveSelfChecker", () => {
  it("all well: no problems, and it names every user with backups", async () => {
    env = await startDriveEnv();
    await uploadedBackup(env, 1, "one@example.com");
    await env.services.backups.create(2);
    const checker = env.services.scheduledWork.checker;
    expect((await checker.users()).sort()).toEqual([1, 2]);
    expect(await checker.check(1, ctx())).toEqual({ problems: [], pruned: 0 });
    expect(await checker.check(2, ctx())).toEqual({ problems: [], pruned: 0 });
  });

  it("a Drive copy whose md5Checksum differs, or that is gone, is no longer counted as verified", async () => {
    env = await startDriveEnv();
    const id = await uploadedBackup(env, 3, "three@example.com");
    const [file] = env.google.files("three@example.com");
    file!.md5Checksum = "f".repeat(32);
    expect((await env.services.scheduledWork.checker.check(3, ctx())).problems).toEqual([{ kind: "drive_copy_mismatch", backupId: id }]);
    expect((await env.services.backups.get(3, id))!.driveCopy).toBeUndefined();

    const id2 = await uploadedBackup(env, 4, "four@example.com");
    env.google.state.account("four@example.com").files.delete(env.google.files("four@example.com")[0]!.id);
    expect((await env.services.scheduledWork.checker.check(4, ctx())).problems).toEqual([{ kind: "drive_copy_missing", backupId: id2 }]);
    expect((await env.services.backups.get(4, id2))!.driveCopy).toBeUndefined();
  });

  it("a newest backup that no longer matches its checksums is reported; Drive being unreachable is not a problem of the copy", async () => {
    env = await startDriveEnv();
    const id = await uploadedBackup(env, 5, "five@example.com");
    const doc = await env.db.collection("backups").findOne({ _id: new ObjectId(id) });
    const chunk = await env.db.collection("backups.chunks").findOne({ files_id: doc!.gridFsId, n: 0 });
    const data = Buffer.from(chunk!.data.buffer);
    data[40] = data[40]! ^ 0xff;
    await env.db.collection("backups.chunks").updateOne({ _id: chunk!._id }, { $set: { data } });
    env.google.faults.add({ kind: "status", status: 503 }, { path: "/drive/v3/files/", times: 100 });
    const result = await env.services.scheduledWork.checker.check(5, ctx());
    expect(result.problems).toEqual([{ kind: "backup_corrupt", backupId: id }]);
    expect((await env.services.backups.get(5, id))!.driveCopy?.fileId).toBe(env.google.files("five@example.com")[0]!.id);
  });

  it("applies server-side retention (here: emergency backups beyond the newest 5 and older than 30 days)", async () => {
    env = await startDriveEnv();
    const { services } = env;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      await services.files.save(6, { fileName: "a.py", content: `print(${i})\n` });
      ids.push((await services.backups.create(6)).id);
    }
    // The seven older ones become emergency backups from 2020 (one a day); the newest stays a full backup.
    for (const [i, id] of ids.slice(0, 7).entries())
      await env.db.collection("backups").updateOne({ _id: new ObjectId(id) }, { $set: { type: "emergency", createdAt: new Date(Date.UTC(2020, 0, 1 + i)) } });
    const result = await services.scheduledWork.checker.check(6, ctx());
    expect(result).toEqual({ problems: [], pruned: 2 });
    expect((await services.backups.list(6)).items.map((b) => b.id).sort()).toEqual(ids.slice(2).sort());
  });
});
