/**
 * 🔒 Private copies on Google Drive (issue 14): with private copies on, what reaches Drive — by
 * ⬆️ Upload now and by a scheduled run (DriveBackupRunner) — is `codevault-backup-….zip.age`,
 * which opens with the user's key or passphrase to the very bytes of the backup kept (plain) on
 * the server; the backup records the MD5 of the uploaded encrypted bytes (what the key-less
 * self-check compares with Drive's md5Checksum) and shows 🔒. Fake Telegram in-process, fake
 * Google over loopback.
 */
import { createHash, randomBytes } from "node:crypto";
import { Decrypter } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackupDoc } from "../../src/backups/backup-types.js";
import { BackupDriveCopies } from "../../src/backups/drive-copies.js";
import type { DriveConfig } from "../../src/config.js";
import { DriveBackupRunner } from "../../src/drive/drive-backup-runner.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { collectionsContaining } from "../support/db-search.js";
import { FAST_TUNING } from "../support/drive-env.js";
import { startFakeGoogle, type FakeGoogle } from "../support/fake-google/index.js";
import type { FakeUser, SentMessage } from "../support/fake-telegram/index.js";

let h: BotHarness;
let google: FakeGoogle;
const K = 256 * 1024;
const logLines: string[] = [];

beforeAll(async () => {
  google = await startFakeGoogle({ deviceInterval: 0.02 });
  const drive: DriveConfig = {
    client: { id: google.clientId, secret: google.clientSecret },
    key: randomBytes(32), // TOKEN_ENCRYPTION_KEY: seals Drive tokens and private-copy passphrases alike
    previousKeys: [],
    oauthRoot: google.root,
    apiRoot: google.root,
    keep: 5,
  };
  h = await startBotHarness({
    services: { drive, driveTuning: { ...FAST_TUNING, chunkBytes: K, multipartMaxBytes: K }, scryptWorkFactor: 10 },
    driveProgressEveryMs: 0,
    logLines,
  });
});
afterAll(async () => {
  await h?.stop();
  await google?.close();
});

const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("hex");
const last = (user: FakeUser) => h.fake.lastSent(user.id)!;
const backupDoc = (userId: number) => h.db.collection<BackupDoc>("backups").findOne({ userId }, { sort: { createdAt: -1, _id: -1 } });

async function until(chatId: number, messageId: number, pattern: RegExp): Promise<SentMessage> {
  await h.fake.waitFor(() => pattern.test(h.fake.message(chatId, messageId)?.text ?? ""), 10_000);
  return h.fake.message(chatId, messageId)!;
}

async function connect(userId: number, email: string) {
  const prompt = await h.services.driveAuth.begin(userId);
  google.approve(prompt.userCode, email);
  expect((await prompt.outcome).kind).toBe("connected");
}

async function privacyMenu(user: FakeUser) {
  await h.send(user.sendText("/privacy"));
  return last(user);
}

