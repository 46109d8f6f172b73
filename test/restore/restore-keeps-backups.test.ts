import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../src/app.js";
import { loadArchive } from "../../src/archive/archive-loader.js";
import { startServices, type TestServices } from "../support/services.js";

/** Restoring never deletes a backup: each kind has its own retention, and a restore's source and fresh emergency backup are protected. */
let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(() => env?.stop());

const HOUR = 3600_000;

function servicesAt(start: number) {
  const clock = { now: start };
  // Default retention rules: 10 full backups (+ days/weeks/months), 5 emergency (+ 30 days).
  const services = createServices({ db: env.db, events: env.events, clock: () => new Date(clock.now) });
  return { services, clock };
}

async function latestContent(services: ReturnType<typeof createServices>, userId: number, fileName: string) {
  const latest = await services.files.getLatest(userId, fileName);
  return latest && services.files.readContent(userId, latest.id);
}

async function ids(userId: number, services: ReturnType<typeof createServices>) {
  return (await services.backups.list(userId, { pageSize: 100 })).items.map((b) => ({ id: b.id, type: b.type }));
}

describe("restoring a backup never deletes a backup", () => {
  it("restoring from the oldest of 10 full backups leaves that backup (and the other nine) in place", async () => {
    const user = 1300;
    const { services, clock } = servicesAt(Date.UTC(2025, 5, 2, 0));
    const made: string[] = [];
    for (let i = 1; i <= 10; i++) {
      await services.files.save(user, { fileName: "app.py", content: `print(${i})\n` });
      made.push((await services.backups.create(user)).id);
      clock.now += HOUR; // all on one day: only the last N keeps them
    }
    const oldest = made[0]!;
    const result = await services.restore.apply(user, { backupId: oldest }, { defaultAction: "replace" });
    expect(result).toMatchObject({ replaced: 1 });
    expect(await latestContent(services, user, "app.py")).toBe("print(1)\n");

    const after = await ids(user, services);
    expect(after.filter((b) => b.type === "full_backup").map((b) => b.id).sort()).toEqual([...made].sort());
    expect(after.filter((b) => b.type === "emergency")).toHaveLength(1);
    // The bytes are still there too: the oldest backup can be restored again.
    expect(await services.backups.verify(user, oldest)).toMatchObject({ ok: true });
  });

  it("restoring from the oldest emergency backup, when a new one would push it out, keeps both", async () => {
    const user = 1301;
    const { services, clock } = servicesAt(Date.UTC(2025, 0, 1, 0));
    await services.files.save(user, { fileName: "lib.py", content: "x = 0\n" });
    const emergencies: string[] = [];
    for (let i = 1; i <= 5; i++) {
      emergencies.push((await services.backups.create(user, { type: "emergency", withHistory: true })).id);
      await services.files.save(user, { fileName: "lib.py", content: `x = ${i}\n` });
      clock.now += 24 * HOUR;
    }
    clock.now += 60 * 24 * HOUR; // all five are older than the 30 days every emergency backup is kept
    const oldest = emergencies[0]!;
    const result = await services.restore.apply(user, { backupId: oldest }, { defaultAction: "replace" });
    expect(await latestContent(services, user, "lib.py")).toBe("x = 0\n");

    // The newest 5 are the rule, so the new one would push the oldest out; it is the source, so it stays.
    const kept = (await ids(user, services)).filter((b) => b.type === "emergency").map((b) => b.id);
    expect(kept.sort()).toEqual([...emergencies, result.emergencyBackupId!].sort());
    // Without a restore reading it, the next emergency backup prunes it as the rules say.
    await services.backups.create(user, { type: "emergency" });
    const later = (await ids(user, services)).filter((b) => b.type === "emergency").map((b) => b.id);
    expect(later).toHaveLength(5);
    expect(later).not.toContain(oldest);
  });

  it("a new full backup never prunes emergency backups, imported ZIPs or GitHub archives, and those follow their own rules", async () => {
    const user = 1302;
    const { services, clock } = servicesAt(Date.UTC(2024, 0, 1, 0));
    await services.files.save(user, { fileName: "a.txt", content: "a\n" });
    const emergency = await services.backups.create(user, { type: "emergency" });
    const zip = (await services.backups.download(user, emergency.id)).bytes;
    const imports: string[] = [];
    for (let i = 0; i < 21; i++) {
      imports.push((await services.backups.storeImported(user, zip, { type: "imported_zip", fileCount: 1, totalSize: 2, source: `z${i}.zip` })).id);
      clock.now += HOUR;
    }
    const repo = await services.backups.storeImported(user, zip, { type: "github_repo_zip", fileCount: 1, totalSize: 2 });
    for (let i = 0; i < 12; i++) {
      await services.backups.create(user);
      clock.now += HOUR;
    }
    const after = await ids(user, services);
    const of = (type: string) => after.filter((b) => b.type === type).map((b) => b.id);
    expect(of("emergency")).toEqual([emergency.id]);
    expect(of("github_repo_zip")).toEqual([repo.id]);
    // Imports are pruned among themselves only (newest 20; all within the same day, well inside 180 days).
    expect(of("imported_zip")).toHaveLength(21);
    clock.now += 200 * 24 * HOUR;
    await services.backups.storeImported(user, zip, { type: "imported_zip", fileCount: 1, totalSize: 2 });
    const later = (await ids(user, services)).filter((b) => b.type === "imported_zip").map((b) => b.id);
    expect(later).toHaveLength(20);
    expect(later).not.toContain(imports[0]);
    expect(later).not.toContain(imports[1]);
    expect(of("full_backup")).toHaveLength(10);
  });
});

describe("the emergency backup a restore takes", () => {
  it("holds the whole library as it was, history included", async () => {
    const user = 1310;
    const { services } = servicesAt(Date.UTC(2025, 6, 1));
    await services.files.save(user, { fileName: "main.py", content: "print('v1')\n" });
    await services.files.save(user, { fileName: "main.py", content: "print('v2')\n" });
    await services.files.save(user, { fileName: "util.py", content: "u = 1\n" });
    const source = await services.backups.create(user);
    await services.files.save(user, { fileName: "main.py", content: "print('v3')\n" });
    const result = await services.restore.apply(user, { backupId: source.id }, { defaultAction: "replace" });

    const emergency = await services.backups.get(user, result.emergencyBackupId!);
    expect(emergency).toMatchObject({ type: "emergency", withHistory: true });
    const archive = (await loadArchive((await services.backups.download(user, emergency!.id)).bytes));
    const main = archive.files.find((f) => f.name === "main.py")!;
    expect(main.content).toBe("print('v3')\n");
    expect(main.history?.map((v) => v.content)).toEqual(["print('v1')\n", "print('v2')\n"]);
    expect(archive.files.map((f) => f.name).sort()).toEqual(["main.py", "util.py"]);
  });
});
