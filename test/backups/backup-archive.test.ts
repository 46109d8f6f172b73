import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { writeBackupArchive, type ArchiveHeader, type ArchiveSourceFile } from "../../src/archive/archive-writer.js";
import { parseManifest, type Manifest, type ManifestFile } from "../../src/archive/manifest.js";

const AT = new Date("2025-01-15T10:30:00Z");
const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function write(source: ArchiveSourceFile[], header: ArchiveHeader, level?: number) {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (c: Buffer) => chunks.push(c));
  const totals = await writeBackupArchive(sink, source, header, level === undefined ? {} : { level });
  sink.end();
  return { totals, bytes: Buffer.concat(chunks) };
}

function source(n: number): ArchiveSourceFile[] {
  return Array.from({ length: n }, (_, i) => {
    const content = Buffer.from(`// file ${i}\nconsole.log(${i});\n`.repeat(1 + (i % 5)));
    return {
      isLatest: i % 7 !== 3,
      content,
      doc: {
        fileName: `src/m${i % 50}/file-${i}.ts`,
        language: "typescript",
        note: i % 3 ? "" : `note "${i}"\nwith a line break and ünïcode שלום`,
        tags: i % 4 ? [] : ["a", `t${i}`],
        version: 1 + (i % 7),
        createdAt: AT,
        updatedAt: new Date(AT.getTime() + i * 1000),
        sha256: "",
      },
    };
  });
}

/** metadata.json as the writer built it in one piece before it was streamed. */
function expectedManifest(src: ArchiveSourceFile[], header: ArchiveHeader, paths: string[]): Manifest {
  const files: ManifestFile[] = src.map(({ doc, content, isLatest }, i) => {
    const f: ManifestFile = {
      file_name: doc.fileName,
      programming_language: doc.language,
      note: doc.note,
      tags: doc.tags,
      version: doc.version,
      created_at: doc.createdAt.toISOString(),
      updated_at: doc.updatedAt.toISOString(),
      size: content.length,
      sha256: sha(content),
    };
    if (paths[i] !== doc.fileName) f.path = paths[i];
    if (!isLatest) f.history = true;
    return f;
  });
  const m: Manifest = {
    version: "1.0",
    backup_id: header.backupId,
    backup_type: header.type,
    created_at: header.createdAt.toISOString(),
    user_id: header.userId,
    total_files: files.length,
    total_size: src.reduce((a, s) => a + s.content.length, 0),
    files,
  };
  if (header.part) {
    m.part = header.part.index;
    m.total_parts = header.part.total;
  }
  return m;
}

