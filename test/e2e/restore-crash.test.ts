import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient, type Db, type ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../src/app.js";
import { COLLECTIONS, ensureIndexes } from "../../src/db/collections.js";
import { Events } from "../../src/events.js";
import type { FileDoc } from "../../src/files/file-types.js";
import { createLogger } from "../../src/logger.js";
import type { RestoreJournal } from "../../src/restore/restore-types.js";
import { createFakeTelegram, type FakeServer } from "../support/fake-telegram/index.js";
import { startMongoTestServer, type MongoTestServer } from "../support/mongo-server/server.js";
import { freePort, startNodeProcess, type RunningProcess } from "../support/processes.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * The product promise: "when the process is killed mid-restore, the next start
 * finishes the rollback, so the library is never half-restored". The real bot
 * process is SIGKILLed while a large restore is between two bulk-insert batches,
 * then started again over the same database.
 */
const USER = 4242;
/** Below the 10,000-entry import limit; 19 batches of 500, so there is time to catch it half-way. */
const ARCHIVE_FILES = 9_500;

const fake = createFakeTelegram();
let telegram: FakeServer;
let mongoServer: MongoTestServer | undefined;
let mongoUri: string;
let client: MongoClient;
let db: Db;
const dbName = `codevault_restore_crash_${process.pid}_${Date.now()}`;
const dataDir = mkdtempSync(path.join(tmpdir(), "codevault-restore-crash-"));
const running: RunningProcess[] = [];

beforeAll(async () => {
  telegram = await fake.listen();
  mongoUri = process.env.MONGODB_URI || (mongoServer = await startMongoTestServer()).uri;
  client = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  db = client.db(dbName);
  await ensureIndexes(db);
}, 30_000);

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop("SIGKILL");
  if (process.env.MONGODB_URI) await db?.dropDatabase().catch(() => {});
  await client?.close();
  await mongoServer?.close();
  await telegram?.close();
}, 30_000);

async function startBot(uri = mongoUri): Promise<RunningProcess> {
  const bot = startNodeProcess("src/main.ts", {
    BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    HTTP_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    ALLOWED_USER_IDS: "",
    RESTORE_LEASE_SECONDS: "1",
  });
  running.push(bot);
  return bot;
}

