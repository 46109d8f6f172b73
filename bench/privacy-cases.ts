/**
 * One private-copy benchmark case per child process (forked by bench/privacy-bench.ts
 * with --expose-gc), so each peak-RSS figure starts from a clean process:
 *
 *   timing        over the backup ZIP held in memory, in 64 KiB chunks, alternated for N rounds (medians):
 *                 bare AES-256-GCM and ChaCha20-Poly1305 (node:crypto, one nonce, one tag), ChaCha20-Poly1305
 *                 per 64 KiB chunk with its own nonce and tag (age's STREAM framing, native, diagnostic),
 *                 age encrypt to a recipient and age decrypt with the identity (age-encryption)
 *   <op>-stream   the same operation once, from the ZIP (or .age) file on disk to a discarding sink  (+RSS)
 *   decrypt-whole age decrypt from disk into one buffer of the ZIP's size (what a restore needs) (+RSS)
 *   scrypt        a passphrase copy's key derivation at age's default work factor: encrypt + decrypt of 1 byte (+RSS),
 *                 with the event loop's longest stall meanwhile: the longest gap between ticks of a 10 ms timer,
 *                 the start and the end of the case counting as ticks (a loop blocked throughout has one gap,
 *                 the whole case). `impl: "age-encryption"` is the library's own setPassphrase /
 *                 addPassphrase (@noble/hashes scrypt, synchronous); `impl: "ours"` is src/privacy/scrypt-stanza.ts
 *
 * The baseline is RSS after one small warm-up run of the same operation, after a full GC.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { Decrypter, Encrypter } from "age-encryption";
import { decryptStream, DEFAULT_SCRYPT_WORK_FACTOR, encryptStream } from "../src/privacy/age-codec.js";
import { readWhole, type ByteSource } from "../src/privacy/byte-streams.js";
import { serveCase } from "./child-case.js";
import { startRssProbe } from "./rss-probe.js";

export const STREAM_OPS = ["aes-256-gcm", "chacha20-poly1305", "age-encrypt", "age-decrypt"] as const;
export type StreamOp = (typeof STREAM_OPS)[number];
export const TIMED_OPS = [...STREAM_OPS, "chacha20-poly1305-chunked"] as const;
export type TimedOp = (typeof TIMED_OPS)[number];

export interface Files {
  zipFile: string;
  ageFile: string;
  /** The first MB of the ZIP, and it encrypted: the warm-up runs. */
  warmZipFile: string;
  warmAgeFile: string;
  recipient: string;
  /** A throwaway identity made for this run, to decrypt its own .age file. */
  identity: string;
}

export type PrivacyCaseSpec =
  | ({ case: "timing"; rounds: number } & Files)
  | ({ case: "stream"; op: StreamOp } & Files)
  | ({ case: "decrypt-whole" } & Files)
  | { case: "scrypt"; impl: "age-encryption" | "ours" };

export interface PrivacyCaseResult {
  ms: number;
  base: number;
  peak: number;
  /** Bytes the operation read. */
  bytes: number;
  timing?: Record<TimedOp, number[]>;
  /** scrypt: the decrypt half's time (ms is the encrypt half). */
  decryptMs?: number;
  /** scrypt: the longest the event loop went without serving a 10 ms timer (ms) while encrypting and decrypting, and how many ticks ran. */
  loopMaxMs?: number;
  ticks?: number;
}

const CHUNK = 64 * 1024;
const KEY = randomBytes(32);

function* slices(bytes: Buffer): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += chunk.length;
  return n;
}

/** Bare AEAD over the whole input: one nonce, one tag at the end. */
async function bare(alg: "aes-256-gcm" | "chacha20-poly1305", source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
  const cipher = alg === "aes-256-gcm" ? createCipheriv(alg, KEY, randomBytes(12)) : createCipheriv(alg, KEY, randomBytes(12), { authTagLength: 16 });
  let n = 0;
  for await (const chunk of source) n += cipher.update(chunk).length;
  n += cipher.final().length;
  return n + cipher.getAuthTag().length;
}

/** age's framing with node:crypto: ChaCha20-Poly1305 per 64 KiB chunk, a counter nonce, a tag each. */
function chunked(bytes: Buffer): number {
  const nonce = Buffer.alloc(12);
  let n = 0;
  let i = 0;
  for (const chunk of slices(bytes)) {
    nonce.writeUInt32BE(i++, 7);
    if (i * CHUNK >= bytes.length) nonce[11] = 1;
    const cipher = createCipheriv("chacha20-poly1305", KEY, nonce, { authTagLength: 16 });
    n += cipher.update(chunk).length + cipher.final().length + cipher.getAuthTag().length;
  }
  return n;
}

