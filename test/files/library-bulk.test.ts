/**
 * LibraryBulk.latestOf, what a restore compares the archive with: the latest live version of
 * each name asked for, the asking user's only, received a few hundred per reply (one reply of
 * 10,000 held the main thread ~100 ms, issue 11).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoClient, ObjectId, type CommandSucceededEvent, type Document } from "mongodb";
import { createServices, type Services } from "../../src/app.js";
import { ensureIndexes } from "../../src/db/collections.js";
import { Events } from "../../src/events.js";
import { SUMMARIES_PER_REPLY } from "../../src/files/library-bulk.js";
import { createLogger } from "../../src/logger.js";
import { startMongo, type TestMongo } from "../support/mongo.js";

const ALICE = 1001;
const BOB = 2002;
const FILES = SUMMARIES_PER_REPLY * 2 + 100;

let mongo: TestMongo;
let client: MongoClient;
let services: Services;
const replies: Document[] = [];

beforeAll(async () => {
  mongo = await startMongo();
  await ensureIndexes(mongo.db);
  // A client of our own that reports every reply, to see how many summaries each one carried.
  client = new MongoClient(mongo.uri, { monitorCommands: true });
  await client.connect();
  client.on("commandSucceeded", (e: CommandSucceededEvent) => replies.push(e.reply as Document));
  services = createServices({ db: client.db(mongo.dbName), events: new Events(createLogger("silent")) });
});

afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

const input = (fileName: string, content: string) => ({ fileName, content, tags: [], note: "" });

describe("LibraryBulk.latestOf", () => {
  it("gives the latest live version of every name asked for, the user's own, a few hundred per reply", async () => {
    const names = Array.from({ length: FILES }, (_, i) => `src/file-${String(i).padStart(5, "0")}.ts`);
    await services.bulk.addVersionsInBulk(ALICE, names.map((n) => input(n, `// ${n} v1\n`)), new ObjectId());
    // A second version of every tenth file; Bob holds the same names with other text.
    await services.bulk.addVersionsInBulk(ALICE, names.filter((_, i) => i % 10 === 0).map((n) => input(n, `// ${n} v2\n`)), new ObjectId());
    await services.bulk.addVersionsInBulk(BOB, names.map((n) => input(n, `// Bob's ${n}\n`)), new ObjectId());
    const gone = await services.files.save(ALICE, { fileName: "gone.ts", content: "x\n" });
    await services.files.remove(ALICE, gone.file.id);

    const from = replies.length;
    const latest = await services.bulk.latestOf(ALICE, [...names, "gone.ts", "never.ts"]);

    expect(latest).toHaveLength(FILES);
    const byName = new Map(latest.map((f) => [f.fileName, f]));
    expect(byName.get(names[0]!)).toMatchObject({ version: 2, size: `// ${names[0]} v2\n`.length });
    expect(byName.get(names[1]!)).toMatchObject({ version: 1, size: `// ${names[1]} v1\n`.length });
    expect(latest.filter((f) => f.version === 2)).toHaveLength(FILES / 10);
    expect(byName.has("gone.ts")).toBe(false);
    const perReply = replies
      .slice(from)
      .map((r) => (r.cursor?.firstBatch ?? r.cursor?.nextBatch) as Document[] | undefined)
      .filter((batch) => batch !== undefined)
      .map((batch) => batch.length);
    expect(perReply.reduce((a, b) => a + b, 0)).toBe(FILES);
    expect(Math.max(...perReply)).toBeLessThanOrEqual(SUMMARIES_PER_REPLY);
  });
});