function unzipTest(bytes: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "cv-archive-")), "b.zip");
  writeFileSync(file, bytes);
  return execFileSync("unzip", ["-t", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

describe("writeBackupArchive: metadata.json built file by file", () => {
  it.each([
    ["level 6, several compressed segments", 6, 1200],
    ["level 0, stored", 0, 1200],
    ["level 6, one file", 6, 1],
    ["level 6, no files", 6, 0],
  ])("%s: byte for byte JSON.stringify(manifest, null, 2), CRC-checked by jszip and unzip -t", async (_label, level, n) => {
    const src = source(n);
    const header: ArchiveHeader = { backupId: "b1", type: "full_backup", createdAt: AT, userId: 42 };
    const { totals, bytes } = await write(src, header, level);
    expect(totals).toEqual({ fileCount: n, totalSize: src.reduce((a, s) => a + s.content.length, 0) });

    const jz = await JSZip.loadAsync(bytes, { checkCRC32: true });
    const text = await jz.file("metadata.json")!.async("string");
    const parsed = JSON.parse(text) as Manifest;
    const paths = parsed.files.map((f) => f.path ?? f.file_name);
    expect(text).toBe(JSON.stringify(expectedManifest(src, header, paths), null, 2));
    if (n > 0) expect(text.length).toBeGreaterThan(n > 1 ? 3 * 64 * 1024 : 0); // the big case spans several segments
    for (const [i, s] of src.entries()) expect((await jz.file(paths[i]!)!.async("nodebuffer")).equals(s.content)).toBe(true);
    expect(parseManifest(text)?.files.length).toBe(n);
    expect(unzipTest(bytes)).toContain("No errors detected in compressed data");
  });

  it("keeps part fields after the files, and moves a file called metadata.json or a taken name aside", async () => {
    const content = Buffer.from("{}\n");
    const doc = { language: "json", note: "", tags: [], version: 1, createdAt: AT, updatedAt: AT, sha256: "" };
    const src: ArchiveSourceFile[] = [
      { isLatest: true, content, doc: { ...doc, fileName: "metadata.json" } },
      { isLatest: true, content, doc: { ...doc, fileName: "a" } },
      { isLatest: true, content, path: "a", doc: { ...doc, fileName: "b" } },
    ];
    const header: ArchiveHeader = { backupId: "b2", type: "full_backup", createdAt: AT, userId: 1, part: { index: 2, total: 3 } };
    const { bytes } = await write(src, header);
    const jz = await JSZip.loadAsync(bytes, { checkCRC32: true });
    expect(Object.keys(jz.files).sort()).toEqual(["a", "a~2", "metadata.json", "metadata.json~2"]);
    const text = await jz.file("metadata.json")!.async("string");
    expect(text).toBe(JSON.stringify(expectedManifest(src, header, ["metadata.json~2", "a", "a~2"]), null, 2));
    expect(Object.keys(JSON.parse(text)).slice(-3)).toEqual(["files", "part", "total_parts"]);
  });
});

describe("writeBackupArchive with a source that reuses its buffer", () => {
  it("writes every file's own bytes while several entries are compressed at once (as iterateForBackup hands them)", async () => {
    const src = source(300);
    // One buffer, refilled for each file as soon as the next one is asked for; a random file is stored, not deflated.
    src[150] = { ...src[150]!, content: Buffer.from(Array.from({ length: 6000 }, (_, i) => (i * 7919) % 251)) };
    const scratch = Buffer.alloc(Math.max(...src.map((s) => s.content.length)));
    async function* reusing(): AsyncGenerator<ArchiveSourceFile> {
      for (const s of src) {
        scratch.fill(0x55);
        s.content.copy(scratch);
        yield { ...s, content: scratch.subarray(0, s.content.length) };
      }
    }
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on("data", (c: Buffer) => chunks.push(c));
    const header: ArchiveHeader = { backupId: "b3", type: "full_backup", createdAt: AT, userId: 7 };
    await writeBackupArchive(sink, reusing(), header);
    sink.end();
    const jz = await JSZip.loadAsync(Buffer.concat(chunks), { checkCRC32: true });
    const text = await jz.file("metadata.json")!.async("string");
    const paths = (JSON.parse(text) as Manifest).files.map((f) => f.path ?? f.file_name);
    expect(text).toBe(JSON.stringify(expectedManifest(src, header, paths), null, 2));
    for (const [i, s] of src.entries()) expect([paths[i], (await jz.file(paths[i]!)!.async("nodebuffer")).equals(s.content)]).toEqual([paths[i], true]);
  });
});

describe("writeBackupArchive and an output that keeps what it is given", () => {
  it("never changes a chunk once written: a consumer that holds every chunk and reads late sees each file's bytes", async () => {
    // ~10 MB over many batches (so answer buffers would come round again), half of it incompressible (stored entries), through a pass-through
    // stream into a consumer that holds each chunk it is handed (no copy) and takes its time.
    let seed = 12345;
    const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) & 0xff));
    const src = source(2000).map((s, i) => (i % 2 ? { ...s, content: noise(5000 + (i % 7) * 100) } : s));
    const held: Buffer[] = [];
    const late = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, done) {
        held.push(chunk);
        setImmediate(done);
      },
    });
    const sink = new PassThrough({ highWaterMark: 1024 });
    sink.pipe(late);
    const header: ArchiveHeader = { backupId: "b4", type: "full_backup", createdAt: AT, userId: 9 };
    await writeBackupArchive(sink, src, header);
    sink.end();
    await new Promise<void>((resolve) => late.on("finish", resolve));

    const jz = await JSZip.loadAsync(Buffer.concat(held), { checkCRC32: true });
    const text = await jz.file("metadata.json")!.async("string");
    const paths = (JSON.parse(text) as Manifest).files.map((f) => f.path ?? f.file_name);
    expect(text).toBe(JSON.stringify(expectedManifest(src, header, paths), null, 2));
    for (const [i, s] of src.entries()) expect([paths[i], (await jz.file(paths[i]!)!.async("nodebuffer")).equals(s.content)]).toEqual([paths[i], true]);
  });
});
