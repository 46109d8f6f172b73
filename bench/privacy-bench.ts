/**
 * Private-copy benchmark (issue 14), run by `npm run bench` (bench/run.ts) or alone with
 * `npm run bench -- --only privacy [--privacy-files 10000 --rounds 3 --no-write]`.
 *
 * The corpus from bench/corpus.ts is written once as a backup ZIP (writeBackupArchive),
 * encrypted once to a throwaway age key (checked to decrypt to the same bytes), then every
 * case runs in a fresh child process (bench/privacy-cases.ts): age encrypt and decrypt
 * (age-encryption, through src/privacy/age-codec.ts) against bare AES-256-GCM and
 * ChaCha20-Poly1305 from node:crypto over the same bytes, in memory (throughput) and from
 * disk as streams (peak RSS); the restore path (decrypt into one buffer); and the scrypt
 * key derivation a passphrase copy costs. Writes its section of docs/PERFORMANCE.md
 * (`<!-- bench:privacy:… -->`).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { fileURLToPath } from "node:url";
import { writeBackupArchive } from "../src/archive/archive-writer.js";
import { decryptStream, encryptStream } from "../src/privacy/age-codec.js";
import { generateKey } from "../src/privacy/age-keys.js";
import { readWhole } from "../src/privacy/byte-streams.js";
import { forkCase, median } from "./child-case.js";
import { archiveSourceOf, generateCorpus } from "./corpus.js";
import { markdownTable, writeSection } from "./perf-report.js";
import { STREAM_OPS, TIMED_OPS, type Files, type PrivacyCaseResult, type PrivacyCaseSpec, type StreamOp, type TimedOp } from "./privacy-cases.js";

const CASES = fileURLToPath(new URL("./privacy-cases.ts", import.meta.url));
const REPORT = fileURLToPath(new URL("../docs/PERFORMANCE.md", import.meta.url));
const WARM_BYTES = 1024 * 1024;
const MB = 1e6;

export interface PrivacyBenchOptions {
  files: number;
  seed: number;
  rounds: number;
  /** Scratch folder for the ZIP and .age files. */
  dir: string;
  log?: (line: string) => void;
}

export interface PrivacyBenchResult {
  files: number;
  corpusBytes: number;
  zipBytes: number;
  ageBytes: number;
  rounds: number;
  loadAtStart: number[];
  timing: Record<TimedOp, number>;
  stream: Record<StreamOp, PrivacyCaseResult>;
  whole: PrivacyCaseResult;
  /** Passphrase key derivation: age-encryption's own (before) and src/privacy/scrypt-stanza.ts (now). */
  scrypt: Record<"age-encryption" | "ours", PrivacyCaseResult>;
}

const runChild = (spec: PrivacyCaseSpec) => forkCase<PrivacyCaseResult>(CASES, "--privacy-case", spec);

