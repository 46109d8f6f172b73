import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import * as zlib from "node:zlib";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc32 } from "../../src/archive/zip/crc32.js";
import { crc32Combine } from "../../src/archive/zip/zip-format.js";
import { openZip } from "../../src/archive/zip/zip-reader.js";
import { ZipWriter, type ZipWriterOptions } from "../../src/archive/zip/zip-writer.js";
import { randomBytesSeeded, unzipTest } from "./helpers.js";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "zip-prepared-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function collector(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

/** `text` deflated in independent segments, each but the last ending with a sync flush. */
function segmentedDeflate(text: Buffer, segment: number): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 0; p < text.length; p += segment) {
    const last = p + segment >= text.length;
    out.push(zlib.deflateRawSync(text.subarray(p, p + segment), { finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH }));
  }
  return out;
}

describe("ZipWriter.addPrepared", () => {
  const text = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `{"n": ${i}, "name": "file-${(i * 7919) % 10007}.ts"}\n`).join(""));

  it.each<[string, ZipWriterOptions]>([
    ["plain", {}],
    ["ZIP64 forced", { forceZip64: true }],
  ])("writes deflated and stored entries built piece by piece that our reader, jszip and unzip -t read (%s)", async (label, opts) => {
    const { sink, bytes } = collector();
    const w = new ZipWriter(sink, opts);
    const random = randomBytesSeeded(10_000, 3);
    await w.add({ name: "before.txt", data: Buffer.from("before\n") });
    await w.addPrepared({ name: "deflated.json", method: "deflate", chunks: segmentedDeflate(text, 64 * 1024), crc: crc32(text), size: text.length });
    await w.addPrepared({ name: "stored.bin", method: "store", chunks: [random.subarray(0, 4000), random.subarray(4000)], crc: crc32(random), size: random.length });
    await w.add({ name: "after.txt", data: Buffer.from("after\n") });
    await w.finish();
    const buf = bytes();

    const entries = openZip(buf);
    expect(entries.map((e) => e.name)).toEqual(["before.txt", "deflated.json", "stored.bin", "after.txt"]);
    expect(entries[1]!.read().equals(text)).toBe(true);
    expect(entries[2]!.read().equals(random)).toBe(true);
    const jz = await JSZip.loadAsync(buf, { checkCRC32: true });
    expect((await jz.file("deflated.json")!.async("nodebuffer")).equals(text)).toBe(true);
    expect((await jz.file("stored.bin")!.async("nodebuffer")).equals(random)).toBe(true);
    const file = path.join(dir, `${label.replace(/\W/g, "-")}.zip`);
    fs.writeFileSync(file, buf);
    const out = await unzipTest(file);
    expect(out).toContain("No errors detected in compressed data");
    expect(out.match(/ OK$/gm)?.length).toBe(4);
  });

  it("refuses a stored entry whose chunks disagree with its size, and a taken name", async () => {
    const w = new ZipWriter(collector().sink);
    await w.add({ name: "a.txt", data: Buffer.from("a") });
    await expect(w.addPrepared({ name: "b.bin", method: "store", chunks: [Buffer.from("abc")], crc: 0, size: 4 })).rejects.toThrow(RangeError);
    await expect(w.addPrepared({ name: "a.txt", method: "store", chunks: [], crc: 0, size: 0 })).rejects.toMatchObject({ code: "duplicate_name" });
  });
});

describe("ZipWriter duplicate names without keeping them as strings", () => {
  it("refuses every repeated name, written or still queued, and accepts near misses", async () => {
    const { sink, bytes } = collector();
    const w = new ZipWriter(sink, { level: 0 });
    const names = Array.from({ length: 3000 }, (_, i) => `dir${i % 17}/file-${i}.py`);
    const queued = names.map((name) => w.add({ name, data: Buffer.from(name) }));
    // Still queued (not written yet): refused.
    await expect(w.add({ name: names[2999]!, data: Buffer.from("again") })).rejects.toMatchObject({ code: "duplicate_name" });
    await Promise.all(queued);
    for (const name of [names[0]!, names[1500]!, names[2999]!]) {
      await expect(w.add({ name, data: Buffer.from("again") })).rejects.toMatchObject({ code: "duplicate_name" });
    }
    await w.add({ name: "dir0/file-0.pyc", data: Buffer.from("x") });
    await w.add({ name: "Dir0/file-0.py", data: Buffer.from("x") });
    await w.finish();
    const entries = openZip(bytes(), { maxEntries: 10_000 });
    expect(entries.length).toBe(3002);
    expect(new Set(entries.map((e) => e.name)).size).toBe(3002);
  });
});

describe("crc32Combine", () => {
  it("gives the CRC of the concatenation from the parts' CRCs", () => {
    for (const [la, lb] of [[0, 0], [0, 7], [7, 0], [1, 1], [100, 1000], [3, 65_537], [70_000, 123_457]] as const) {
      const a = randomBytesSeeded(la, la + 1);
      const b = randomBytesSeeded(lb, lb + 2);
      expect(crc32Combine(crc32(a), crc32(b), lb)).toBe(crc32(Buffer.concat([a, b])));
    }
  });
});
