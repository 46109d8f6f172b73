/**
 * Python's zipfile reads what our writer makes: a third reader written independently of ours,
 * jszip and Info-ZIP. Skipped when python3 is not installed.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCorpus } from "../../bench/corpus.js";
import { randomBytesSeeded, zipToBuffer } from "./helpers.js";

const execFileAsync = promisify(execFile);

function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "import zipfile"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** testzip() re-reads every member and checks its CRC; then every member's name, size, SHA-256, date and method. */
const READ_WITH_ZIPFILE = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    members = []
    for info in z.infolist():
        data = z.read(info)
        members.append({
            "name": info.filename,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "date": list(info.date_time),
            "method": info.compress_type,
        })
    json.dump({"bad": bad, "members": members}, sys.stdout)
`;

interface PythonView {
  bad: string | null;
  members: { name: string; size: number; sha256: string; date: number[]; method: number }[];
}

const MTIME = new Date(2025, 0, 15, 10, 30, 42); // local time: DOS dates carry no zone, zipfile reports them as written

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "zip-python-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function readWithPython(buf: Buffer, name: string): Promise<PythonView> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, buf);
  const { stdout } = await execFileAsync("python3", ["-c", READ_WITH_ZIPFILE, file], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as PythonView;
}

function files() {
  return [
    ...generateCorpus({ files: 60, seed: 11 }).map((f) => ({ name: f.name, data: f.content, modifiedAt: MTIME })),
    { name: "src/שלום.py", data: Buffer.from("print('שלום עולם')\n"), modifiedAt: MTIME },
    { name: "docs/日本語/ノート.md", data: Buffer.from("# ノート\n😀\n"), modifiedAt: MTIME },
    { name: "empty.txt", data: Buffer.alloc(0), modifiedAt: MTIME },
    { name: "bin/random.dat", data: randomBytesSeeded(40_000, 5), modifiedAt: MTIME },
  ];
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe.skipIf(!hasPython())("Python's zipfile reads our archives", () => {
  it.each([
    ["classic records", {}],
    ["ZIP64 records on every entry", { forceZip64: true }],
  ])("%s: every member's name, bytes, CRC and date", async (label, opts) => {
    const input = files();
    const view = await readWithPython(await zipToBuffer(input, opts), `${label.split(" ")[0]}.zip`);
    expect(view.bad).toBeNull();
    expect(view.members.map((m) => m.name)).toEqual(input.map((f) => f.name));
    for (const [i, m] of view.members.entries()) {
      expect(m.size).toBe(input[i]!.data.length);
      expect(m.sha256).toBe(sha(input[i]!.data));
      expect(m.date).toEqual([2025, 1, 15, 10, 30, 42]);
    }
    const byName = new Map(view.members.map((m) => [m.name, m]));
    expect(byName.get("bin/random.dat")!.method).toBe(0); // incompressible: stored
    expect(byName.get(input[0]!.name)!.method).toBe(8); // deflated
  });
});
