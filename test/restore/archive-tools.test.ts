/**
 * Archives as other tools write them (issue 10) and manifests that try to get
 * more out of an archive than it holds (issue 8), built byte by byte.
 */
import { describe, expect, it } from "vitest";
import { ArchiveError, loadArchive, type LoadedArchive } from "../../src/archive/archive-loader.js";
import { buildRawZip, listed, MIB, textEntry, type RawEntry } from "./hostile-zips.js";

const names = (a: LoadedArchive): string[] => a.files.map((f) => f.name);

async function refusal(fn: () => unknown): Promise<ArchiveError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ArchiveError) return err;
    throw err;
  }
  throw new Error("expected an ArchiveError");
}

/** Info-ZIP on Unix: "version made by" 3.0 on host 3, st_mode in the high 16 bits of the external attributes. */
const unixEntry = (name: string, mode: number, content: string): RawEntry => ({
  name,
  content: Buffer.from(content),
  method: 0,
  versionMadeBy: 0x031e,
  externalAttributes: (mode << 16) >>> 0,
});

/** An old Windows tool: host 0 (MS-DOS), no UTF-8 flag, backslashes, CP437 bytes. */
const dosEntry = (name: Buffer | string, content = "x\n"): RawEntry => ({ name, content: Buffer.from(content), flags: 0, versionMadeBy: 0x0014 });

const manifestEntry = (files: unknown[]): RawEntry => textEntry("metadata.json", JSON.stringify({ version: "1.0", backup_type: "full_backup", files }));

describe("names as other tools write them", () => {
  it("backslash separators from old Windows tools are folders; climbing out with them is still refused", async () => {
    const loaded = (await loadArchive(buildRawZip([dosEntry("proj\\src\\app.py", "print(1)\n"), dosEntry("proj\\README.md", "# hi\n")])));
    expect(loaded.repo?.name).toBe("proj");
    expect(names(loaded)).toEqual(["src/app.py", "README.md"]);
    expect((await refusal(() => loadArchive(buildRawZip([dosEntry("..\\..\\evil.py")])))).code).toBe("unsafe_path");
  });

  it("names without the UTF-8 flag that are not UTF-8 are CP437", async () => {
    // "café.py" and "Übersicht.md" as a DOS tool writes them in CP437.
    const cafe = Buffer.from([0x63, 0x61, 0x66, 0x82, 0x2e, 0x70, 0x79]);
    const ubersicht = Buffer.concat([Buffer.from([0x9a]), Buffer.from("bersicht.md")]);
    const loaded = (await loadArchive(buildRawZip([dosEntry(cafe, "c\n"), dosEntry(ubersicht, "u\n")])));
    expect(names(loaded)).toEqual(["café.py", "Übersicht.md"]);
    expect(loaded.files.map((f) => f.content)).toEqual(["c\n", "u\n"]);
  });

  it("an ArchiveError names the entry once", async () => {
    const err = (await refusal(() => loadArchive(buildRawZip([textEntry("ok.py"), textEntry("../escape.py")]))));
    expect(err.entry).toBe("../escape.py");
    expect(err.message.split("escape.py")).toHaveLength(2);
  });
});