async function run(op: TimedOp, input: ByteSource & AsyncIterable<Uint8Array>, f: Files, inMemory?: Buffer): Promise<number> {
  switch (op) {
    case "aes-256-gcm":
    case "chacha20-poly1305":
      return bare(op, input);
    case "chacha20-poly1305-chunked":
      return chunked(inMemory!);
    case "age-encrypt":
      return drain(await encryptStream(input, { kind: "recipient", recipient: f.recipient }));
    case "age-decrypt":
      return drain(await decryptStream(input, { kind: "identity", identities: [f.identity] }));
  }
}

const fromMemory = (bytes: Buffer) => (async function* () {
  yield* slices(bytes);
})();
const fromDisk = (file: string) => fs.createReadStream(file, { highWaterMark: CHUNK });
const inputFile = (op: TimedOp, f: Files, warm = false) =>
  op === "age-decrypt" ? (warm ? f.warmAgeFile : f.ageFile) : warm ? f.warmZipFile : f.zipFile;

export async function runPrivacyCase(spec: PrivacyCaseSpec): Promise<PrivacyCaseResult> {
  const probe = await startRssProbe();
  try {
    if (spec.case === "timing") {
      const inputs = { zip: fs.readFileSync(spec.zipFile), age: fs.readFileSync(spec.ageFile) };
      const timing = Object.fromEntries(TIMED_OPS.map((op) => [op, [] as number[]])) as Record<TimedOp, number[]>;
      for (let r = 0; r <= spec.rounds; r++) {
        for (const op of TIMED_OPS) {
          const bytes = op === "age-decrypt" ? inputs.age : inputs.zip;
          const t = performance.now();
          await run(op, fromMemory(bytes), spec, bytes);
          if (r > 0) timing[op].push(performance.now() - t); // round 0 warms up
        }
      }
      return { ms: 0, base: 0, peak: 0, bytes: inputs.zip.length, timing };
    }
    if (spec.case === "stream") {
      await run(spec.op, fromDisk(inputFile(spec.op, spec, true)), spec);
      const base = probe.begin();
      const t = performance.now();
      const bytes = await run(spec.op, fromDisk(inputFile(spec.op, spec)), spec);
      const ms = performance.now() - t;
      return { ms, base, peak: probe.end(), bytes };
    }
    if (spec.case === "decrypt-whole") {
      const open = async (file: string) => {
        const plain = await decryptStream(fromDisk(file), { kind: "identity", identities: [spec.identity] });
        return (await readWhole(plain, plain.size(fs.statSync(file).size))).length;
      };
      await open(spec.warmAgeFile);
      const base = probe.begin();
      const t = performance.now();
      const bytes = await open(spec.ageFile);
      const ms = performance.now() - t;
      return { ms, base, peak: probe.end(), bytes };
    }
    const passphrase = "a passphrase of a benchmark";
    let ticks = 0;
    let lastTick = performance.now();
    let longestGap = 0;
    const tick = () => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - lastTick);
      lastTick = now;
    };
    const ticker = setInterval(() => {
      ticks++;
      tick();
    }, 10);
    const base = probe.begin();
    lastTick = performance.now();
    let t = performance.now();
    let file: Uint8Array;
    if (spec.impl === "ours") {
      file = await readWhole(await encryptStream(Buffer.from("x"), { kind: "passphrase", passphrase }, { scryptWorkFactor: DEFAULT_SCRYPT_WORK_FACTOR }));
    } else {
      const e = new Encrypter();
      e.setScryptWorkFactor(DEFAULT_SCRYPT_WORK_FACTOR);
      e.setPassphrase(passphrase);
      file = await e.encrypt(Buffer.from("x"));
    }
    const ms = performance.now() - t;
    t = performance.now();
    if (spec.impl === "ours") await readWhole(await decryptStream(file, { kind: "passphrase", passphrase }));
    else {
      const d = new Decrypter();
      d.addPassphrase(passphrase);
      await d.decrypt(file);
    }
    const decryptMs = performance.now() - t;
    tick(); // the end counts: a loop blocked until here stalled for all of it
    clearInterval(ticker);
    return { ms, decryptMs, base, peak: probe.end(), bytes: 1, loopMaxMs: longestGap, ticks };
  } finally {
    probe.close();
  }
}

serveCase("--privacy-case", runPrivacyCase);
