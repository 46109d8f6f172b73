import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../bench/corpus.js";
import { crc32, crc32Portable } from "../../src/archive/zip/crc32.js";
import { openZip, readAllEntries } from "../../src/archive/zip/zip-reader.js";
import { ZipWriter, type ZipEntryInput } from "../../src/archive/zip/zip-writer.js";
import { randomBytesSeeded, unzipPrint, unzipTest, zipToBuffer } from "./helpers.js";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "zip-roundtrip-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MTIME = new Date(Date.UTC(2025, 0, 15, 10, 30, 42));

function sampleFiles(): ZipEntryInput[] {
  const corpus = generateCorpus({ files: 150, seed: 7 });
  const bigText = Buffer.from(
    Array.from({ length: 60_000 }, (_, i) => `line ${i}: ${corpus[i % corpus.length]!.name} value=${(i * 7919) % 10007}\n`).join(""),
  );
  const fiveMb = Buffer.concat([bigText, bigText, bigText, bigText, bigText, bigText]).subarray(0, 5 * 1024 * 1024);
  return [
    ...corpus.map((f) => ({ name: f.name, data: f.content, modifiedAt: MTIME })),
    { name: "src/שלום.py", data: Buffer.from("print('שלום עולם')\n"), modifiedAt: MTIME },
    { name: "docs/日本語/ノート.md", data: Buffer.from("# ノート\n😀\n"), modifiedAt: MTIME },
    { name: "empty.txt", data: new Uint8Array(0), modifiedAt: MTIME },
    { name: "bin/random.dat", data: randomBytesSeeded(64 * 1024, 99), modifiedAt: MTIME },
    { name: "logs/five-megabytes.log", data: fiveMb, modifiedAt: MTIME },
  ];
}

async function expectReadableByAll(buf: Buffer, files: ZipEntryInput[], file: string): Promise<void> {
  // Our reader.
  const entries = openZip(buf, { maxEntries: files.length });
  expect(entries.map((e) => e.name)).toEqual(files.map((f) => f.name));
  for (const [i, e] of entries.entries()) {
    const want = files[i]!;
    expect(e.isDirectory).toBe(false);
    expect(e.size).toBe(want.data.length);
    expect(Buffer.compare(e.read(), want.data)).toBe(0);
    if (want.modifiedAt) expect(e.modifiedAt.getTime()).toBe(want.modifiedAt.getTime());
  }
  // jszip, with its CRC check.
  const jz = await JSZip.loadAsync(buf, { checkCRC32: true });
  expect(Object.values(jz.files).filter((f) => !f.dir).length).toBe(files.length);
  for (const f of files) {
    const got = await jz.file(f.name)!.async("nodebuffer");
    expect(Buffer.compare(got, f.data)).toBe(0);
  }
  // Info-ZIP.
  fs.writeFileSync(file, buf);
  const out = await unzipTest(file);
  expect(out).toContain("No errors detected in compressed data");
  expect(out).not.toMatch(/bad CRC|warning|skipping/i);
  expect(out.match(/ OK$/gm)?.length).toBe(files.length);
  expect((await unzipPrint(file, "src/שלום.py")).toString()).toBe("print('שלום עולם')\n");
}

describe("ZipWriter round trip", () => {
  it("writes an archive our reader, jszip and unzip -t all read back byte for byte", async () => {
    const files = sampleFiles();
    const buf = await zipToBuffer(files);
    await expectReadableByAll(buf, files, path.join(dir, "plain.zip"));

    const entries = openZip(buf, { maxEntries: files.length });
    const random = entries.find((e) => e.name === "bin/random.dat")!;
    expect(random.compressedSize).toBe(random.size); // incompressible → STORE
    const empty = entries.find((e) => e.name === "empty.txt")!;
    expect(empty.size).toBe(0);
    expect(empty.compressedSize).toBe(0);
    const text = entries.find((e) => e.name === "logs/five-megabytes.log")!;
    expect(text.compressedSize).toBeLessThan(text.size / 2);
  });

  it("writes valid ZIP64 records for every entry when forced", async () => {
    const files = sampleFiles().slice(-6);
    const buf = await zipToBuffer(files, { forceZip64: true });
    // ZIP64 end record + locator precede the classic end record.
    expect(buf.readUInt32LE(buf.length - 22)).toBe(0x06054b50);
    expect(buf.readUInt32LE(buf.length - 42)).toBe(0x07064b50);
    expect(buf.readUInt32LE(buf.length - 98)).toBe(0x06064b50);
    expect(buf.readUInt16LE(buf.length - 22 + 10)).toBe(0xffff);
    await expectReadableByAll(buf, files, path.join(dir, "forced64.zip"));
  });

  it("stores everything at level 0", async () => {
    const files = sampleFiles().slice(0, 20);
    const buf = await zipToBuffer(files, { level: 0 });
    for (const e of openZip(buf)) expect(e.compressedSize).toBe(e.size);
    expect(readAllEntries(buf).map((e) => e.data.length)).toEqual(files.map((f) => f.data.length));
  });

  it("writes more than 65,535 entries with ZIP64 end records that jszip and unzip read", async () => {
    const n = 70_000;
    const files = Array.from({ length: n }, (_, i) => ({ name: `d${i % 100}/f${i}.txt`, data: Buffer.from(`${i}\n`), modifiedAt: MTIME }));
    const buf = await zipToBuffer(files);
    expect(buf.readUInt32LE(buf.length - 42)).toBe(0x07064b50); // ZIP64 locator present

    const entries = openZip(buf, { maxEntries: n });
    expect(entries.length).toBe(n);
    expect(entries[69_999]!.name).toBe("d99/f69999.txt");
    expect(entries[69_999]!.read().toString()).toBe("69999\n");

    const jz = await JSZip.loadAsync(buf);
    expect(Object.keys(jz.files).length).toBe(n);
    expect(await jz.file("d42/f65542.txt")!.async("string")).toBe("65542\n");

    const file = path.join(dir, "many.zip");
    fs.writeFileSync(file, buf);
    const out = await unzipTest(file);
    expect(out).toContain("No errors detected in compressed data");
    expect(out.match(/ OK$/gm)?.length).toBe(n);
  });
});

