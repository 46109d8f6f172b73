import { execFile } from "node:child_process";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { ZipWriter, type ZipEntryInput, type ZipWriterOptions } from "../../src/archive/zip/zip-writer.js";

const execFileAsync = promisify(execFile);

/** Builds an archive in memory with ZipWriter. */
export async function zipToBuffer(entries: Iterable<ZipEntryInput>, opts?: ZipWriterOptions): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => sink.on("end", resolve));
  const w = new ZipWriter(sink, { ...opts, end: true });
  for (const e of entries) await w.add(e);
  const summary = await w.finish();
  await ended;
  const buf = Buffer.concat(chunks);
  if (buf.length !== summary.bytesWritten) throw new Error("bytesWritten disagrees with the output");
  return buf;
}

/** Runs Info-ZIP `unzip -t` (optionally on some members only); resolves with its output, rejects on a non-zero exit. */
export async function unzipTest(file: string, members: string[] = []): Promise<string> {
  const { stdout } = await execFileAsync("/usr/bin/unzip", ["-t", file, ...members], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export async function unzipPrint(file: string, member: string): Promise<Buffer> {
  const { stdout } = await execFileAsync("/usr/bin/unzip", ["-p", file, member], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Deterministic pseudo-random bytes (incompressible). */
export function randomBytesSeeded(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}
