import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LimitError } from "../../src/work/fair-limits.js";
import { startServices, type TestServices } from "../support/services.js";

/**
 * The per-user backup cap in BackupService: a new backup first rotates its own kind, so
 * retention-managed backups just rotate at the cap; only what rotation cannot free refuses it.
 */
let env: TestServices;
let tick = Date.parse("2026-11-01T00:00:00Z");
beforeAll(async () => {
  env = await startServices({
    clock: () => new Date((tick += 60_000)),
    retention: { full: { keepLast: 2, daily: 0, weekly: 0, monthly: 0 }, imported: { keepLast: 20, keepDays: 180 } },
    limits: { backups: { maxBackups: 3, maxBytes: 10 * 1024 * 1024 } },
  });
});
afterAll(async () => {
  await env?.stop();
});

const kinds = async (userId: number) => (await env.services.backups.list(userId)).items.map((b) => b.type);

describe("the backup cap and retention", () => {
  it("full backups rotate at the cap instead of being refused", async () => {
    const { files, backups } = env.services;
    await files.save(1, { fileName: "a.py", content: "a = 1\n" });
    await backups.storeImported(1, Buffer.from("PK\x05\x06" + "\0".repeat(18), "latin1"), { type: "imported_zip", fileCount: 0, totalSize: 0 });
    const first = await backups.create(1);
    await backups.create(1);
    await backups.create(1); // 4th would pass 3: the oldest full backup rotates out
    expect(await kinds(1)).toEqual(["full_backup", "full_backup", "imported_zip"]);
    expect(await backups.get(1, first.id)).toBeUndefined();
  });

  it("a 🏆 backup does not rotate, so the next one is refused until the user makes room", async () => {
    const { files, backups } = env.services;
    await files.save(2, { fileName: "a.py", content: "a = 1\n" });
    const a = await backups.create(2);
    const b = await backups.create(2);
    await backups.rate(2, a.id, "excellent");
    await backups.rate(2, b.id, "excellent");
    await backups.create(2); // 3 of 3
    await expect(backups.create(2)).rejects.toBeInstanceOf(LimitError);
    expect(await kinds(2)).toHaveLength(3);
    await backups.rate(2, a.id, "good"); // now it may rotate
    await backups.create(2);
    expect(await kinds(2)).toHaveLength(3);
  });

  it("emergency backups and capped: false are never refused; they count against later backups", async () => {
    const { files, backups } = env.services;
    await files.save(3, { fileName: "a.py", content: "a = 1\n" });
    for (let i = 0; i < 3; i++) await backups.create(3, { type: "emergency" });
    await backups.create(3, { capped: false });
    expect(await kinds(3)).toHaveLength(4);
    await expect(backups.create(3)).rejects.toMatchObject({ code: "backups_full", details: { count: 4 } });
  });
});
