import { createHash } from "node:crypto";
/**
 * Fixture builders for restore-archive tests: valid archives through our own
 * writers, hostile ones through the raw builder of test/zip (every field under
 * the test's control).
 */
import { PassThrough } from "node:stream";
import * as zlib from "node:zlib";
import { writeBackupArchive, type ArchiveHeader, type ArchiveSourceFile } from "../../src/archive/archive-writer.js";
import { MANIFEST_NAME } from "../../src/archive/manifest.js";
import { buildRawZip, type RawEntry } from "../zip/raw-zip.js";
import { zipToBuffer } from "../zip/helpers.js";

export { buildRawZip, type RawEntry } from "../zip/raw-zip.js";
export { randomBytesSeeded, zipToBuffer } from "../zip/helpers.js";

export const MIB = 1024 * 1024;

/** A real 1×1 PNG. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

/** A text entry for the raw builder. */
export const textEntry = (name: string | Buffer, body = "hello\n"): RawEntry => ({ name, content: Buffer.from(body) });

/** A backup exactly as BackupService writes one, collected into a buffer. */
export async function backupToBuffer(source: ArchiveSourceFile[], header: ArchiveHeader): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (c: Buffer) => chunks.push(c));
  await writeBackupArchive(sink, source, header);
  sink.end();
  return Buffer.concat(chunks);
}

/** A ZIP holding `entries` and then metadata.json (a string is used as-is, anything else as JSON). */
export function manifestZip(manifest: unknown, entries: { name: string; data: string | Buffer }[] = []): Promise<Buffer> {
  const json = typeof manifest === "string" ? manifest : JSON.stringify(manifest);
  return zipToBuffer([
    ...entries.map((e) => ({ name: e.name, data: Buffer.from(e.data) })),
    { name: MANIFEST_NAME, data: Buffer.from(json) },
  ]);
}

/**
 * A raw DEFLATE stream of 1 GiB of zeros in ~1 MB, built in milliseconds: one
 * MiB of zeros deflated with a sync flush (byte-aligned, not final) repeated
 * 1024 times, then an empty final block.
 */
export function gibibyteOfZeros(): Buffer {
  const mib = zlib.deflateRawSync(Buffer.alloc(MIB), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array<Buffer>(1024).fill(mib), Buffer.from([0x03, 0x00])]);
}

/** How many bytes a raw DEFLATE stream inflates to, counted without holding them. */
export function inflatedLength(payload: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const inflate = zlib.createInflateRaw({ chunkSize: MIB });
    let n = 0;
    inflate.on("data", (c: Buffer) => (n += c.length));
    inflate.on("end", () => resolve(n));
    inflate.on("error", reject);
    inflate.end(payload);
  });
}

/** A ZIP bomb entry: `payload` inflates to far more than the `size` it declares. */
export const bombEntry = (name: string, payload: Buffer, size: number): RawEntry => ({
  name,
  payload,
  method: 8,
  size,
  crc: zlib.crc32(Buffer.alloc(Math.min(size, MIB))),
});

/**
 * An archive that must never be opened: its only entry climbs out with "../"
 * and declares 1 GiB. Anything that parsed it as a ZIP would throw.
 */
export function poisonedInnerZip(): Buffer {
  return buildRawZip([{ name: "../../escape.txt", payload: zlib.deflateRawSync(Buffer.alloc(64 * 1024)), method: 8, size: 1024 ** 3, crc: 0 }]);
}

/**
 * Overlapping-entry bomb: many central records pointing at the first entry's
 * local header and data, so a little data would count many times over.
 */
export function overlappingBomb(copies = 50): Buffer {
  const content = Buffer.alloc(MIB, 0x61);
  const name = (i: number): string => `f${String(i).padStart(3, "0")}.txt`;
  return buildRawZip(Array.from({ length: copies }, (_, i) => ({ name: name(i), content, ...(i > 0 ? { localHeaderOf: 0 } : {}) })));
}

/** A manifest file entry as our backups write it, for `content`. */
export const listed = (file_name: string, content: string | Buffer, extra: Record<string, unknown> = {}) => ({
  file_name,
  programming_language: "python",
  note: "",
  tags: [],
  version: 1,
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
  size: Buffer.byteLength(content),
  sha256: createHash("sha256").update(content).digest("hex"),
  ...extra,
});

/** A codevault archive built raw: `entries` then metadata.json listing `files`. */
export const rawBackup = (files: unknown[], entries: RawEntry[]): Buffer =>
  buildRawZip([...entries, textEntry("metadata.json", JSON.stringify({ version: "1.0", backup_type: "full_backup", files }))]);
