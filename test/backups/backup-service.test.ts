import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackupError } from "../../src/backups/backup-types.js";
import { parseManifest } from "../../src/archive/manifest.js";
import { startServices, type TestServices } from "../support/services.js";

let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(async () => {
  await env?.stop();
});

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

async function chunkCount(): Promise<number> {
  return env.db.collection("backups.chunks").countDocuments();
}

function unzipTest(bytes: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "cv-zip-")), "b.zip");
  writeFileSync(file, bytes);
  return execFileSync("unzip", ["-t", file], { encoding: "utf8" });
}

describe("BackupService.create", () => {
  it("holds every latest file byte for byte plus a metadata.json that matches them", async () => {
    const { files, backups } = env.services;
    const user = 100;
    await files.save(user, { fileName: "app.py", content: "print('v1')\n", tags: ["cli"], note: "entry point" });
    await files.save(user, { fileName: "app.py", content: "print('v2')\n" });
    await files.save(user, { fileName: "src/util/שלום.ts", content: "export const hi = 'שלום';\n" });
    await files.save(user, { fileName: "empty.txt", content: "" });

    const backup = await backups.create(user);
    expect(backup).toMatchObject({ type: "full_backup", fileCount: 3, totalSize: 12 + Buffer.byteLength("export const hi = 'שלום';\n") });
    const { bytes, fileName } = await backups.download(user, backup.id);
    expect(fileName).toMatch(/^codevault-backup-\d{4}-\d{2}-\d{2}-\d{4}\.zip$/);
    expect(bytes.length).toBe(backup.zipSize);
    expect(sha(bytes)).toBe(backup.sha256);

    const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
    expect(Object.keys(zip.files).sort()).toEqual(["app.py", "empty.txt", "metadata.json", "src/util/שלום.ts"]);
    expect(await zip.file("app.py")!.async("string")).toBe("print('v2')\n");
    expect(await zip.file("src/util/שלום.ts")!.async("string")).toBe("export const hi = 'שלום';\n");

    const manifest = JSON.parse(await zip.file("metadata.json")!.async("string"));
    expect(manifest).toMatchObject({ version: "1.0", backup_id: backup.id, backup_type: "full_backup", user_id: user, total_files: 3, total_size: 42 });
    const app = manifest.files.find((f: { file_name: string }) => f.file_name === "app.py");
    expect(app).toEqual({
      file_name: "app.py",
      programming_language: "python",
      note: "entry point",
      tags: ["cli"],
      version: 2,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      size: 12,
      sha256: sha("print('v2')\n"),
    });
    expect(unzipTest(bytes)).toContain("No errors detected");
  });

  it("with history, older versions are kept under .codevault-history", async () => {
    const { files, backups } = env.services;
    const user = 101;
    await files.save(user, { fileName: "lib/a.js", content: "1" });
    await files.save(user, { fileName: "lib/a.js", content: "2" });
    const backup = await backups.create(user, { withHistory: true });
    expect(backup.fileCount).toBe(2);
    const zip = await JSZip.loadAsync((await backups.download(user, backup.id)).bytes);
    expect(await zip.file("lib/a.js")!.async("string")).toBe("2");
    expect(await zip.file(".codevault-history/lib/a.v1.js")!.async("string")).toBe("1");
    const manifest = parseManifest(await zip.file("metadata.json")!.async("string"))!;
    expect(manifest.files.find((f) => f.history)).toMatchObject({ file_name: "lib/a.js", version: 1, path: ".codevault-history/lib/a.v1.js" });
  });

  it("an empty library gives a ZIP holding only metadata.json", async () => {
    const backup = await env.services.backups.create(102);
    expect(backup).toMatchObject({ fileCount: 0, totalSize: 0 });
    const zip = await JSZip.loadAsync((await env.services.backups.download(102, backup.id)).bytes);
    expect(Object.keys(zip.files)).toEqual(["metadata.json"]);
    expect(JSON.parse(await zip.file("metadata.json")!.async("string"))).toMatchObject({ total_files: 0, files: [] });
  });

  it("a failure part-way leaves no GridFS chunks and no backups document", async () => {
    const { files, backups } = env.services;
    const user = 103;
    for (let i = 0; i < 30; i++) await files.save(user, { fileName: `f${String(i).padStart(2, "0")}.txt`, content: randomBytes(40_000).toString("base64") });
    // A later file whose content lives in GridFS but whose bytes are gone: reading it fails mid-archive.
    await env.db.collection("files").insertOne({
      _id: new ObjectId(),
      userId: user,
      fileName: "zz-broken.txt",
      language: "text",
      contentId: new ObjectId(),
      sha256: sha("x"),
      size: 1,
      tags: [],
      note: "",
      version: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const chunksBefore = await chunkCount();
    const docsBefore = await env.db.collection("backups").countDocuments({ userId: user });
    await expect(backups.create(user)).rejects.toMatchObject({ code: "create_failed" });
    expect(await chunkCount()).toBe(chunksBefore);
    expect(await env.db.collection("backups.files").countDocuments({ "metadata.userId": user })).toBe(0);
    expect(await env.db.collection("backups").countDocuments({ userId: user })).toBe(docsBefore);
    expect(await env.events.count("backup_create_error")).toBeGreaterThan(0);
  });
});

describe("listing, rating, notes, verify and delete", () => {
  it("lists newest first, 10 per page, and keeps rating and note", async () => {
    let t = Date.UTC(2025, 0, 1, 10, 0);
    const { createServices } = await import("../../src/app.js");
    const services = createServices({
      db: env.db,
      events: env.events,
      clock: () => new Date((t += 60_000)),
      retention: { full: { keepLast: 100, daily: 0, weekly: 0, monthly: 0 } },
    });
    const user = 110;
    await services.files.save(user, { fileName: "a.py", content: "a" });
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await services.backups.create(user));
    const first = await services.backups.list(user);
    expect(first.total).toBe(12);
    expect(first.items[0]!.id).toBe(made[11]!.id);
    expect((await services.backups.list(user, { page: 1 })).items.map((b) => b.id)).toEqual([made[1]!.id, made[0]!.id]);
    // A page past the end (the list shrank since it was shown) is the last page, rows included.
    expect(await services.backups.list(user, { page: 7 })).toMatchObject({ page: 1, pages: 2, total: 12, items: [{ id: made[1]!.id }, { id: made[0]!.id }] });

    await services.backups.rate(user, made[0]!.id, "excellent");
    await services.backups.setNote(user, made[0]!.id, "  before the big refactor ");
    expect(await services.backups.get(user, made[0]!.id)).toMatchObject({ rating: "excellent", note: "before the big refactor" });
    await expect(services.backups.setNote(user, made[0]!.id, "x".repeat(1001))).rejects.toMatchObject({ code: "note_too_long" });
    expect((await services.backups.get(user, made[0]!.id))!.note).toBe("before the big refactor");
  });

  it("verify passes on an intact backup and names the problem on a damaged one", async () => {
    const { files, backups } = env.services;
    const user = 111;
    await files.save(user, { fileName: "keep.rs", content: "fn main() { println!(\"kept\"); }" });
    const backup = await backups.create(user);
    expect(await backups.verify(user, backup.id)).toEqual({ ok: true, fileCount: 1, totalSize: 31, problems: [] });
    expect((await backups.get(user, backup.id))!.verifyOk).toBe(true);

    // Flip one byte of the stored ZIP inside GridFS.
    const doc = await env.db.collection("backups").findOne({ _id: new ObjectId(backup.id) });
    const chunk = await env.db.collection("backups.chunks").findOne({ files_id: doc!.gridFsId, n: 0 });
    const data = Buffer.from(chunk!.data.buffer);
    const dataStart = 30 + data.readUInt16LE(26) + data.readUInt16LE(28); // first entry's compressed bytes
    data[dataStart + 2] = data[dataStart + 2]! ^ 0xff;
    await env.db.collection("backups.chunks").updateOne({ _id: chunk!._id }, { $set: { data } });
    const result = await backups.verify(user, backup.id);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toEqual({ kind: "zip_sha256_mismatch" });
    expect(result.problems[1]).toMatchObject({ kind: "archive_invalid", entry: "keep.rs" });
    expect((await backups.get(user, backup.id))!.verifyOk).toBe(false);
  });

  it("another user's backup id is 'not found' everywhere and changes nothing", async () => {
    const { files, backups } = env.services;
    await files.save(120, { fileName: "mine.go", content: "package mine" });
    const backup = await backups.create(120);
    const thief = 121;
    expect(await backups.get(thief, backup.id)).toBeUndefined();
    await expect(backups.download(thief, backup.id)).rejects.toBeInstanceOf(BackupError);
    await expect(backups.verify(thief, backup.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(backups.rate(thief, backup.id, "ok")).rejects.toMatchObject({ code: "not_found" });
    await expect(backups.setNote(thief, backup.id, "pwned")).rejects.toMatchObject({ code: "not_found" });
    expect(await backups.delete(thief, [backup.id, "garbage"])).toBe(0);
    const still = await backups.get(120, backup.id);
    expect(still).toMatchObject({ id: backup.id });
    expect(still!.rating).toBeUndefined();
    expect(still!.note).toBeUndefined();
  });

  it("deleting many removes the documents and their GridFS bytes", async () => {
    const { files, backups } = env.services;
    const user = 130;
    await files.save(user, { fileName: "x.c", content: "int main(){}" });
    const a = await backups.create(user);
    const b = await backups.create(user);
    const c = await backups.create(user);
    const chunksBefore = await chunkCount();
    expect(await backups.delete(user, [a.id, b.id])).toBe(2);
    expect((await backups.list(user)).items.map((x) => x.id)).toEqual([c.id]);
    expect(await chunkCount()).toBe(chunksBefore - 2);
    expect(await env.events.count("backup_deleted")).toBeGreaterThan(0);
  });
});

describe("big backups", () => {
  it("splits a backup over 50 MB into standalone parts under the limit, each valid and restorable", async () => {
    const { files, backups } = env.services;
    const user = 140;
    // Incompressible text (base64 of random bytes): 4 files of 15 MB → a ZIP of about 46 MB... plus one more.
    const contents = Array.from({ length: 5 }, () => randomBytes(11 * 1024 * 1024).toString("base64"));
    for (const [i, content] of contents.entries()) await files.save(user, { fileName: `blob${i}.txt`, content });
    const backup = await backups.create(user);
    expect(backup.zipSize).toBeGreaterThan(50 * 1024 * 1024);

    const parts = await backups.exportParts(user, backup.id);
    expect(parts.length).toBeGreaterThan(1);
    const seen = new Map<string, string>();
    for (const [i, part] of parts.entries()) {
      expect(part.bytes.length).toBeLessThanOrEqual(45 * 1024 * 1024);
      expect(part.fileName).toMatch(new RegExp(`-part${i + 1}of${parts.length}\\.zip$`));
      expect(unzipTest(part.bytes)).toContain("No errors detected");
      const zip = await JSZip.loadAsync(part.bytes, { checkCRC32: true });
      const manifest = JSON.parse(await zip.file("metadata.json")!.async("string"));
      expect(manifest).toMatchObject({ part: i + 1, total_parts: parts.length, backup_id: backup.id });
      expect(manifest.total_files).toBe(manifest.files.length);
      for (const f of manifest.files) {
        const data = await zip.file(f.file_name)!.async("nodebuffer");
        expect(sha(data)).toBe(f.sha256);
        seen.set(f.file_name, data.toString("utf8"));
      }
    }
    expect(seen.size).toBe(5);
    for (const [i, content] of contents.entries()) expect(seen.get(`blob${i}.txt`) === content).toBe(true);
  }, 120_000);
});

describe("retention", () => {
  it("keeps the last N and one per day/week/month, never prunes 🏆, and removes pruned bytes", async () => {
    const { createServices } = await import("../../src/app.js");
    let now = Date.UTC(2025, 0, 1, 12);
    const services = createServices({
      db: env.db,
      events: env.events,
      clock: () => new Date(now),
      retention: { full: { keepLast: 2, daily: 3, weekly: 0, monthly: 0 } },
    });
    const user = 150;
    await services.files.save(user, { fileName: "r.py", content: "r" });
    const first = await services.backups.create(user);
    await services.backups.rate(user, first.id, "excellent");
    const made = [first];
    for (let day = 0; day < 6; day++) {
      for (let k = 0; k < 2; k++) {
        now += 3 * 3600_000;
        made.push(await services.backups.create(user));
      }
      now += 18 * 3600_000;
    }
    const kept = (await services.backups.list(user, { pageSize: 100 })).items.map((b) => b.id);
    expect(kept).toContain(first.id); // 🏆 survives although it is the oldest
    expect(kept).toContain(made.at(-1)!.id);
    expect(kept).toContain(made.at(-2)!.id);
    expect(kept.length).toBe(1 + 3 + (2 - 1)); // 🏆 + newest of 3 days + one more of keepLast
    const grid = await env.db.collection("backups.files").countDocuments({ "metadata.userId": user });
    expect(grid).toBe(kept.length);
  });
});
