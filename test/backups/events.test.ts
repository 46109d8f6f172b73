import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../src/app.js";
import { ensureIndexes } from "../../src/db/collections.js";
import { Events } from "../../src/events.js";
import { createLogger } from "../../src/logger.js";
import { startMongo } from "../support/mongo.js";
import { sentZip } from "../support/services.js";
import { backupZip } from "../support/zip-fixtures.js";

let mongo: Awaited<ReturnType<typeof startMongo>>;
const lines: Record<string, unknown>[] = [];
let services: ReturnType<typeof createServices>;
const SECRET = "TOP-SECRET-CONTENT-42";

beforeAll(async () => {
  mongo = await startMongo();
  await ensureIndexes(mongo.db);
  const events = new Events(createLogger("debug", { write: (line: string) => lines.push(JSON.parse(line)) }));
  services = createServices({ db: mongo.db, events });
});
afterAll(() => mongo?.stop());

const event = (name: string) => lines.filter((l) => l.event === name);

describe("events", () => {
  it("backups and restores emit structured events with ids, counts and sizes, never contents", async () => {
    const user = 700;
    await services.files.save(user, { fileName: "s.py", content: `token = "${SECRET}"\n` });
    const b = await services.backups.create(user);
    await services.backups.rate(user, b.id, "good");
    await services.backups.setNote(user, b.id, "a note");
    await services.backups.verify(user, b.id);
    await services.backups.delete(user, [b.id]);
    expect(event("backup_create_start")[0]).toMatchObject({ userId: user, type: "full_backup" });
    expect(event("backup_create_success")[0]).toMatchObject({ userId: user, fileCount: 1, totalSize: 32, zipSize: b.zipSize });
    expect(event("backup_rated")[0]).toMatchObject({ userId: user, rating: "good" });
    expect(event("backup_noted")[0]).toMatchObject({ userId: user });
    expect(event("backup_verified")[0]).toMatchObject({ userId: user, fileCount: 1, totalSize: 32 });
    expect(event("backup_deleted")[0]).toMatchObject({ userId: user, count: 1 });

    const sent = await sentZip(services.restore, user, await backupZip({ "n.py": `x = "${SECRET}"` }));
    await services.restore.apply(user, sent, { defaultAction: "replace" });
    expect(event("restore_started")[0]).toMatchObject({ userId: user, files: 1 });
    expect(event("restore_completed")[0]).toMatchObject({ userId: user, restored: 1, new: 1, replaced: 0 });

    const all = JSON.stringify(lines);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain("a note");
  });
});