describe("private copies on Google Drive", () => {
  it("⬆️ Upload now sends the .zip.age (resumable, over several chunks), which opens with the key file to the backup's exact ZIP; MD5 of the encrypted bytes recorded; 🔒 shown", async () => {
    const user = h.fake.user(720);
    await connect(720, "enc@example.com");
    for (let i = 0; i < 3; i++) await h.services.files.save(720, { fileName: `secret-${i}.env`, content: randomBytes(200_000).toString("base64") });
    await h.send(user.pressButtonByText(await privacyMenu(user), "🔑 Make me a key (recommended)"));
    const keyMessage = last(user);
    const identity = /^AGE-SECRET-KEY-1[0-9A-Z]+$/m.exec(Buffer.from(keyMessage.document!.bytes).toString("utf8"))![0];
    await h.send(user.pressButtonByText(keyMessage, "✅ I saved it"));

    await h.send(user.sendText("/drive"));
    expect(last(user).text).toContain("🔒 New copies are encrypted");
    // The second chunk's connection dies part-way: the session resumes from what Google kept, re-reading the same encrypted bytes.
    google.faults.add({ kind: "drop", afterBytes: 100 * 1024 }, { path: "/upload/", method: "PUT", withBody: true, after: 1 });
    await h.send(user.pressButtonByText(last(user), "⬆️ Upload now"));
    const done = await until(720, last(user).message_id, /^✅ On Google Drive/);
    expect(google.faults.served).toBeGreaterThanOrEqual(1);
    expect(done.text).toContain("🔒 Encrypted: only your key or passphrase opens it.");

    const [file] = google.files("enc@example.com");
    expect(file!.name).toMatch(/^codevault-backup-.*\.zip\.age$/);
    expect(file!.content!.length).toBeGreaterThan(2 * K); // went up in several resumable chunks
    expect(file!.content!.includes(Buffer.from("secret-0.env"))).toBe(false); // Google sees no file names
    const doc = await backupDoc(720);
    const zip = (await h.services.backups.download(720, doc!._id.toHexString())).bytes;
    const d = new Decrypter();
    d.addIdentity(identity);
    expect(Buffer.from(await d.decrypt(file!.content!)).equals(zip)).toBe(true);
    // What the weekly self-check compares without any key: Drive's md5Checksum = the MD5 recorded at upload.
    expect(doc!.driveCopy).toMatchObject({ fileId: file!.id, encrypted: true, size: file!.content!.length, md5: md5(file!.content!) });
    expect(doc!.driveCopy!.md5).toBe(file!.md5Checksum);
    expect(doc!.md5).not.toBe(doc!.driveCopy!.md5); // the ZIP's own MD5 (if any) is not the copy's

    await h.send(user.sendText("/drive"));
    expect(last(user).text).toContain("🔒 1 of them encrypted");
    await h.send(user.pressButton(last(user), `b:o:${doc!._id.toHexString()}`));
    expect(last(user).text).toContain("☁️🔒 On Google Drive, encrypted (checked) since");

    // Again, unchanged library: the recorded private copy is found on Drive, nothing is re-sent.
    await h.send(user.sendText("/drive"));
    await h.send(user.pressButtonByText(last(user), "⬆️ Upload now"));
    const again = await until(720, last(user).message_id, /^✅ On Google Drive/);
    expect(again.text).toContain("It was already on your Drive");
    expect(google.files("enc@example.com")).toHaveLength(1);
    expect(await collectionsContaining(h.db, [identity])).toEqual({});
    expect(logLines.join("").includes(identity)).toBe(false);
  });

  it("a scheduled run (DriveBackupRunner) with a passphrase uploads the .zip.age; after 🚫 Turn off new copies are plain and the old one stays 🔒", async () => {
    const user = h.fake.user(721);
    const passphrase = "scheduled passphrase 721";
    await connect(721, "sched@example.com");
    await h.services.files.save(721, { fileName: "cron.sh", content: "echo hi\n" });
    await h.send(user.pressButtonByText(await privacyMenu(user), "🔤 Use a passphrase"));
    await h.send(user.sendText(passphrase));
    const { files, backups, drive } = h.services;
    const runner = new DriveBackupRunner({ files, backups, drive, copies: new BackupDriveCopies(h.db) });
    const run = (key: string) =>
      runner.run(721, { idempotencyKey: key, backupReady: async () => {}, touch: async () => {}, signal: new AbortController().signal, trigger: "scheduled" });

    expect(await run("slot-1")).toMatchObject({ status: "uploaded" });
    const [encrypted] = google.files("sched@example.com");
    expect(encrypted!.name).toMatch(/\.zip\.age$/);
    const d = new Decrypter();
    d.addPassphrase(passphrase);
    const first = await backupDoc(721);
    expect(Buffer.from(await d.decrypt(encrypted!.content!)).equals((await backups.download(721, first!._id.toHexString())).bytes)).toBe(true);
    expect(first!.driveCopy).toMatchObject({ encrypted: true, md5: encrypted!.md5Checksum });

    await h.send(user.pressButtonByText(await privacyMenu(user), "🚫 Turn off"));
    expect(last(user).text).toContain("This affects new copies only");
    await h.services.files.save(721, { fileName: "cron.sh", content: "echo bye\n" });
    expect(await run("slot-2")).toMatchObject({ status: "uploaded" });
    const plain = google.files("sched@example.com").find((f) => f.id !== encrypted!.id)!;
    expect(plain.name).toMatch(/\.zip$/);
    const second = await backupDoc(721);
    expect(second!.driveCopy?.encrypted).toBeUndefined();
    expect(Buffer.from(plain.content!).equals((await backups.download(721, second!._id.toHexString())).bytes)).toBe(true);
    expect(await drive.status(721)).toMatchObject({ copies: 2, encryptedCopies: 1, privateCopies: false });
    expect(await collectionsContaining(h.db, [passphrase])).toEqual({});
    expect(logLines.join("").includes(passphrase)).toBe(false);
  });
});
