/**
 * Backup verify compares each listed file with its manifest sha256 and size.
 * The archives here have correct CRCs, so only that comparison can notice.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyArchive } from "../../src/backups/backup-verify.js";
import { backupToBuffer, buildRawZip, listed, textEntry } from "../restore/hostile-zips.js";

const sha = (data: string): string => createHash("sha256").update(data).digest("hex");
const backup = (files: unknown[], entries: { name: string; body: string }[]): Buffer =>
  buildRawZip([...entries.map((e) => textEntry(e.name, e.body)), textEntry("metadata.json", JSON.stringify({ version: "1.0", files }))]);

describe("verifyArchive", () => {
  it("a backup as we write it verifies", async () => {
    const bytes = await backupToBuffer(
      [{ isLatest: true, content: Buffer.from("print(1)\n"), doc: { fileName: "a.py", language: "python", note: "", tags: [], version: 1, createdAt: new Date(), updatedAt: new Date(), sha256: sha("print(1)\n") } }],
      { backupId: "b1", type: "full_backup", userId: 1, createdAt: new Date() },
    );
    expect(await verifyArchive(bytes)).toMatchObject({ ok: true, fileCount: 1, problems: [] });
  });

  it("an entry whose CRC is right but whose bytes differ from the manifest's sha256 → file_mismatch", async () => {
    // Same length, different bytes: only the sha256 comparison can tell.
    const bytes = backup([listed("a.py", "original\n"), listed("b.py", "fine\n")], [
      { name: "a.py", body: "tampered\n" },
      { name: "b.py", body: "fine\n" },
    ]);
    expect(await verifyArchive(bytes)).toMatchObject({ ok: false, problems: [{ kind: "file_mismatch", name: "a.py" }] });
  });

  it("a size that differs from the manifest's → file_mismatch", async () => {
    const bytes = backup([listed("a.py", "x\n", { size: 99 })], [{ name: "a.py", body: "x\n" }]);
    expect(await verifyArchive(bytes)).toMatchObject({ ok: false, problems: [{ kind: "file_mismatch", name: "a.py" }] });
  });
});
