import * as zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { ZipError, type ZipErrorCode } from "../../src/archive/zip/zip-errors.js";
import { openZip, readAllEntries, verifyZip, type ZipLimits } from "../../src/archive/zip/zip-reader.js";
import { randomBytesSeeded, zipToBuffer } from "./helpers.js";
import { buildRawZip, type RawEntry } from "./raw-zip.js";

function zipError(fn: () => unknown): ZipError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ZipError) return err;
    throw new Error(`expected a ZipError, got ${String(err)}`);
  }
  throw new Error("expected a ZipError, nothing was thrown");
}

function expectOpenFails(buf: Buffer, code: ZipErrorCode, entryName?: string, limits?: Partial<ZipLimits>): void {
  const err = zipError(() => openZip(buf, limits));
  expect(err.code).toBe(code);
  if (entryName !== undefined) expect(err.entryName).toBe(entryName);
}

function expectReadFails(buf: Buffer, code: ZipErrorCode, entryName: string, message?: RegExp): void {
  const entry = openZip(buf).find((e) => e.name === entryName)!;
  const err = zipError(() => entry.read());
  expect(err.code).toBe(code);
  expect(err.entryName).toBe(entryName);
  if (message) expect(err.message).toMatch(message);
  expect(zipError(() => readAllEntries(buf)).code).toBe(code);
}

/** The reader's message when zlib's maxOutputLength cap stopped inflation (rather than a full inflate then a length check). */
const STOPPED_AT_CAP = /inflates to more than its declared/;

const ok = (name: string, text = "hello\n"): RawEntry => ({ name, content: Buffer.from(text) });

describe("the raw fixture builder", () => {
  it("builds valid archives by default", () => {
    const buf = buildRawZip([ok("a.py", "print(1)\n"), ok("b/c.ts"), { name: "d/" }]);
    const entries = openZip(buf);
    expect(entries.map((e) => [e.name, e.isDirectory])).toEqual([["a.py", false], ["b/c.ts", false], ["d/", true]]);
    expect(entries[0]!.read().toString()).toBe("print(1)\n");
    expect(entries[2]!.read().length).toBe(0);
  });
});

describe("unsafe names", () => {
  it.each([
    ["../evil.py"],
    ["src/../../evil.py"],
    ["/etc/passwd"],
    ["C:\\x"],
    ["C:/Windows/x.py"],
    ["..\\evil.py"],
    ["a\\..\\..\\b"],
    ["a//b.py"],
    ["nul\0.py"],
    ["tab\there.py"],
    ["./"],
    ["."],
  ])("rejects %j as unsafe_path", (name) => {
    expectOpenFails(buildRawZip([ok("fine.py"), ok(name)]), "unsafe_path", name);
  });

  it("normalises ./ segments, then catches the duplicate", () => {
    expect(openZip(buildRawZip([ok("./src/./a.py")]))[0]!.name).toBe("src/a.py");
    expectOpenFails(buildRawZip([ok("src/a.py"), ok("./src/a.py")]), "duplicate_name", "src/a.py");
  });

  it("rejects duplicate names", () => {
    expectOpenFails(buildRawZip([ok("a.py"), ok("b.py"), ok("a.py")]), "duplicate_name", "a.py");
    expectOpenFails(buildRawZip([{ name: "a/" }, ok("a")]), "duplicate_name", "a");
  });

  it("rejects a file that is also used as a directory", () => {
    expectOpenFails(buildRawZip([ok("lib"), ok("lib/x.py")]), "duplicate_name", "lib/x.py");
  });
});