describe("symbolic links and other non-regular entries", () => {
  it("a symlink (zip -y) is listed as a skipped link, never imported with its target as content", async () => {
    const loaded = (await loadArchive(
      buildRawZip([unixEntry("app.py", 0o100644, "print(1)\n"), unixEntry("link.py", 0o120777, "/etc/passwd"), unixEntry("lib/", 0o040755, "")]),
    ));
    expect(names(loaded)).toEqual(["app.py"]);
    expect(loaded.rejected).toEqual([{ name: "link.py", reason: "symlink" }]);
  });

  it("devices and FIFOs are skipped as special files", async () => {
    const loaded = (await loadArchive(buildRawZip([unixEntry("a.py", 0o100644, "a\n"), unixEntry("fifo", 0o010644, ""), unixEntry("tty", 0o020620, "")])));
    expect(names(loaded)).toEqual(["a.py"]);
    expect(loaded.rejected).toEqual([
      { name: "fifo", reason: "special_file" },
      { name: "tty", reason: "special_file" },
    ]);
  });

  it("a manifest that lists a symlink entry gets it rejected, not its target", async () => {
    const loaded = (await loadArchive(
      buildRawZip([unixEntry("a.py", 0o100644, "a\n"), unixEntry("b.py", 0o120777, "a.py"), manifestEntry([listed("a.py", "a\n"), listed("b.py", "a.py")])]),
    ));
    expect(names(loaded)).toEqual(["a.py"]);
    expect(loaded.rejected).toEqual([{ name: "b.py", reason: "symlink" }]);
  });

  it("a DOS host's attributes are not read as a Unix mode", async () => {
    const loaded = (await loadArchive(buildRawZip([{ ...dosEntry("a.py"), externalAttributes: 0xa1ff0020 }])));
    expect(names(loaded)).toEqual(["a.py"]);
  });
});

describe("one bad entry is one rejected file", () => {
  it("a 22 MB file next to small ones is rejected too_large and the rest imports", async () => {
    const big = Buffer.alloc(22 * 1000 * 1000, 0x61);
    const loaded = (await loadArchive(buildRawZip([textEntry("a.py", "a\n"), { name: "dump.sql", content: big }, textEntry("b.py", "b\n")])));
    expect(names(loaded)).toEqual(["a.py", "b.py"]);
    expect(loaded.rejected).toEqual([{ name: "dump.sql", reason: "too_large" }]);
  });

  it("the archive-level limits still refuse the whole archive", async () => {
    const entries = ["a", "b", "c"].map((n) => ({ name: `${n}.txt`, content: Buffer.alloc(2 * MIB, 0x61) }));
    expect((await refusal(() => loadArchive(buildRawZip(entries), { maxTotalBytes: 5 * MIB }))).code).toBe("total_too_large");
    expect((await refusal(() => loadArchive(buildRawZip(entries), { maxEntries: 2 }))).code).toBe("too_many_entries");
  });
});

describe("metadata.json cannot multiply an archive", () => {
  const body = "x".repeat(4096);

  it("each ZIP entry is used once: 60 manifest files pointing at one entry give one file", async () => {
    const files = Array.from({ length: 60 }, (_, i) => listed(`copy${i}.py`, body, { path: "one.py" }));
    const loaded = (await loadArchive(buildRawZip([textEntry("one.py", body), manifestEntry(files)])));
    expect(names(loaded)).toEqual(["copy0.py"]);
    expect(loaded.rejected).toHaveLength(59);
    expect(new Set(loaded.rejected.map((r) => r.reason))).toEqual(new Set(["duplicate_entry"]));
  });

  it("history versions pointing at the same entry are used once too", async () => {
    const files = [listed("a.py", "v\n"), ...[1, 2, 3].map((v) => listed("a.py", "v\n", { history: true, version: v, path: "a.py" }))];
    const loaded = (await loadArchive(buildRawZip([textEntry("a.py", "v\n"), manifestEntry(files)])));
    expect(loaded.files).toHaveLength(1);
    expect(loaded.files[0]!.history ?? []).toEqual([]);
    expect(loaded.rejected.map((r) => r.reason)).toEqual(["duplicate_entry", "duplicate_entry", "duplicate_entry"]);
  });

  it("the count limit applies to files to be written, history versions included", async () => {
    const entries = Array.from({ length: 4 }, (_, i) => textEntry(`.codevault-history/a.v${i + 1}.py`, `v${i + 1}\n`));
    const history = [1, 2, 3, 4].map((v) => listed("a.py", `v${v}\n`, { history: true, version: v, path: `.codevault-history/a.v${v}.py` }));
    const bytes = buildRawZip([textEntry("a.py", "v5\n"), ...entries, manifestEntry([listed("a.py", "v5\n"), ...history])]);
    expect((await loadArchive(bytes, { maxEntries: 5 })).files[0]!.history).toHaveLength(4);
    expect((await refusal(() => loadArchive(bytes, { maxEntries: 4 }))).code).toBe("too_many_entries");
  });

  it("older-format `code` bodies count against the same limits", async () => {
    const files = Array.from({ length: 12 }, (_, i) => ({ file_name: `f${i}.py`, code: `print(${i})\n` }));
    const bytes = buildRawZip([manifestEntry(files)]);
    expect((await loadArchive(bytes, { maxEntries: 12 })).files).toHaveLength(12);
    expect((await refusal(() => loadArchive(bytes, { maxEntries: 10 }))).code).toBe("too_many_entries");
    const heavy = buildRawZip([manifestEntry(Array.from({ length: 3 }, (_, i) => ({ file_name: `h${i}.txt`, code: "y".repeat(1000) })))]);
    expect((await refusal(() => loadArchive(heavy, { maxTotalBytes: 2500 }))).code).toBe("total_too_large");
  });
});

