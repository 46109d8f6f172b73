/**
 * Loading, verifying and planning yield to the event loop between steps (issue 11: other
 * users' updates must not wait for someone's 10,000-file archive). With a Pacer whose slice
 * is 0 ms every step yields, so another callback must run while the work is under way, and
 * the results are those of the work done in one piece.
 */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadArchive } from "../../src/archive/archive-loader.js";
import { writeBackupArchive, type ArchiveSourceFile } from "../../src/archive/archive-writer.js";
import { openZip, openZipPaced } from "../../src/archive/zip/index.js";
import { planRestore, planRestorePaced } from "../../src/restore/restore-planner.js";
import { Pacer } from "../../src/work/pacer.js";

const AT = new Date("2025-01-15T10:30:00Z");

async function backupOf(n: number): Promise<{ bytes: Buffer; texts: Map<string, string> }> {
  const texts = new Map<string, string>();
  const source: ArchiveSourceFile[] = Array.from({ length: n }, (_, i) => {
    const text = `export const n${i} = ${i};\n`.repeat(1 + (i % 9));
    texts.set(`src/f${i}.ts`, text);
    return {
      isLatest: true,
      content: Buffer.from(text),
      doc: { fileName: `src/f${i}.ts`, language: "typescript", note: "", tags: [], version: 1, createdAt: AT, updatedAt: AT, sha256: "" },
    };
  });
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on("data", (c: Buffer) => chunks.push(c));
  await writeBackupArchive(sink, source, { backupId: "p1", type: "full_backup", createdAt: AT, userId: 1 });
  sink.end();
  return { bytes: Buffer.concat(chunks), texts };
}

/** Runs `work` and counts the turns another setImmediate callback got before it finished. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = (): void => {
    if (done) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  done = true;
  return { result, turns };
}

describe("paced archive work", () => {
  it("loadArchive lets other callbacks run between files and loads every file intact", async () => {
    const { bytes, texts } = await backupOf(1200);
    const { result, turns } = await turnsDuring(() => loadArchive(bytes, {}, undefined, new Pacer(0)));
    expect(turns).toBeGreaterThan(100);
    expect(result.files.length).toBe(1200);
    for (const f of result.files) expect([f.name, f.content]).toEqual([f.name, texts.get(f.name)]);
    expect(result.rejected).toEqual([]);
  });

  it("openZipPaced and planRestorePaced give what the one-piece versions give", async () => {
    const { bytes } = await backupOf(700);
    const paced = await turnsDuring(() => openZipPaced(bytes, {}, new Pacer(0)));
    expect(paced.turns).toBeGreaterThan(1);
    expect(paced.result.map((e) => [e.name, e.size, e.crc32])).toEqual(openZip(bytes).map((e) => [e.name, e.size, e.crc32]));

    const incoming = Array.from({ length: 1500 }, (_, i) => ({ name: i % 3 ? `f${i}.py` : `F${i}.py`, sha256: `s${i % 5}`, size: i }));
    const library = Array.from({ length: 900 }, (_, i) => ({ fileName: `f${i * 2}.py`, sha256: `s${(i * 2) % 5}`, size: 1, updatedAt: AT, version: 1 }));
    const plan = await turnsDuring(() => planRestorePaced(incoming, library, [], new Pacer(0)));
    expect(plan.turns).toBeGreaterThan(1);
    expect(plan.result).toEqual(planRestore(incoming, library));
  });
});
