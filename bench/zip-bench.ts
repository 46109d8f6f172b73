/**
 * ZIP writer/reader micro-benchmark: `npx tsx bench/zip-bench.ts [--files N] [--rounds N] [--seed N]`.
 *
 * Compares, over the same deterministic corpus (bench/corpus.ts):
 *   write: node:zlib deflateRawSync per file (level 6)  vs  ZipWriter → discarding Writable
 *   read:  node:zlib inflateRawSync per entry           vs  openZip + read() (limits, size + CRC checks)
 * Timings alternate reference/ours in one child process per pair (the machine
 * is shared and noisy: compare the ratios). Peak RSS growth is measured in a
 * fresh child per operation: maxRSS after the run minus RSS once the corpus
 * (or archive) is loaded.
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import * as zlib from "node:zlib";
import { openZip, ZipWriter } from "../src/archive/zip/index.js";
import { loadCorpus, saveCorpus } from "./corpus-cache.js";
import { generateCorpus, type CorpusFile } from "./corpus.js";

const LEVEL = 6;
type Op = "deflate-ref" | "writer" | "inflate-ref" | "reader";
interface Timing { op: Op; ms: number[] }
interface ChildResult { timings?: Timing[]; rssGrowth?: number; op?: Op }

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Compressed data slices of an archive written by ZipWriter (sizes are in its local headers). */
function compressedSlices(zip: Buffer): { data: Buffer; method: number }[] {
  const out: { data: Buffer; method: number }[] = [];
  let p = 0;
  while (zip.readUInt32LE(p) === 0x04034b50) {
    const method = zip.readUInt16LE(p + 8);
    const csize = zip.readUInt32LE(p + 18);
    const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
    out.push({ data: zip.subarray(start, start + csize), method });
    p = start + csize;
  }
  return out;
}

function discard(): Writable {
  return new Writable({ write(_chunk, _enc, cb) { cb(); } });
}

async function buildZip(corpus: CorpusFile[], out: NodeJS.WritableStream | Writable): Promise<number> {
  const w = new ZipWriter(out, { level: LEVEL });
  const mtime = new Date(2025, 0, 15, 10, 30);
  for (const f of corpus) await w.add({ name: f.name, data: f.content, modifiedAt: mtime });
  return (await w.finish()).bytesWritten;
}

// ---- the operations ----
function makeOp(op: Op, corpus: CorpusFile[] | undefined, zip: Buffer | undefined): () => Promise<void> | void {
  switch (op) {
    case "deflate-ref":
      return () => { for (const f of corpus!) zlib.deflateRawSync(f.content, { level: LEVEL }); };
    case "writer":
      return async () => { await buildZip(corpus!, discard()); };
    case "inflate-ref": {
      const slices = compressedSlices(zip!);
      return () => { for (const s of slices) if (s.method === 8) zlib.inflateRawSync(s.data); };
    }
    case "reader":
      return () => { for (const e of openZip(zip!)) e.read(); };
  }
}

