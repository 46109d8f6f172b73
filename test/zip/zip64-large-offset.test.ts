/**
 * A real archive past 4 GiB: four stored 1.1 GB entries of zeros, then a
 * small entry whose local header sits beyond offset 0xFFFFFFFF, so ZIP64
 * offsets and end records are required, not forced. The zeros are never
 * written to disk (the sink leaves holes: a sparse file of a few KB), and the
 * 1.1 GB buffer is never touched, so it costs no RAM. Only Info-ZIP checks it
 * (our reader and jszip take a Buffer, which cannot hold 4.4 GB).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZipWriter } from "../../src/archive/zip/zip-writer.js";
import { unzipPrint, unzipTest } from "./helpers.js";

const ZERO = Buffer.alloc(64 * 1024 * 1024);

function isAllZero(chunk: Uint8Array): boolean {
  const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  for (let o = 0; o < buf.length; o += ZERO.length) {
    const n = Math.min(ZERO.length, buf.length - o);
    if (buf.compare(ZERO, 0, n, o, o + n) !== 0) return false;
  }
  return true;
}

/** Writes to a file, turning large all-zero chunks into holes. */
function sparseFileSink(file: string): Writable {
  const fd = fs.openSync(file, "w");
  let pos = 0;
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (chunk.length < 65536 || !isAllZero(chunk)) fs.writeSync(fd, chunk, 0, chunk.length, pos);
      pos += chunk.length;
      cb();
    },
    final(cb) {
      fs.ftruncateSync(fd, pos);
      fs.closeSync(fd);
      cb();
    },
  });
}

describe("ZIP64 offsets past 4 GiB", () => {
  let dir: string;
  let file: string;
  let bytesWritten = 0;
  const tailText = "written after 4 GiB of zeros\n";

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "zip64-large-"));
    file = path.join(dir, "large.zip");
    const zeros = Buffer.alloc(1_100_000_000);
    const w = new ZipWriter(sparseFileSink(file), { level: 0, end: true });
    for (let i = 0; i < 4; i++) await w.add({ name: `zeros-${i}.bin`, data: zeros });
    await w.add({ name: "tail/after-4gib.txt", data: Buffer.from(tailText) });
    bytesWritten = (await w.finish()).bytesWritten;
  }, 120_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("produces an archive larger than 4 GiB whose last entry unzip finds and verifies", async () => {
    expect(bytesWritten).toBeGreaterThan(0xffffffff);
    expect(fs.statSync(file).size).toBe(bytesWritten);
    const out = await unzipTest(file, ["tail/after-4gib.txt"]);
    expect(out).toMatch(/testing: tail\/after-4gib\.txt +OK/);
    expect(out).toContain("No errors detected");
    expect((await unzipPrint(file, "tail/after-4gib.txt")).toString()).toBe(tailText);
  });

  it("uses ZIP64 fields because the offsets need them", () => {
    const fd = fs.openSync(file, "r");
    const tail = Buffer.alloc(4096);
    const start = bytesWritten - tail.length;
    fs.readSync(fd, tail, 0, tail.length, start);
    fs.closeSync(fd);
    const eocd = tail.length - 22;
    expect(tail.readUInt32LE(eocd)).toBe(0x06054b50);
    expect(tail.readUInt32LE(eocd + 16)).toBe(0xffffffff); // central directory offset → ZIP64 record
    expect(tail.readUInt32LE(eocd - 20)).toBe(0x07064b50);
    const z = tail.readUInt32LE(eocd - 20 + 8) + tail.readUInt32LE(eocd - 20 + 12) * 2 ** 32 - start;
    expect(tail.readUInt32LE(z)).toBe(0x06064b50);
    const cdOffset = tail.readUInt32LE(z + 48) + tail.readUInt32LE(z + 52) * 2 ** 32;
    expect(cdOffset).toBeGreaterThan(0xffffffff);
    // The last central record stores its local header offset in a ZIP64 extra field.
    const name = Buffer.from("tail/after-4gib.txt");
    const rec = tail.lastIndexOf(name) - 46;
    expect(tail.readUInt32LE(rec)).toBe(0x02014b50);
    expect(tail.readUInt32LE(rec + 42)).toBe(0xffffffff);
    expect(tail.readUInt16LE(rec + 46 + name.length)).toBe(0x0001);
    const localOffset = tail.readUInt32LE(rec + 46 + name.length + 4) + tail.readUInt32LE(rec + 46 + name.length + 8) * 2 ** 32;
    expect(localOffset).toBe(4 * (30 + "zeros-0.bin".length + 9 + 1_100_000_000));
  });
});