describe("name encoding", () => {
  it("rejects invalid UTF-8 when the UTF-8 flag is set", () => {
    const name = Buffer.from([0x61, 0xff, 0xfe, 0x2e, 0x70, 0x79]);
    expectOpenFails(buildRawZip([{ name, content: Buffer.from("x") }]), "invalid_name_encoding");
  });

  it("decodes non-ASCII, non-UTF-8 names without the flag as CP437, as unzip and Python do", () => {
    const name = Buffer.from([0x63, 0x61, 0x66, 0x82, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in CP437
    expect(openZip(buildRawZip([{ name, flags: 0, content: Buffer.from("x") }]))[0]!.name).toBe("café.txt");
  });

  it("reads backslashes as folder separators, after the same checks", () => {
    expect(openZip(buildRawZip([ok("src\\lib\\a.py")]))[0]!.name).toBe("src/lib/a.py");
    expectOpenFails(buildRawZip([ok("src/a.py"), ok("src\\a.py")]), "duplicate_name", "src/a.py");
  });

  it("names the entry once in the error message", () => {
    const err = zipError(() => openZip(buildRawZip([ok("../evil.py")])));
    expect(err.message.split("evil.py")).toHaveLength(2);
    expect(err.detail).not.toContain("evil.py");
  });

  it("accepts UTF-8 names from tools that forget the flag", () => {
    const buf = buildRawZip([{ name: "src/שלום.py", flags: 0, content: Buffer.from("x") }]);
    expect(openZip(buf)[0]!.name).toBe("src/שלום.py");
  });
});

describe("flags, methods and structure", () => {
  it("rejects encrypted entries", () => {
    expectOpenFails(buildRawZip([ok("a.py"), { ...ok("secret.py"), flags: 0x0801 }]), "encrypted", "secret.py");
    expectOpenFails(buildRawZip([{ ...ok("secret.py"), localFlags: 0x0801 }]), "encrypted", "secret.py");
  });

  it.each([12, 14, 93, 99])("rejects compression method %i", (method) => {
    expectOpenFails(buildRawZip([{ name: "x.bin", payload: Buffer.from("abc"), method, size: 3, crc: 0 }]), "unsupported_method", "x.bin");
  });

  it("rejects a central record that points at another entry's local header", () => {
    expectOpenFails(buildRawZip([ok("a.py"), { ...ok("b.py"), localHeaderOf: 0 }]), "corrupt", "b.py");
  });

  it("rejects a local header whose name differs from the central directory", () => {
    expectOpenFails(buildRawZip([{ ...ok("a.py"), localName: Buffer.from("b.py") }]), "corrupt", "a.py");
  });

  it("rejects an end record that claims more entries than the directory holds", () => {
    expectOpenFails(buildRawZip([ok("a.py"), ok("b.py")], { count: 3 }), "corrupt");
  });

  it("rejects 0xFFFFFFFF sizes without a ZIP64 extra field", () => {
    expectOpenFails(buildRawZip([{ ...ok("a.py"), size: 0xffffffff }]), "corrupt", "a.py");
  });

  it("tolerates an archive comment", () => {
    expect(openZip(buildRawZip([ok("a.py")], { comment: Buffer.from("PK\x05\x06 looks like a signature") }))[0]!.name).toBe("a.py");
  });
});

describe("not a ZIP / truncated", () => {
  it.each([
    ["empty", Buffer.alloc(0)],
    ["random bytes", randomBytesSeeded(4096, 3)],
    ["a PNG header", Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), randomBytesSeeded(200, 4)])],
    ["text", Buffer.from("PK is not enough, this is just a text file\n")],
  ])("%s → not_zip", (_label, buf) => {
    expectOpenFails(buf, "not_zip");
  });

  it("an archive cut short anywhere → truncated", async () => {
    const buf = await zipToBuffer([
      { name: "a.py", data: Buffer.from("print('a')\n".repeat(200)) },
      { name: "b.bin", data: randomBytesSeeded(3000, 8) },
      { name: "c.md", data: Buffer.from("# c\n") },
    ]);
    for (const cut of [4, 30, 100, buf.length >> 1, buf.length - 100, buf.length - 22, buf.length - 1]) {
      const err = zipError(() => openZip(buf.subarray(0, cut)));
      expect([cut, err.code]).toEqual([cut, "truncated"]);
    }
  });

  it("an end record that points past the data → truncated", () => {
    const buf = buildRawZip([ok("a.py")]);
    const eocd = buf.length - 22;
    buf.writeUInt32LE(buf.length + 1000, eocd + 16); // central directory offset
    expectOpenFails(buf, "truncated");
  });
});

