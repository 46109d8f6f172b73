import { PassThrough } from "node:stream";
import { writeBackupArchive, type ArchiveSourceFile } from "../../src/archive/archive-writer.js";
import { ZipWriter } from "../../src/archive/zip/index.js";

/** Collects what a writer streams into one Buffer. */
export async function collect(write: (out: PassThrough) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await write(out);
  out.end();
  return Buffer.concat(chunks);
}

/** A plain ZIP of the given entries (names as given, bytes or text). */
export function plainZip(entries: Record<string, string | Uint8Array>): Promise<Buffer> {
  return collect(async (out) => {
    const zip = new ZipWriter(out);
    for (const [name, data] of Object.entries(entries)) await zip.add({ name, data: typeof data === "string" ? Buffer.from(data) : data });
    await zip.finish();
  });
}

/** A codevault backup ZIP (metadata.json included) of the given files. */
export function backupZip(files: Record<string, string>, opts: { tags?: string[]; note?: string } = {}): Promise<Buffer> {
  const now = new Date("2025-01-15T10:30:00Z");
  const source: ArchiveSourceFile[] = Object.entries(files).map(([fileName, content]) => ({
    isLatest: true,
    content: Buffer.from(content),
    doc: { fileName, language: "", note: opts.note ?? "", tags: opts.tags ?? [], version: 1, createdAt: now, updatedAt: now, sha256: "" },
  }));
  return collect((out) => writeBackupArchive(out, source, { backupId: "test", type: "full_backup", createdAt: now, userId: 1 }));
}

/** The older bots' format: metadata.json whose entries carry the body in `code`, and no file entries. */
export function legacyZip(files: Record<string, string>): Promise<Buffer> {
  const manifest = {
    version: "1.0",
    backup_type: "full_backup",
    created_at: "2024-05-01T08:00:00Z",
    user_id: 42,
    extra_field_from_the_old_bot: { anything: true },
    files: Object.entries(files).map(([file_name, code]) => ({ file_name, code, programming_language: "python", tags: ["old"], note: "from the old bot" })),
  };
  return plainZip({ "metadata.json": JSON.stringify(manifest) });
}
