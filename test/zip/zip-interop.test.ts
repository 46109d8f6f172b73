/** Archives made by other tools (Info-ZIP `zip`, jszip with data descriptors) read by our reader. */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openZip, readAllEntries } from "../../src/archive/zip/zip-reader.js";
import { randomBytesSeeded } from "./helpers.js";

const execFileAsync = promisify(execFile);

const FILES: Record<string, Buffer> = {
  "proj/src/main.ts": Buffer.from("export const main = () => 42;\n".repeat(50)),
  "proj/src/שלום.py": Buffer.from("print('שלום')\n"),
  "proj/empty.txt": Buffer.alloc(0),
  "proj/data.bin": randomBytesSeeded(10_000, 21),
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "zip-interop-"));
  for (const [name, data] of Object.entries(FILES)) {
    fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), data);
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("reading archives from other tools", () => {
  it("reads an Info-ZIP `zip -r` archive, directories included", async () => {
    const file = path.join(dir, "cli.zip");
    await execFileAsync("/usr/bin/zip", ["-q", "-r", "-X", file, "proj"], { cwd: dir });
    const entries = openZip(fs.readFileSync(file));
    const dirs = entries.filter((e) => e.isDirectory).map((e) => e.name).sort();
    expect(dirs).toEqual(["proj/", "proj/src/"]);
    const files = Object.fromEntries(readAllEntries(fs.readFileSync(file)).map((e) => [e.name, e.data]));
    expect(Object.keys(files).sort()).toEqual(Object.keys(FILES).sort());
    for (const [name, data] of Object.entries(FILES)) expect(Buffer.compare(files[name]!, data)).toBe(0);
  });

  it("reads a jszip archive streamed with data descriptors", async () => {
    const jz = new JSZip();
    for (const [name, data] of Object.entries(FILES)) jz.file(name, data);
    const buf = await jz.generateAsync({ type: "nodebuffer", compression: "DEFLATE", streamFiles: true });
    const local = buf.indexOf("proj/src/main.ts") - 30;
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    expect(buf.readUInt16LE(local + 6) & 0x0008).toBe(0x0008); // sizes follow the data (data descriptor)
    expect(buf.readUInt32LE(local + 18)).toBe(0); // …and are zero in the local header
    const files = Object.fromEntries(readAllEntries(buf).map((e) => [e.name, e.data]));
    for (const [name, data] of Object.entries(FILES)) expect(Buffer.compare(files[name]!, data)).toBe(0);
  });
});