/** Every version of every file of the user, deleted ones included: what a rollback must give back exactly. */
async function librarySnapshot() {
  const docs = await db
    .collection<FileDoc>(COLLECTIONS.files)
    .find({ userId: USER }, { projection: { content: 0 }, sort: { fileName: 1, version: 1 } })
    .toArray();
  return docs.map((d) => ({
    id: d._id.toHexString(),
    fileName: d.fileName,
    version: d.version,
    sha256: d.sha256,
    deletedAt: d.deletedAt?.toISOString() ?? null,
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

describe("crash safety of a restore (the real process, SIGKILL mid-restore)", () => {
  it("the next start rolls the interrupted restore back: the library is exactly as before", async () => {
    // 1. A library with history and a deleted file, written through the real services.
    const services = createServices({ db, events: new Events(createLogger("silent")) });
    await services.files.save(USER, { fileName: "main.py", content: "print('v1')\n" });
    await services.files.save(USER, { fileName: "main.py", content: "print('v2')\n", tags: ["#app"] });
    await services.files.save(USER, { fileName: "util.js", content: "export const x = 1;\n" });
    const gone = await services.files.save(USER, { fileName: "old.sh", content: "echo old\n" });
    await services.files.remove(USER, gone.file.id);
    const before = await librarySnapshot();
    expect(before.map((f) => `${f.fileName}@${f.version}${f.deletedAt ? " (deleted)" : ""}`)).toEqual([
      "main.py@1",
      "main.py@2",
      "old.sh@1 (deleted)",
      "util.js@1",
    ]);

    // A plain ZIP with no conflicts: a new life for the deleted old.sh (first, so it lands in the first
    // batch), then thousands of small notes.
    const entries: Record<string, string> = { "old.sh": "echo restored\n" };
    for (let i = 1; i < ARCHIVE_FILES; i++) entries[`note_${String(i).padStart(5, "0")}.txt`] = `note number ${i}\n`;
    const zip = await plainZip(entries);

    // 2. The real process, through a proxy that tells when all of its connections are gone.
    const proxy = await startTcpProxy(mongoUri);
    const first = await startBot(proxy.uri);
    await first.waitForOutput(/"event":"bot_started"/, 30_000);

    // 3. The user sends the ZIP and presses ♻️ Restore.
    const user = fake.user(USER);
    const preview = fake.waitForSent(USER, (m) => (m.text ?? "").startsWith("♻️ Restore preview"), 30_000);
    user.sendDocument(zip, "notes.zip", { mimeType: "application/zip" });
    user.pressButtonByText(await preview, "♻️ Restore");

    // 4. Kill it between two batches: the journal says "applying" and only part of the versions are in.
    const journals = db.collection<RestoreJournal>(COLLECTIONS.restoreJournals);
    const files = db.collection<FileDoc>(COLLECTIONS.files);
    let restoreId: ObjectId | undefined;
    let seenAtKill = 0;
    let journalSeenAt = 0;
    let killedAt = 0;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the restore never reached the middle of its bulk insert:\n${first.output()}`);
      if (first.child.exitCode !== null) throw new Error(`the bot exited on its own:\n${first.output()}`);
      const journal = await journals.findOne({ userId: USER });
      if (journal) {
        journalSeenAt ||= Date.now();
        expect(journal.status, "the restore finished before it could be killed; use a larger archive").toBe("applying");
        const count = await files.countDocuments({ userId: USER, restoreId: journal._id });
        if (count > 0 && count < ARCHIVE_FILES) {
          process.kill(-first.child.pid!, "SIGKILL");
          restoreId = journal._id;
          seenAtKill = count;
          killedAt = Date.now();
          break;
        }
      }
      await sleep(2);
    }
    await first.exited;
    await first.closed;
    expect(first.child.signalCode).toBe("SIGKILL");
    // Everything the process had already sent has reached the database once its connections are closed.
    await proxy.waitUntilIdle();
    await proxy.close();
    const journalAfterKill = await journals.findOne({ _id: restoreId });
    const countAfterKill = await files.countDocuments({ userId: USER, restoreId });
    console.info(
      `restore-crash: SIGKILL ${killedAt - journalSeenAt} ms after the journal appeared, with ${seenAtKill} of ${ARCHIVE_FILES} ` +
        `versions in; ${countAfterKill} once the process was gone`,
    );
    // The kill really left the library half-restored, so the restart has something to undo.
    expect(journalAfterKill?.status).toBe("applying");
    expect(countAfterKill).toBeGreaterThan(0);
    expect(countAfterKill).toBeLessThan(ARCHIVE_FILES);
    expect(await files.findOne({ userId: USER, fileName: "old.sh", version: 2, deletedAt: { $exists: false } })).toMatchObject({ restoreId });

    // 5. The next start rolls it back before it serves anyone (once the dead process's 1 s lease has run out).
    const leaseEnds = journalAfterKill!.heartbeatAt.getTime() + 1000;
    await waitUntil(() => Date.now() > leaseEnds, "the dead process's lease has run out");
    const told = fake.waitForSent(USER, (m) => (m.text ?? "").startsWith("⚠️ Your last restore was interrupted"), 30_000);
    const second = await startBot();
    await second.waitForOutput(/"event":"bot_started"/, 30_000);
    expect(second.output()).toContain("rolled back restores that were interrupted");
    expect(second.output()).toMatch(new RegExp(`"event":"restore_rolled_back","userId":${USER},"removed":${countAfterKill}\\b`));
    await told; // the user is told, in their language, that nothing changed
    const journal = await journals.findOne({ _id: restoreId });
    expect(journal?.status).toBe("rolled_back");
    expect(await files.countDocuments({ restoreId })).toBe(0);
    expect(await librarySnapshot()).toEqual(before);
    // The emergency backup taken before the restore is there, intact, with the library as it was (history included).
    const emergency = await db.collection(COLLECTIONS.backups).findOne({ _id: journal!.emergencyBackupId });
    expect(emergency).toMatchObject({ userId: USER, type: "emergency", withHistory: true });
    expect(await services.backups.verify(USER, journal!.emergencyBackupId!.toHexString())).toMatchObject({ ok: true, problems: [] });

    // The press on ♻️ Restore was never confirmed to Telegram, so the new process gets it again. Once it has
    // been handled, the restore has not been started a second time behind the user's back.
    await fake.waitFor(() => fake.pendingUpdates().length === 0, 15_000);
    expect(await journals.countDocuments({ userId: USER })).toBe(1);
    expect(await librarySnapshot()).toEqual(before);
    expect(fake.sent(USER).some((m) => (m.text ?? "").startsWith("✅ Restored"))).toBe(false);

    // 6. A clean stop.
    expect(await second.stop("SIGTERM")).toBe(0);
    expect(second.output()).toContain("stopped cleanly");
  }, 60_000);
});
