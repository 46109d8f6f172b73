import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import * as zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { writeBackupArchive, type ArchiveHeader, type ArchiveSourceFile } from "../../src/archive/archive-writer.js";
import { DeflateWorkers, type DeflatedBatch } from "../../src/archive/deflate-workers.js";
import { BATCH_BYTES } from "../../src/archive/entry-batches.js";
import { parseManifest } from "../../src/archive/manifest.js";
import { openZip } from "../../src/archive/zip/index.js";

const AT = new Date("2025-01-15T10:30:00Z");
const HEADER: ArchiveHeader = { backupId: "b1", type: "full_backup", createdAt: AT, userId: 7 };
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const sha = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

function file(name: string, content: Buffer): ArchiveSourceFile {
  return { isLatest: true, content, doc: { fileName: name, language: "text", note: "", tags: [], version: 1, createdAt: AT, updatedAt: AT, sha256: "" } };
}

/** Many small files, an empty one, random (stored) ones and files larger than a whole batch. */
function mixed(): ArchiveSourceFile[] {
  const out: ArchiveSourceFile[] = [];
  for (let i = 0; i < 600; i++) out.push(file(`src/f${i}.ts`, Buffer.from(`export const v${i} = "${"x".repeat(i % 97)}";\n`.repeat(1 + (i % 40)))));
  out.splice(10, 0, file("empty.txt", Buffer.alloc(0)));
  out.splice(200, 0, file("random.bin", randomBytes(70_000)));
  out.splice(300, 0, file("big.log", Buffer.from("line of a large log file\n".repeat(Math.ceil((2 * BATCH_BYTES) / 25)))));
  out.push(file("big-random.bin", randomBytes(BATCH_BYTES + 1000)));
  return out;
}

async function archive(source: Iterable<ArchiveSourceFile> | AsyncIterable<ArchiveSourceFile>, workers: DeflateWorkers, out = new PassThrough()) {
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const totals = await writeBackupArchive(out, source, HEADER, { workers });
  return { totals, zip: Buffer.concat(chunks) };
}

const pools: DeflateWorkers[] = [];
function pool(opts: { size?: number; idleMs?: number } = {}): DeflateWorkers {
  const p = new DeflateWorkers(opts);
  pools.push(p);
  return p;
}
afterAll(async () => {
  for (const p of pools) await p.close();
});