describe("ZipWriter names", () => {
  it.each([
    "",
    "/etc/passwd",
    "../evil.py",
    "a/../../b",
    "a\\b",
    "C:/x",
    "nul\0.py",
    "dir/",
    "./a.py",
    "a//b.py",
  ])("refuses %j and stays usable", async (name) => {
    const chunks: Buffer[] = [];
    const sink = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c); cb(); } });
    const w = new ZipWriter(sink);
    await w.add({ name: "ok.txt", data: Buffer.from("ok") });
    await expect(w.add({ name, data: Buffer.from("x") })).rejects.toMatchObject({ code: "unsafe_path" });
    await w.finish();
    expect(openZip(Buffer.concat(chunks)).map((e) => e.name)).toEqual(["ok.txt"]);
  });

  it("refuses a duplicate name", async () => {
    const w = new ZipWriter(new Writable({ write(_c, _e, cb) { cb(); } }));
    await w.add({ name: "a.py", data: Buffer.from("1") });
    await expect(w.add({ name: "a.py", data: Buffer.from("2") })).rejects.toMatchObject({ code: "duplicate_name" });
  });
});

describe("ZipWriter streaming", () => {
  it("waits for 'drain' so a slow sink never buffers much more than its highWaterMark", async () => {
    const files = sampleFiles().slice(0, 40);
    const chunks: Buffer[] = [];
    let maxBuffered = 0;
    const sink = new Writable({
      highWaterMark: 4096,
      write(c: Buffer, _e, cb) {
        chunks.push(Buffer.from(c));
        setImmediate(cb);
      },
    });
    const w = new ZipWriter(sink);
    let largestWrite = 0;
    const origWrite = sink.write.bind(sink);
    sink.write = ((c: Buffer, ...rest: never[]) => {
      largestWrite = Math.max(largestWrite, c.length);
      const ok = origWrite(c, ...rest);
      maxBuffered = Math.max(maxBuffered, sink.writableLength);
      return ok;
    }) as typeof sink.write;
    for (const f of files) await w.add(f);
    const summary = await w.finish();
    expect(summary.entries).toBe(files.length);
    // Never more than one header + one entry's data queued beyond the mark.
    expect(maxBuffered).toBeLessThanOrEqual(4096 + largestWrite + 1024);
    const buf = Buffer.concat(chunks);
    expect(buf.length).toBe(summary.bytesWritten);
    expect(readAllEntries(buf).length).toBe(files.length);
  });

  it("ends the output only when asked", async () => {
    const keep = new Writable({ write(_c, _e, cb) { cb(); } });
    await new ZipWriter(keep).finish();
    expect(keep.writableEnded).toBe(false);
    const close = new Writable({ write(_c, _e, cb) { cb(); } });
    const summary = await new ZipWriter(close, { end: true }).finish();
    expect(close.writableFinished).toBe(true);
    expect(summary).toEqual({ entries: 0, bytesWritten: 22 });
  });

  it("rejects add() and finish() once the output has failed", async () => {
    let writes = 0;
    const sink = new Writable({
      highWaterMark: 1,
      write(_c, _e, cb) {
        writes++;
        setImmediate(() => cb(writes >= 3 ? new Error("disk full") : null));
      },
    });
    const w = new ZipWriter(sink);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => w.add({ name: `f${i}.txt`, data: Buffer.from(`file ${i}`) })),
    );
    expect(results.some((r) => r.status === "rejected" && /disk full/.test(String(r.reason)))).toBe(true);
    await expect(w.finish()).rejects.toThrow(/disk full/);
  });
});

describe("crc32", () => {
  it("matches the portable implementation", () => {
    const data = randomBytesSeeded(100_000, 5);
    expect(crc32(data)).toBe(crc32Portable(data));
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(data.subarray(500), crc32(data.subarray(0, 500)))).toBe(crc32(data));
  });
});

describe("ZipWriter with a caller that reuses its buffer", () => {
  it.each([0, 6])("writes every entry's own bytes when each add() gets the same buffer refilled (level %i)", async (level) => {
    // The sink keeps the very chunks it is given (no copy), as a slow output stream would.
    const files = [
      ...generateCorpus({ files: 40, seed: 11 }).map((f) => ({ name: f.name, data: f.content })),
      { name: "bin/random.dat", data: randomBytesSeeded(8 * 1024, 5) }, // stored even at level 6
      { name: "bin/random2.dat", data: randomBytesSeeded(4 * 1024, 6) },
    ];
    const scratch = Buffer.alloc(Math.max(...files.map((f) => f.data.length)));
    const buf = await zipToBuffer(
      (function* () {
        for (const f of files) {
          scratch.fill(0x55);
          f.data.copy(scratch);
          yield { name: f.name, data: scratch.subarray(0, f.data.length), modifiedAt: MTIME };
        }
      })(),
      { level },
    );
    const zip = await JSZip.loadAsync(buf);
    for (const f of files) expect(await zip.file(f.name)!.async("nodebuffer")).toEqual(f.data);
  });
});