async function child(): Promise<void> {
  const mode = process.argv[process.argv.indexOf("--child") + 1]!;
  const corpusFile = process.argv[process.argv.indexOf("--corpus") + 1]!;
  const zipFile = process.argv[process.argv.indexOf("--zip") + 1]!;
  const rounds = arg("rounds", 5);
  const ops = mode.split(",") as Op[];
  const needsCorpus = ops.some((o) => o === "deflate-ref" || o === "writer");
  const corpus = needsCorpus ? loadCorpus(corpusFile) : undefined;
  const zip = needsCorpus ? undefined : fs.readFileSync(zipFile);
  const fns = ops.map((o) => makeOp(o, corpus, zip));
  global.gc?.();
  const rssBase = process.memoryUsage().rss;
  const result: ChildResult = {};
  if (process.argv.includes("--rss")) {
    await fns[0]!();
    result.rssGrowth = process.resourceUsage().maxRSS * 1024 - rssBase;
    result.op = ops[0]!;
  } else {
    const timings: Timing[] = ops.map((op) => ({ op, ms: [] }));
    for (const fn of fns) await fn(); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < fns.length; i++) {
        const t = performance.now();
        await fns[i]!();
        timings[i]!.ms.push(performance.now() - t);
      }
    }
    result.timings = timings;
  }
  process.send!(result);
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const c = fork(fileURLToPath(import.meta.url), args, {
      execArgv: [...process.execArgv, "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let got: ChildResult | undefined;
    c.on("message", (m) => (got = m as ChildResult));
    c.on("error", reject);
    c.on("exit", (code) => (code === 0 && got ? resolve(got) : reject(new Error(`child ${args.join(" ")} exited ${code}`))));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const files = arg("files", 10_000);
  const seed = arg("seed", 42);
  const rounds = arg("rounds", 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zip-bench-"));
  try {
    const corpusFile = path.join(dir, "corpus.bin");
    const zipFile = path.join(dir, "corpus.zip");
    let t = performance.now();
    const corpus = generateCorpus({ files, seed });
    const genMs = performance.now() - t;
    const bytes = corpus.reduce((a, f) => a + f.content.length, 0);
    saveCorpus(corpusFile, corpus);
    const zipBytes = await buildZip(corpus, fs.createWriteStream(zipFile));
    await new Promise((r) => setTimeout(r, 50)); // let the file stream flush
    const sizes = corpus.map((f) => f.content.length).sort((a, b) => a - b);
    const payload = openZip(fs.readFileSync(zipFile), { maxEntries: files }).reduce((a, e) => a + e.compressedSize, 0);
    console.log(`node ${process.version}, ${os.cpus().length} cores, DEFLATE level ${LEVEL}`);
    console.log(
      `corpus: ${files} files, ${(bytes / 1e6).toFixed(1)} MB (median ${sizes[sizes.length >> 1]} B, max ${sizes.at(-1)} B), ` +
        `generated in ${(genMs / 1000).toFixed(1)} s\n` +
        `archive: ${(zipBytes / 1e6).toFixed(1)} MB (${(bytes / zipBytes).toFixed(2)}× with headers; contents alone ${(bytes / payload).toFixed(2)}×)`,
    );
    const common = ["--corpus", corpusFile, "--zip", zipFile, "--rounds", String(rounds)];
    const rows: { op: Op; ms: number }[] = [];
    for (const pair of ["deflate-ref,writer", "inflate-ref,reader"]) {
      const r = await runChild(["--child", pair, ...common]);
      for (const tm of r.timings!) rows.push({ op: tm.op, ms: median(tm.ms) });
    }
    const rss = new Map<Op, number>();
    for (const op of ["deflate-ref", "writer", "inflate-ref", "reader"] as Op[]) {
      const r = await runChild(["--child", op, "--rss", ...common]);
      rss.set(op, r.rssGrowth!);
    }
    const ms = (op: Op): number => rows.find((r) => r.op === op)!.ms;
    const line = (label: string, op: Op): string =>
      `${label.padEnd(44)} ${(ms(op) / 1000).toFixed(2).padStart(6)} s ${((bytes / 1e6) / (ms(op) / 1000)).toFixed(0).padStart(5)} MB/s  +RSS ${(rss.get(op)! / 1e6).toFixed(0).padStart(4)} MB`;
    console.log(`median of ${rounds} rounds after a warm-up; MB/s of uncompressed data`);
    console.log(line("write: zlib.deflateRawSync per file (ref)", "deflate-ref"));
    console.log(line("write: ZipWriter → discarding Writable", "writer"));
    console.log(`write ratio (ours / reference throughput): ${(ms("deflate-ref") / ms("writer")).toFixed(2)}×`);
    console.log(line("read:  zlib.inflateRawSync per entry (ref)", "inflate-ref"));
    console.log(line("read:  openZip + read() (size + CRC checks)", "reader"));
    console.log(`read ratio (ours / reference throughput): ${(ms("inflate-ref") / ms("reader")).toFixed(2)}×`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes("--child")) await child();
else await main();