describe("writeBackupArchive on the deflate workers", () => {
  it("writes every file's own bytes, in order, across many batches and both workers; random files stored", async () => {
    const src = mixed();
    const { totals, zip } = await archive(src, pool({ size: 2 }));
    expect(totals).toEqual({ fileCount: src.length, totalSize: src.reduce((a, s) => a + s.content.length, 0) });
    const entries = openZip(zip, { maxEntries: 10_000 });
    expect(entries.map((e) => e.name)).toEqual([...src.map((s) => s.doc.fileName), "metadata.json"]);
    for (const [i, s] of src.entries()) expect([s.doc.fileName, entries[i]!.read().equals(s.content)]).toEqual([s.doc.fileName, true]);
    const random = entries.find((e) => e.name === "random.bin")!;
    expect(random.compressedSize).toBe(random.size); // stored: deflate did not shrink it
    const big = entries.find((e) => e.name === "big.log")!;
    expect(big.compressedSize).toBeLessThan(big.size / 10);
    const manifest = parseManifest(entries.at(-1)!.read().toString("utf8"))!;
    expect(manifest.files.map((f) => [f.file_name, f.size, f.sha256])).toEqual(src.map((s) => [s.doc.fileName, s.content.length, sha(s.content)]));
  });

  it("writes thousands of empty files (batches are bounded by entries, not only by bytes)", async () => {
    const src = Array.from({ length: 5000 }, (_, i) => file(`empty/${i}.txt`, Buffer.alloc(0)));
    const { totals, zip } = await archive(src, pool({ size: 2 }));
    expect(totals).toEqual({ fileCount: 5000, totalSize: 0 });
    const entries = openZip(zip, { maxEntries: 10_000 });
    expect(entries.length).toBe(5001);
    expect(entries.slice(0, -1).every((e, i) => e.name === `empty/${i}.txt` && e.size === 0)).toBe(true);
  });

  it("gives the same archive with one worker as with two", async () => {
    const src = mixed();
    const one = await archive(src, pool({ size: 1 }));
    const two = await archive(src, pool({ size: 2 }));
    expect(one.zip.equals(two.zip)).toBe(true);
  });

  it("two archives written at once on one pool (two users' backups) each get their own files, as if written alone", async () => {
    const workers = pool({ size: 2 });
    const a = mixed();
    const b = mixed()
      .reverse()
      .map((s, i) => file(`other/${i}.txt`, Buffer.concat([s.content, Buffer.from(`#${i}`)])));
    const [together1, together2] = await Promise.all([archive(a, workers), archive(b, workers)]);
    const alone1 = await archive(a, workers);
    const alone2 = await archive(b, workers);
    expect(together1.zip.equals(alone1.zip)).toBe(true);
    expect(together2.zip.equals(alone2.zip)).toBe(true);
  });

  it("a worker that dies (out of memory) fails its batch, and the next batch gets a new worker", async () => {
    const workers = pool({ size: 1 });
    // Two million empty entries: more small objects than a worker's heap holds.
    await expect(workers.deflate(new ArrayBuffer(0), new Array<number>(2_000_000).fill(0), 6)).rejects.toThrow(/memory limit/);
    const { zip } = await archive([file("a.txt", Buffer.from("still works\n".repeat(100)))], workers);
    expect(openZip(zip)[0]!.read().toString()).toBe("still works\n".repeat(100));
  });

  it("an error in a worker surfaces as the batch's rejection, and the worker goes on", async () => {
    const workers = pool({ size: 1 });
    await expect(workers.deflate(new ArrayBuffer(10), [10], 42)).rejects.toThrow(/deflate worker/);
    const { zip } = await archive([file("b.txt", Buffer.from("after the error"))], workers);
    expect(openZip(zip)[0]!.read().toString()).toBe("after the error");
  });

  it("workers stopped mid-archive make writeBackupArchive reject (not hang); the pool refuses work after close()", async () => {
    const workers = pool({ size: 2 });
    const src = mixed();
    async function* closingHalfway(): AsyncGenerator<ArchiveSourceFile> {
      for (const [i, s] of src.entries()) {
        if (i === 400) await workers.close();
        yield s;
      }
    }
    await expect(archive(closingHalfway(), workers)).rejects.toThrow(/closed/);
    await expect(workers.deflate(new ArrayBuffer(1), [1], 6)).rejects.toThrow(/closed/);
  });

  it("an output that fails part-way rejects the archive; the same workers then write a whole one", async () => {
    const workers = pool({ size: 2 });
    let written = 0;
    const failing = new Writable({
      write(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        cb(written > 100_000 ? new Error("disk full") : undefined);
      },
    });
    await expect(writeBackupArchive(failing, mixed(), HEADER, { workers })).rejects.toThrow("disk full");
    const src = mixed();
    const { zip } = await archive(src, workers);
    expect(openZip(zip, { maxEntries: 10_000 }).length).toBe(src.length + 1);
  });

  it("idle workers do not keep a process alive", () => {
    // A pool that would only stop its workers after 10 minutes: the process must still exit once the archive is written.
    const dir = mkdtempSync(path.join(tmpdir(), "deflate-workers-"));
    const script = path.join(dir, "exits.mts");
    writeFileSync(
      script,
      [
        `import { Writable } from "node:stream";`,
        `import { writeBackupArchive } from ${JSON.stringify(path.join(ROOT, "src/archive/archive-writer.ts"))};`,
        `import { DeflateWorkers } from ${JSON.stringify(path.join(ROOT, "src/archive/deflate-workers.ts"))};`,
        `const workers = new DeflateWorkers({ size: 2, idleMs: 600_000 });`,
        `const at = new Date();`,
        `const doc = { fileName: "a.txt", language: "text", note: "", tags: [], version: 1, createdAt: at, updatedAt: at, sha256: "" };`,
        `const totals = await writeBackupArchive(new Writable({ write(_c, _e, cb) { cb(); } }), [{ doc, content: Buffer.from("hello"), isLatest: true }], { backupId: "b", type: "full_backup", createdAt: at, userId: 1 }, { workers });`,
        `console.log(JSON.stringify({ ...totals, running: workers.running }));`,
      ].join("\n"),
    );
    const printed = execFileSync(process.execPath, ["--import", "tsx", script], { cwd: ROOT, encoding: "utf8", timeout: 25_000 });
    expect(JSON.parse(printed)).toEqual({ fileCount: 1, totalSize: 5, running: 2 });
  });
});

