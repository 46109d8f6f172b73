/**
 * Verify, split and restore read an archive through the one loader (openArchive):
 * the same hostile archives are refused by all three, with nothing returned.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { isArchiveError, loadArchive } from "../../src/archive/archive-loader.js";
import { splitArchive } from "../../src/backups/backup-parts.js";
import { verifyArchive } from "../../src/backups/backup-verify.js";
import { bombEntry, buildRawZip, gibibyteOfZeros, manifestZip, overlappingBomb, listed, rawBackup, textEntry } from "../restore/hostile-zips.js";

const backup = rawBackup;
const header = { backupId: "b1", type: "full_backup", userId: 1, createdAt: new Date("2025-01-01T00:00:00Z") };

async function splitError(bytes: Buffer): Promise<unknown> {
  try {
    await splitArchive(bytes, { partBytes: 1, baseName: "b", header, level: 6 });
  } catch (err) {
    return err;
  }
  return undefined;
}

async function restoreError(bytes: Buffer): Promise<unknown> {
  try {
    await loadArchive(bytes);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe("one loader for verify, split and restore", () => {
  let gib: Buffer;
  const cases: [string, () => Buffer | Promise<Buffer>, string][] = [
    ["a path escaping the folder", () => backup([listed("a.py", "hello\n")], [textEntry("a.py"), textEntry("../evil.py")]), "unsafe_path"],
    ["duplicate entry names", () => backup([listed("a.py", "hello\n")], [textEntry("a.py"), textEntry("a.py")]), "duplicate_name"],
    ["a CRC mismatch in a listed file", () => backup([listed("a.py", "hello\n")], [{ ...textEntry("a.py"), crc: 1 }]), "crc_mismatch"],
    ["a bomb declaring a small size", () => backup([listed("a.py", "hello\n")], [textEntry("a.py"), bombEntry("bomb.txt", gib, 1000)]), "size_mismatch"],
    ["a metadata.json bomb", () => buildRawZip([textEntry("a.py"), bombEntry("metadata.json", gib, 1024 ** 3)]), "manifest_too_large"],
    ["overlapping entries sharing one body", () => overlappingBomb(), "corrupt"],
    ["a manifest that is not JSON", () => buildRawZip([textEntry("a.py"), textEntry("metadata.json", "{ not json")]), "manifest_invalid"],
    ["a file whose bytes are not the listed ones", () => manifestZip({ files: [listed("a.py", "original\n")] }, [{ name: "a.py", data: "tampered\n" }]), "checksum_mismatch"],
    ["a listed file the archive does not hold", () => backup([listed("a.py", "hello\n"), listed("gone.py", "x\n")], [textEntry("a.py")]), "manifest_missing_file"],
  ];
  beforeAll(() => {
    gib = gibibyteOfZeros();
  });

  it.each(cases)("%s: restore refuses it, verify reports it, split refuses it", async (_label, build, restoreCode) => {
    const bytes = await build();
    const restore = await restoreError(bytes);
    expect(isArchiveError(restore) && restore.code).toBe(restoreCode);

    const verify = await verifyArchive(bytes);
    expect(verify.ok).toBe(false);
    expect(verify.problems.length).toBeGreaterThan(0);

    const split = await splitError(bytes);
    expect(isArchiveError(split)).toBe(true);
  });

  it("a sound backup passes all three", async () => {
    const bytes = backup([listed("a.py", "hello\n"), listed("b.py", "bye\n")], [textEntry("a.py", "hello\n"), textEntry("b.py", "bye\n")]);
    expect((await loadArchive(bytes)).files.map((f) => f.name)).toEqual(["a.py", "b.py"]);
    expect(await verifyArchive(bytes)).toMatchObject({ ok: true, fileCount: 2 });
    const parts = await splitArchive(bytes, { partBytes: 1, baseName: "b", header, level: 6 });
    expect(await Promise.all(parts.map(async (p) => (await loadArchive(p.bytes)).files.map((f) => f.name)))).toEqual([["a.py"], ["b.py"]]);
  });
});