describe("limits", () => {
  it("10,001 entries → too_many_entries", async () => {
    const buf = await zipToBuffer(Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from("x") })));
    expectOpenFails(buf, "too_many_entries");
    expect(openZip(buf, { maxEntries: 10_001 }).length).toBe(10_001);
  });

  it("a declared size over the per-entry limit → entry_too_large", () => {
    const buf = buildRawZip([{ ...ok("big.log"), size: 20 * 1024 * 1024 + 1 }]);
    expectOpenFails(buf, "entry_too_large", "big.log");
    expectOpenFails(buildRawZip([ok("a.py", "12345")]), "entry_too_large", "a.py", { maxEntryBytes: 4 });
  });

  it("declared sizes summing over the total limit → total_too_large", () => {
    const mb8 = 8 * 1024 * 1024;
    const buf = buildRawZip(["a", "b", "c"].map((n) => ({ ...ok(`${n}.log`), size: mb8 })));
    expectOpenFails(buf, "total_too_large", "c.log", { maxTotalBytes: 20 * 1024 * 1024 });
  });
});

describe("lying sizes, bombs and CRCs", () => {
  let gigabyteOfZeros: Buffer; // DEFLATE stream of 1 GiB of zeros (~4.7 MB)

  beforeAll(async () => {
    // Streamed so the test never holds the gigabyte itself.
    const d = zlib.createDeflateRaw({ level: 1 });
    const out: Buffer[] = [];
    d.on("data", (c: Buffer) => out.push(c));
    const done = new Promise((resolve) => d.on("end", resolve));
    const mb = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 1024; i++) if (!d.write(mb)) await new Promise((r) => d.once("drain", r));
    d.end();
    await done;
    gigabyteOfZeros = Buffer.concat(out);
  });

  it("a bomb declaring a small size stops at the cap → size_mismatch", () => {
    const buf = buildRawZip([{ name: "bomb.txt", payload: gigabyteOfZeros, method: 8, size: 1000, crc: zlib.crc32(Buffer.alloc(1000)) }]);
    expectReadFails(buf, "size_mismatch", "bomb.txt", STOPPED_AT_CAP);
  });

  it("a bomb declaring just under the limit still stops at the declared size → size_mismatch", () => {
    const declared = 20 * 1024 * 1024;
    const buf = buildRawZip([{ name: "bomb.txt", payload: gigabyteOfZeros, method: 8, size: declared, crc: 0 }]);
    expectReadFails(buf, "size_mismatch", "bomb.txt", STOPPED_AT_CAP);
  });

  it("a bomb declaring its true 1 GiB → entry_too_large before anything is inflated", () => {
    const buf = buildRawZip([{ name: "bomb.txt", payload: gigabyteOfZeros, method: 8, size: 1024 ** 3, crc: 0 }]);
    expectOpenFails(buf, "entry_too_large", "bomb.txt");
  });

  it("a deflated entry shorter than declared → size_mismatch", () => {
    expectReadFails(buildRawZip([{ ...ok("a.py", "x".repeat(1000)), size: 2000 }]), "size_mismatch", "a.py", /has 1000 bytes, declared 2000/);
  });

  it("a stored entry whose sizes disagree → size_mismatch", () => {
    const content = Buffer.from("stored bytes");
    expectOpenFails(buildRawZip([{ name: "s.txt", content, method: 0, size: content.length + 5 }]), "size_mismatch", "s.txt");
  });

  it("one flipped byte in stored data → crc_mismatch", async () => {
    const data = randomBytesSeeded(5000, 11);
    const buf = await zipToBuffer([{ name: "r.bin", data }]);
    const entry = openZip(buf)[0]!;
    expect(entry.compressedSize).toBe(entry.size); // stored
    const at = buf.indexOf(data.subarray(0, 64)) + 2500;
    buf[at] = buf[at]! ^ 0x01;
    expectReadFails(buf, "crc_mismatch", "r.bin");
  });

  it("a wrong declared CRC on deflated data → crc_mismatch", () => {
    expectReadFails(buildRawZip([{ ...ok("a.py"), crc: 0x12345678 }]), "crc_mismatch", "a.py");
  });

  it("garbage where DEFLATE data should be → corrupt", () => {
    expectReadFails(buildRawZip([{ name: "g.py", payload: Buffer.from([0xff, 0xff, 0xff, 0xff]), method: 8, size: 10, crc: 0 }]), "corrupt", "g.py");
  });

  it("verifyZip reads every entry and reports the first failure", () => {
    const good = buildRawZip([ok("a.py"), ok("b.py", "bb")]);
    expect(verifyZip(good)).toEqual({ files: 2, totalBytes: 8 });
    expect(zipError(() => verifyZip(buildRawZip([ok("a.py"), { ...ok("b.py"), crc: 1 }]))).code).toBe("crc_mismatch");
  });
});