/** Packs `entries` the way EntryBatches does: one buffer, entries one after the other. */
function packed(entries: Buffer[]): { input: ArrayBuffer; lengths: number[] } {
  const all = Buffer.concat(entries);
  const input = new ArrayBuffer(all.length);
  new Uint8Array(input).set(all);
  return { input, lengths: entries.map((e) => e.length) };
}

/** Each entry's payload as the worker answered it: deflated bytes must inflate on their own. */
function payloads(batch: DeflatedBatch, count: number): { payload: Buffer; stored: boolean; crc: number; sha256: string }[] {
  const out = [];
  for (let i = 0, at = 0; i < count; at += batch.sizes[i]!, i++) {
    out.push({
      payload: Buffer.from(batch.packed.subarray(at, at + batch.sizes[i]!)),
      stored: batch.stored[i] === 1,
      crc: batch.crcs[i]!,
      sha256: Buffer.from(batch.digests.subarray(32 * i, 32 * i + 32)).toString("hex"),
    });
  }
  return out;
}

/** Text entries of 200 B – 12 KB, a few random (incompressible) ones, empty ones and 1-byte ones. */
function entriesFor(batch: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < 120; i++) {
    if (i % 29 === 3) out.push(randomBytes(100 + i * 37));
    else if (i % 31 === 5) out.push(Buffer.alloc(0));
    else if (i % 37 === 7) out.push(Buffer.from([i]));
    else out.push(Buffer.from(`// batch ${batch} file ${i}\nconst value${i} = compute(${i}, "${"ab".repeat(i % 13)}");\n`.repeat(3 + ((i * 7 + batch) % 150))));
  }
  return out;
}

describe("deflate workers: every entry's payload stands on its own", () => {
  it("each deflated payload inflates alone to exactly its input, across batches of one worker; stored when deflate does not shrink it", async () => {
    const workers = pool({ size: 1 }); // one worker: every batch goes through the same compressor
    const batches = [0, 1, 2, 3].map(entriesFor);
    const answers = await Promise.all(batches.map((entries) => {
      const { input, lengths } = packed(entries);
      return workers.deflate(input, lengths, 6);
    }));
    let deflatedCount = 0;
    let storedCount = 0;
    for (const [b, entries] of batches.entries()) {
      for (const [i, got] of payloads(answers[b]!, entries.length).entries()) {
        const want = entries[i]!;
        expect([b, i, got.crc, got.sha256]).toEqual([b, i, zlib.crc32(want), sha(want)]);
        if (got.stored) {
          storedCount++;
          expect(got.payload.equals(want)).toBe(true);
        } else {
          deflatedCount++;
          expect(got.payload.length).toBeLessThan(want.length);
          expect([b, i, zlib.inflateRawSync(got.payload).equals(want)]).toEqual([b, i, true]);
        }
      }
      // Random and empty entries are stored; every text entry is deflated.
      expect(payloads(answers[b]!, entries.length).filter((p) => p.stored).length).toBe(entries.filter((e, i) => e.length <= 1 || i % 29 === 3).length);
    }
    expect(deflatedCount).toBeGreaterThan(400);
    expect(storedCount).toBeGreaterThan(20);
  });

  it("a batch that fails (bad level) fails alone: the batches queued before and after it on the same worker come back right", async () => {
    const workers = pool({ size: 1 });
    const first = entriesFor(10);
    const last = entriesFor(11);
    const [a, bad, c] = [packed(first), packed(entriesFor(12)), packed(last)];
    const answers = [workers.deflate(a.input, a.lengths, 9), workers.deflate(bad.input, bad.lengths, 42), workers.deflate(c.input, c.lengths, 1)];
    const settled = await Promise.allSettled(answers);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    for (const [answer, entries] of [[settled[0], first], [settled[2], last]] as const) {
      const got = payloads((answer as PromiseFulfilledResult<DeflatedBatch>).value, entries.length);
      expect(got.every((p, i) => (p.stored ? p.payload.equals(entries[i]!) : zlib.inflateRawSync(p.payload).equals(entries[i]!)))).toBe(true);
    }
  });

  it("at level 0 every entry is stored as it is", async () => {
    const workers = pool({ size: 1 });
    const entries = entriesFor(20);
    const { input, lengths } = packed(entries);
    const got = payloads(await workers.deflate(input, lengths, 0), entries.length);
    expect(got.every((p, i) => p.stored && p.payload.equals(entries[i]!))).toBe(true);
  });
});
