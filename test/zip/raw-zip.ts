/**
 * Test-only builder of raw ZIP structures with every field under the test's
 * control, for hostile fixtures our ZipWriter refuses to produce.
 * Defaults produce a valid archive; each override breaks exactly one thing.
 */
import * as zlib from "node:zlib";

export interface RawEntry {
  /** Name bytes (a string is encoded as UTF-8). */
  name: string | Buffer;
  /** Uncompressed contents; compressed according to `method` unless `payload` is given. */
  content?: Buffer;
  /** The exact bytes to store as the entry's data (skips compression). */
  payload?: Buffer;
  method?: number; // default 8 (deflate) when content is non-empty, else 0
  flags?: number; // default 0x0800 (UTF-8)
  crc?: number; // default: CRC-32 of content
  size?: number; // declared uncompressed size, default content length
  compressedSize?: number; // declared compressed size, default payload length
  /** Overrides only in the local header. */
  localName?: Buffer;
  localMethod?: number;
  localFlags?: number;
  /** Point the central record at another entry's local header (index). */
  localHeaderOf?: number;
  /** Extra field bytes for the central record. */
  centralExtra?: Buffer;
  dosTime?: number;
  dosDate?: number;
  /** Central "version made by": high byte the host (3 = Unix, 0 = MS-DOS). Default 0x033f. */
  versionMadeBy?: number;
  /** Central external attributes; Unix tools put st_mode in the high 16 bits. Default 0. */
  externalAttributes?: number;
}

export interface RawZipOptions {
  /** Declared entry count in the end record (default: number of entries). */
  count?: number;
  comment?: Buffer;
}

const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };

export function buildRawZip(entries: RawEntry[], opts: RawZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer): void => { parts.push(b); offset += b.length; };
  const offsets: number[] = [];
  const resolved = entries.map((e) => {
    const name = typeof e.name === "string" ? Buffer.from(e.name, "utf8") : e.name;
    const content = e.content ?? Buffer.alloc(0);
    const method = e.method ?? (content.length > 0 ? 8 : 0);
    const payload = e.payload ?? (method === 8 ? zlib.deflateRawSync(content) : content);
    return {
      e, name, method, payload,
      flags: e.flags ?? 0x0800,
      crc: e.crc ?? zlib.crc32(content),
      size: e.size ?? content.length,
      compressedSize: e.compressedSize ?? payload.length,
      time: e.dosTime ?? 0x5a00,
      date: e.dosDate ?? 0x5a2f,
    };
  });
  for (const r of resolved) {
    offsets.push(offset);
    const localName = r.e.localName ?? r.name;
    push(Buffer.concat([
      u32(0x04034b50), u16(20), u16(r.e.localFlags ?? r.flags), u16(r.e.localMethod ?? r.method),
      u16(r.time), u16(r.date), u32(r.crc), u32(r.compressedSize), u32(r.size),
      u16(localName.length), u16(0), localName,
    ]));
    push(r.payload);
  }
  const cdOffset = offset;
  resolved.forEach((r, i) => {
    const extra = r.e.centralExtra ?? Buffer.alloc(0);
    push(Buffer.concat([
      u32(0x02014b50), u16(r.e.versionMadeBy ?? 0x033f), u16(20), u16(r.flags), u16(r.method), u16(r.time), u16(r.date),
      u32(r.crc), u32(r.compressedSize), u32(r.size), u16(r.name.length), u16(extra.length), u16(0),
      u16(0), u16(0), u32(r.e.externalAttributes ?? 0), u32(offsets[r.e.localHeaderOf ?? i]!), r.name, extra,
    ]));
  });
  const cdSize = offset - cdOffset;
  const count = opts.count ?? entries.length;
  const comment = opts.comment ?? Buffer.alloc(0);
  push(Buffer.concat([
    u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(cdSize), u32(cdOffset), u16(comment.length), comment,
  ]));
  return Buffer.concat(parts);
}