describe("fields from an archive are validated", () => {
  it("a 5 KB language and a language holding a link are dropped (the library detects one); safe ones are kept", async () => {
    const files = [
      listed("a.py", "a\n", { programming_language: "p".repeat(5000) }),
      listed("b.py", "b\n", { programming_language: '<a href="https://evil.example">python</a>' }),
      listed("c.cpp", "c\n", { programming_language: "C++" }),
    ];
    const loaded = (await loadArchive(buildRawZip([textEntry("a.py", "a\n"), textEntry("b.py", "b\n"), textEntry("c.cpp", "c\n"), manifestEntry(files)])));
    expect(loaded.files.map((f) => f.language)).toEqual([undefined, undefined, "c++"]);
  });

  it("dates outside 1980–2200 or over-long are dropped", async () => {
    const files = [listed("a.py", "a\n", { created_at: "+275760-09-13T00:00:00.000Z", updated_at: `2025-01-01${" ".repeat(100)}` })];
    const file = (await loadArchive(buildRawZip([textEntry("a.py", "a\n"), manifestEntry(files)]))).files[0]!;
    expect(file.createdAt).toBeUndefined();
    expect(file.updatedAt).toBeUndefined();
  });
});

describe("names that collide elsewhere", () => {
  it("case-only and NFC/NFD twins inside one archive: the second is rejected duplicate_name", async () => {
    const nfd = "cafe\u0301.py";
    const loaded = (await loadArchive(buildRawZip([textEntry("readme.md"), textEntry("README.md"), textEntry("caf\u00e9.py"), textEntry(nfd)])));
    expect(names(loaded)).toEqual(["readme.md", "caf\u00e9.py"]);
    expect(loaded.rejected).toEqual([
      { name: "README.md", reason: "duplicate_name" },
      { name: "caf\u00e9.py", reason: "duplicate_name" },
    ]);
    const manifest = (await loadArchive(
      buildRawZip([textEntry("a.py", "1\n"), textEntry("A.py", "2\n"), manifestEntry([listed("a.py", "1\n"), listed("A.py", "2\n")])]),
    ));
    expect(names(manifest)).toEqual(["a.py"]);
    expect(manifest.rejected).toEqual([{ name: "A.py", reason: "duplicate_name" }]);
  });

  it("names arrive in NFC", async () => {
    expect(names((await loadArchive(buildRawZip([textEntry("cafe\u0301.py")]))))).toEqual(["caf\u00e9.py"]);
  });

  it.each(["CON", "aux.txt", "src/nul", "com1.log", "LPT9.py", "a.txt:stream", "trailing.", "dir./a.py", "bidi\u202Egnp.py", "zero\u200Bwidth.py"])(
    "%j is rejected invalid_name",
    async (name) => {
      const loaded = (await loadArchive(buildRawZip([textEntry("ok.py"), textEntry(name)])));
      expect(names(loaded)).toEqual(["ok.py"]);
      expect(loaded.rejected).toEqual([{ name, reason: "invalid_name" }]);
    },
  );
});