async function toFile(stream: ReadableStream<Uint8Array>, file: string): Promise<void> {
  await pipeline(Readable.fromWeb(stream as NodeWebStream<Uint8Array>), fs.createWriteStream(file));
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export async function benchPrivacy(o: PrivacyBenchOptions): Promise<PrivacyBenchResult> {
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const loadAtStart = os.loadavg();
  const t0 = performance.now();
  const corpus = generateCorpus({ files: o.files, seed: o.seed });
  const corpusBytes = corpus.reduce((a, f) => a + f.content.length, 0);
  const f: Files = {
    zipFile: path.join(o.dir, "privacy.zip"),
    ageFile: path.join(o.dir, "privacy.zip.age"),
    warmZipFile: path.join(o.dir, "privacy-warm.zip"),
    warmAgeFile: path.join(o.dir, "privacy-warm.zip.age"),
    recipient: "",
    identity: "",
  };
  const out = fs.createWriteStream(f.zipFile);
  await writeBackupArchive(out, archiveSourceOf(corpus), { backupId: "0123456789abcdef01234567", type: "full_backup", createdAt: new Date("2025-01-15T10:30:00Z"), userId: 1 });
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const zip = fs.readFileSync(f.zipFile);
  fs.writeFileSync(f.warmZipFile, zip.subarray(0, WARM_BYTES));

  const key = await generateKey();
  Object.assign(f, { recipient: key.recipient, identity: key.identity });
  await toFile(await encryptStream(fs.createReadStream(f.zipFile), { kind: "recipient", recipient: key.recipient }), f.ageFile);
  await toFile(await encryptStream(fs.createReadStream(f.warmZipFile), { kind: "recipient", recipient: key.recipient }), f.warmAgeFile);
  const back = await readWhole(await decryptStream(fs.createReadStream(f.ageFile), { kind: "identity", identities: [key.identity] }));
  if (sha256(back) !== sha256(zip)) throw new Error("privacy bench: the .age file does not decrypt to the ZIP");
  const ageBytes = fs.statSync(f.ageFile).size;
  log(`privacy: ${o.files} files, ZIP ${(zip.length / MB).toFixed(1)} MB, .age ${(ageBytes / MB).toFixed(1)} MB: built and checked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const timed = (await runChild({ case: "timing", rounds: o.rounds, ...f })).timing!;
  const timing = Object.fromEntries(TIMED_OPS.map((op) => [op, median(timed[op])])) as Record<TimedOp, number>;
  log("  privacy: timing done");
  const stream = {} as Record<StreamOp, PrivacyCaseResult>;
  for (const op of STREAM_OPS) stream[op] = await runChild({ case: "stream", op, ...f });
  const whole = await runChild({ case: "decrypt-whole", ...f });
  if (whole.bytes !== zip.length) throw new Error(`privacy bench: decrypt-whole gave ${whole.bytes} bytes, expected ${zip.length}`);
  const scrypt = {
    "age-encryption": await runChild({ case: "scrypt", impl: "age-encryption" }),
    ours: await runChild({ case: "scrypt", impl: "ours" }),
  };
  log("  privacy: streams, decrypt-whole, scrypt done");
  return { files: o.files, corpusBytes, zipBytes: zip.length, ageBytes, rounds: o.rounds, loadAtStart, timing, stream, whole, scrypt };
}

const SHOWN_ORDER: TimedOp[] = ["aes-256-gcm", "chacha20-poly1305", "chacha20-poly1305-chunked", "age-encrypt", "age-decrypt"];

const LABEL: Record<TimedOp, string> = {
  "aes-256-gcm": "bare AES-256-GCM (node:crypto, one nonce, one tag)",
  "chacha20-poly1305": "bare ChaCha20-Poly1305 (node:crypto, one nonce, one tag)",
  "chacha20-poly1305-chunked": "diagnostic: ChaCha20-Poly1305 (node:crypto) per 64 KiB chunk, nonce and tag each (age's framing, native)",
  "age-encrypt": "age encrypt to a recipient (`encryptStream`, age-encryption)",
  "age-decrypt": "age decrypt with the identity (`decryptStream`, age-encryption)",
};

function machine(): string {
  let cores: string;
  try {
    cores = execFileSync("nproc", { encoding: "utf8" }).trim();
  } catch {
    cores = String(os.availableParallelism());
  }
  return `${cores} cores (\`nproc\`), Node ${process.version}, ${os.platform()}-${os.arch()}`;
}

export function privacyReport(r: PrivacyBenchResult): string {
  const now = new Date().toISOString().slice(0, 16).replace("T", " ");
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const rate = (ms: number) => (r.zipBytes / MB / (ms / 1000)).toFixed(0);
  const rss = (c: PrivacyCaseResult) => `+${((c.peak - c.base) / MB).toFixed(1)}`;
  const vs = (op: TimedOp) => `${(r.timing["aes-256-gcm"] / r.timing[op]).toFixed(2)}× AES-GCM`;
  const extra = (op: StreamOp) => {
    const d = (r.stream[op].peak - r.stream[op].base - (r.stream["aes-256-gcm"].peak - r.stream["aes-256-gcm"].base)) / MB;
    return `${d >= 0 ? "+" : ""}${d.toFixed(1)}`;
  };
  const corpus = `${r.files.toLocaleString("en-US")} files, ZIP ${(r.zipBytes / MB).toFixed(1)} MB (.age ${(r.ageBytes / MB).toFixed(1)} MB)`;
  const rows: string[][] = [
    ...SHOWN_ORDER.map((op, i) => [i === 0 ? corpus : "", `${LABEL[op]}, in memory (median of ${r.rounds})`, s(r.timing[op]), rate(r.timing[op]), "", op === "aes-256-gcm" ? "" : vs(op)]),
    ...STREAM_OPS.map((op) => ["", `${op}: file on disk → stream → discarding sink`, s(r.stream[op].ms), rate(r.stream[op].ms), rss(r.stream[op]), ""]),
    ["", "age decrypt from disk into one buffer sized by the stream's `size()` (as `PrivateCopies.decryptToBuffer` does; what a restore needs)", s(r.whole.ms), rate(r.whole.ms), rss(r.whole), "holds the ZIP once"],
    ...(["age-encryption", "ours"] as const).map((impl) => [
      "",
      impl === "ours"
        ? "passphrase copy, as the bot does it now: age's scrypt stanza with node:crypto's async scrypt (`scrypt-stanza.ts`), 2¹⁸, encrypt + decrypt of 1 byte"
        : "passphrase copy through age-encryption's own `setPassphrase` / `addPassphrase` (@noble/hashes scrypt), 2¹⁸, encrypt + decrypt of 1 byte",
      `${s(r.scrypt[impl].ms)} + ${s(r.scrypt[impl].decryptMs!)}`,
      "",
      rss(r.scrypt[impl]),
      `event loop blocked up to ${(r.scrypt[impl].loopMaxMs! / 1000).toFixed(2)} s at a time; a 10 ms timer ran ${r.scrypt[impl].ticks} times in ${s(r.scrypt[impl].ms + r.scrypt[impl].decryptMs!)} s`,
    ]),
  ];
  return [
    "## Private copies: age encrypt and decrypt (`npm run bench -- --only privacy`)",
    "",
    `Measured ${now} UTC on ${machine()}, **a shared machine** (load average ${r.loadAtStart.map((l) => l.toFixed(2)).join(" / ")} over 1 / 5 / 15 min when the run started): compare within the table, as ratios.`,
    `The backup is the \`bench/corpus.ts\` corpus written by \`writeBackupArchive\`; every case reads the same ZIP bytes (decrypt: their .age file).`,
    "MB = 10⁶ bytes; MB/s of ZIP bytes; +RSS = peak RSS above the case's own baseline in a fresh child process",
    "(after a warm-up run of the same operation on 1 MB, after a full GC). Stream cases are single runs.",
    "",
    markdownTable(["backup", "case", "s", "MB/s", "+RSS MB", "notes"], rows, ["l", "l", "r", "r", "r", "l"]),
    "",
    "- age-encryption does ChaCha20-Poly1305 in JavaScript (@noble/ciphers); node:crypto uses OpenSSL's native code. The",
    "  chunked diagnostic row is age's framing done natively, so the gap between it and the age rows is the JavaScript",
    "  cipher, not the format.",
    `- Streamed from disk, age adds ${extra("age-encrypt")} MB (encrypt) and ${extra("age-decrypt")} MB (decrypt) of peak RSS over bare`,
    "  AES-256-GCM streamed the same way; what every stream case shares, bare AES included, is Node's own stream",
    "  buffers and garbage between collections, not the backup. Decrypting into one buffer holds the ZIP once.",
    "- scrypt needs 128 × r × N bytes = 256 MiB at 2¹⁸ while it runs. age-encryption's own passphrase support runs it",
    "  synchronously in JavaScript, so every other user waits for the whole derivation (the 'before' row). The bot now",
    "  plugs age's scrypt stanza in through age-encryption's Recipient / Identity interfaces and derives the key with",
    "  node:crypto.scrypt on libuv's thread pool, one derivation at a time (`src/privacy/scrypt-stanza.ts`): the event",
    "  loop keeps serving other users while the key is derived (compare the two rows' longest block and timer runs).",
  ].join("\n");
}

export function writePrivacyReport(section: string): void {
  writeSection(REPORT, "privacy", section, "# Performance\n");
}
