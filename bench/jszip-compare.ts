/**
 * Why the ZIP codec is our own, measured: `node --expose-gc --import tsx bench/jszip-compare.ts [--files 10000]`.
 *
 * Builds the bench corpus (bench/corpus.ts, seed 42) into a ZIP at DEFLATE level 6, once with
 * jszip (the interop oracle of the tests) and once with our ZipWriter, each into memory it
 * discards, each in a fresh child process so each peak RSS is its own. +RSS is the peak above
 * the child's baseline after the corpus is loaded. Single runs: compare them as ratios.
 */
import { fork } from "node:child_process";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import JSZip from "jszip";
import { ZipWriter } from "../src/archive/zip/index.js";
import { generateCorpus } from "./corpus.js";
import { startRssProbe } from "./rss-probe.js";

type Lib = "jszip" | "ours";
const LEVEL = 6;
const MTIME = new Date(2025, 0, 15, 10, 30);

async function child(lib: Lib, files: number): Promise<void> {
  const corpus = generateCorpus({ files, seed: 42 });
  const bytes = corpus.reduce((a, f) => a + f.content.length, 0);
  const probe = await startRssProbe();
  const base = probe.begin();
  const t = performance.now();
  let zipBytes = 0;
  if (lib === "jszip") {
    const zip = new JSZip();
    for (const f of corpus) zip.file(f.name, f.content, { date: MTIME });
    const out = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: LEVEL } });
    zipBytes = out.length;
  } else {
    const sink = new Writable({ write(c: Buffer, _e, cb) { zipBytes += c.length; cb(); } });
    const w = new ZipWriter(sink, { level: LEVEL });
    for (const f of corpus) await w.add({ name: f.name, data: f.content, modifiedAt: MTIME });
    await w.finish();
  }
  const s = (performance.now() - t) / 1000;
  const peak = probe.end();
  probe.close();
  process.send!({ lib, files, mb: bytes / 1e6, s, mbps: bytes / 1e6 / s, rssMb: (peak - base) / 1e6, zipMb: zipBytes / 1e6 });
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--files");
  const files = i >= 0 ? Number(process.argv[i + 1]) : 10_000;
  const self = fileURLToPath(import.meta.url);
  console.log(`${process.version}, ${files} files, DEFLATE level ${LEVEL}`);
  for (const lib of ["jszip", "ours"] as const) {
    const result = await new Promise((resolve, reject) => {
      const c = fork(self, ["--child", lib, String(files)], { execArgv: ["--expose-gc", "--import", "tsx"] });
      c.once("message", resolve);
      c.once("error", reject);
      c.once("exit", (code) => (code ? reject(new Error(`${lib} child exited ${code}`)) : undefined));
    });
    console.log(JSON.stringify(result));
  }
}

const at = process.argv.indexOf("--child");
if (at >= 0) await child(process.argv[at + 1] as Lib, Number(process.argv[at + 2]));
else await main();
