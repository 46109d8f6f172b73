import { createHash } from "node:crypto";
import * as zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { ArchiveSourceFile } from "../../src/archive/archive-writer.js";
import {
  ArchiveError,
  loadArchive,
  type ArchiveErrorCode,
  type ArchiveHint,
  type ImportLimits,
  type LoadedArchive,
} from "../../src/archive/archive-loader.js";
import {
  backupToBuffer,
  bombEntry,
  buildRawZip,
  gibibyteOfZeros,
  inflatedLength,
  manifestZip,
  MIB,
  overlappingBomb,
  PNG,
  poisonedInnerZip,
  randomBytesSeeded,
  textEntry,
  zipToBuffer,
  type RawEntry,
} from "./hostile-zips.js";

const sha = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** The ArchiveError `fn` throws; fails if it returns anything (nothing partial may come out). */
async function refusal(fn: () => unknown): Promise<ArchiveError> {
  let result: unknown;
  try {
    result = await fn();
  } catch (err) {
    if (err instanceof ArchiveError) return err;
    throw new Error(`expected an ArchiveError, got ${String(err)}`);
  }
  throw new Error(`expected an ArchiveError, got a result: ${JSON.stringify(result).slice(0, 300)}`);
}

async function expectRefused(bytes: Buffer, code: ArchiveErrorCode, entry?: string, limits?: Partial<ImportLimits>): Promise<ArchiveError> {
  const err = await refusal(() => loadArchive(bytes, limits));
  expect(err.code).toBe(code);
  if (entry !== undefined) expect(err.entry).toBe(entry);
  return err;
}

const names = (a: LoadedArchive): string[] => a.files.map((f) => f.name);

/** A manifest file entry as our backups write it, for `content`. */
const listed = (file_name: string, content: string | Buffer, extra: Record<string, unknown> = {}) => ({
  file_name,
  programming_language: "text",
  note: "",
  tags: [],
  version: 1,
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-02T00:00:00.000Z",
  size: Buffer.byteLength(content),
  sha256: sha(content),
  ...extra,
});

/** A codevault archive built raw: `entries` then metadata.json listing `files`. */
const rawBackup = (files: unknown[], entries: RawEntry[]): Buffer =>
  buildRawZip([...entries, textEntry("metadata.json", JSON.stringify({ version: "1.0", backup_type: "full_backup", files }))]);

describe("our own backups", () => {
  const created = new Date("2025-01-15T10:30:00Z");
  const source = (fileName: string, content: string, opts: Partial<ArchiveSourceFile["doc"]> & { isLatest?: boolean } = {}): ArchiveSourceFile => ({
    isLatest: opts.isLatest ?? true,
    content: Buffer.from(content),
    doc: {
      fileName,
      language: opts.language ?? "python",
      note: opts.note ?? "",
      tags: opts.tags ?? [],
      version: opts.version ?? 1,
      createdAt: opts.createdAt ?? new Date("2025-01-01T00:00:00Z"),
      updatedAt: opts.updatedAt ?? new Date("2025-01-10T12:00:00Z"),
      sha256: sha(content),
    },
  });

  it("loads a backup written by writeBackupArchive: files, metadata, unicode names; earlier versions with their file", async () => {
    const bytes = await backupToBuffer(
      [
        source("src/app.py", "print('v2')\n", { version: 2, tags: ["util", "cli"], note: "entry point" }),
        source("src/app.py", "print('v1')\n", { version: 1, isLatest: false }),
        source("docs/שלום עולם.md", "# שלום\n", { language: "markdown" }),
        source("日本語/メモ.txt", "メモ 🚀\n", { language: "text" }),
        source("metadata.json", '{"mine": true}\n', { language: "json" }), // written as metadata.json~2
        source("empty.py", ""),
      ],
      { backupId: "b1", type: "full_backup", createdAt: created, userId: 42 },
    );
    const loaded = (await loadArchive(bytes));
    expect(loaded.format).toBe("codevault");
    expect(loaded.backupType).toBe("full_backup");
    expect(loaded.createdAt).toBe(created.toISOString());
    expect(loaded.part).toBeUndefined();
    expect(loaded.repo).toBeUndefined();
    expect(names(loaded)).toEqual(["src/app.py", "docs/שלום עולם.md", "日本語/メモ.txt", "metadata.json", "empty.py"]);
    expect(loaded.rejected).toEqual([]);

    const app = loaded.files[0]!;
    expect(app.history).toHaveLength(1);
    expect(app.history![0]).toMatchObject({ name: "src/app.py", content: "print('v1')\n", sha256: sha("print('v1')\n"), size: 12 });
    expect(app.history![0]!.history).toBeUndefined();
    delete app.history;
    expect(app).toEqual({
      name: "src/app.py",
      content: "print('v2')\n",
      sha256: sha("print('v2')\n"),
      size: 12,
      language: "python",
      tags: ["util", "cli"],
      note: "entry point",
      createdAt: new Date("2025-01-01T00:00:00Z"),
      updatedAt: new Date("2025-01-10T12:00:00Z"),
    });
    const memo = loaded.files[2]!;
    expect([memo.content, memo.size, memo.sha256]).toEqual(["メモ 🚀\n", Buffer.byteLength("メモ 🚀\n"), sha("メモ 🚀\n")]);
    expect(loaded.files[3]!.content).toBe('{"mine": true}\n');
    expect(loaded.files[4]).toMatchObject({ name: "empty.py", content: "", size: 0, sha256: sha("") });
  });

  it("earlier versions are ordered oldest first; one whose file is not restored is rejected history_version", async () => {
    const files = [
      listed("a.py", "v3\n", { version: 3 }),
      listed("a.py", "v2\n", { version: 2, history: true, path: ".codevault-history/a.v2.py" }),
      listed("a.py", "v1\n", { version: 1, history: true, path: ".codevault-history/a.v1.py" }),
      listed("../gone.py", "x\n", { version: 2 }),
      listed("lost.py", "old\n", { version: 1, history: true, path: ".codevault-history/lost.v1.py" }),
    ];
    const loaded = (await loadArchive(
      rawBackup(files, [
        textEntry("a.py", "v3\n"),
        textEntry(".codevault-history/a.v2.py", "v2\n"),
        textEntry(".codevault-history/a.v1.py", "v1\n"),
        textEntry(".codevault-history/lost.v1.py", "old\n"),
      ]),
    ));
    expect(names(loaded)).toEqual(["a.py"]);
    expect(loaded.files[0]!.history!.map((v) => v.content)).toEqual(["v1\n", "v2\n"]);
    expect(loaded.rejected).toEqual([
      { name: "../gone.py", reason: "invalid_name" },
      { name: ".codevault-history/lost.v1.py", reason: "history_version" },
    ]);
  });

  it("keeps the part number of a split backup", async () => {
    const bytes = await backupToBuffer([source("a.py", "a\n")], { backupId: "b2", type: "full_backup", createdAt: created, userId: 1, part: { index: 2, total: 3 } });
    expect((await loadArchive(bytes)).part).toEqual({ index: 2, total: 3 });
  });

  it("lists entries the manifest does not name as not_in_manifest (not fatal); Finder leftovers are silent", async () => {
    const loaded = (await loadArchive(
      rawBackup([listed("a.py", "a\n")], [textEntry("a.py", "a\n"), textEntry("stray.txt"), textEntry("__MACOSX/._a.py", "\0\0"), textEntry(".DS_Store", "\0")]),
    ));
    expect(names(loaded)).toEqual(["a.py"]);
    expect(loaded.rejected).toEqual([{ name: "stray.txt", reason: "not_in_manifest" }]);
  });

  it("cleans manifest tags (capped at 20, never fatal), trims notes, drops unparsable dates", async () => {
    const tags = ["#Python", "two words", ...Array.from({ length: 30 }, (_, i) => `t${i}`)];
    const loaded = (await loadArchive(rawBackup([listed("a.py", "a\n", { tags, note: "  hi  ", created_at: "not a date", updated_at: "" })], [textEntry("a.py", "a\n")])));
    const file = loaded.files[0]!;
    expect(file.tags).toHaveLength(20);
    expect(file.tags.slice(0, 4)).toEqual(["python", "two", "words", "t0"]);
    expect(file.note).toBe("hi");
    expect(file.createdAt).toBeUndefined();
    expect(file.updatedAt).toBeUndefined();
  });

  it("a second manifest file with a name already taken is rejected duplicate_name", async () => {
    const loaded = (await loadArchive(
      rawBackup([listed("a.py", "one\n"), listed("a.py", "two\n", { path: "a.py~2" })], [textEntry("a.py", "one\n"), textEntry("a.py~2", "two\n")]),
    ));
    expect(loaded.files.map((f) => f.content)).toEqual(["one\n"]);
    expect(loaded.rejected).toEqual([{ name: "a.py", reason: "duplicate_name" }]);
  });

  it("a listed file that is a ZIP or binary is not_text: our backups only hold text", async () => {
    const inner = await zipToBuffer([{ name: "x.py", data: Buffer.from("x") }]);
    await expectRefused(rawBackup([listed("a.py", "a\n"), listed("lib.zip", inner)], [textEntry("a.py", "a\n"), { name: "lib.zip", content: inner }]), "not_text", "lib.zip");
    await expectRefused(rawBackup([listed("logo.png", PNG)], [{ name: "logo.png", content: PNG }]), "not_text", "logo.png");
  });
});

describe("the older manifest format (bodies in `code`)", () => {
  it("loads as legacy_manifest with no ZIP entries; unknown fields are ignored", async () => {
    const loaded = (await loadArchive(
      await manifestZip({
        version: 0.9,
        favourite: true,
        exported_by: { app: "old bot" },
        files: [
          { file_name: "hello.py", code: "print('hi')\n", language: "python", description: "greets", tags: ["demo"], stars: 5, created_at: "2024-05-01T00:00:00Z" },
          { file_name: "web/util.js", code: "export {};\n", programming_language: "javascript", extra: [1, 2] },
        ],
      }),
    ));
    expect(loaded.format).toBe("legacy_manifest");
    expect(loaded.rejected).toEqual([]);
    expect(loaded.files).toEqual([
      {
        name: "hello.py",
        content: "print('hi')\n",
        sha256: sha("print('hi')\n"),
        size: 12,
        language: "python",
        tags: ["demo"],
        note: "greets",
        createdAt: new Date("2024-05-01T00:00:00Z"),
      },
      { name: "web/util.js", content: "export {};\n", sha256: sha("export {};\n"), size: 11, language: "javascript", tags: [], note: "" },
    ]);
  });

  it("takes entries without `code` from the ZIP; an entry next to a `code` body is accounted for", async () => {
    const loaded = (await loadArchive(
      await manifestZip({ files: [{ file_name: "a.py", code: "from code\n" }, { file_name: "b.py" }] }, [
        { name: "a.py", data: "from the entry\n" },
        { name: "b.py", data: "b\n" },
      ]),
    ));
    expect(loaded.format).toBe("legacy_manifest");
    expect(loaded.files.map((f) => [f.name, f.content])).toEqual([["a.py", "from code\n"], ["b.py", "b\n"]]);
    expect(loaded.rejected).toEqual([]);
  });

  it("a `code` body over the file limit is rejected too_large", async () => {
    const loaded = (await loadArchive(await manifestZip({ files: [{ file_name: "big.py", code: "x".repeat(100) }, { file_name: "ok.py", code: "x" }] }), { maxEntryBytes: 50 }));
    expect(names(loaded)).toEqual(["ok.py"]);
    expect(loaded.rejected).toEqual([{ name: "big.py", reason: "too_large" }]);
  });

  it("a `code` body that is not text (NUL, lone surrogate) → not_text; a wrong sha256 → checksum_mismatch", async () => {
    await expectRefused(await manifestZip({ files: [{ file_name: "a.bin", code: "a\u0000b" }] }), "not_text", "a.bin");
    await expectRefused(await manifestZip({ files: [{ file_name: "s.txt", code: "x\ud800y" }] }), "not_text", "s.txt");
    await expectRefused(await manifestZip({ files: [{ file_name: "a.py", code: "a", sha256: sha("b") }] }), "checksum_mismatch", "a.py");
  });
});

describe("plain archives", () => {
  it("imports text files under their paths; PNG → binary, nested ZIP → nested_archive, __MACOSX and .DS_Store ignored", async () => {
    const inner = await zipToBuffer([{ name: "x.py", data: Buffer.from("x") }]);
    const loaded = (await loadArchive(
      buildRawZip([
        { name: "src/" },
        textEntry("src/app.py", "print('hi')\n"),
        textEntry("src/util/helpers.ts", "export const x = 1;\n"),
        textEntry("README.md", "\ufeff# Title\n"),
        textEntry("empty.txt", ""),
        { name: "img/logo.png", content: PNG },
        { name: "vendor/lib.zip", content: inner },
        { name: "__MACOSX/src/._app.py", content: randomBytesSeeded(100, 1) },
        { name: ".DS_Store", content: randomBytesSeeded(100, 2) },
        { name: "src/.DS_Store", content: randomBytesSeeded(100, 3) },
      ]),
    ));
    expect(loaded.format).toBe("plain");
    expect(loaded.repo).toBeUndefined();
    expect(names(loaded)).toEqual(["src/app.py", "src/util/helpers.ts", "README.md", "empty.txt"]);
    expect(loaded.files[2]).toMatchObject({ content: "# Title\n", sha256: sha("# Title\n"), size: 8, tags: [], note: "" });
    expect(loaded.files[0]!.language).toBeUndefined();
    expect(loaded.files[0]!.updatedAt?.getFullYear()).toBe(2025); // the entry's time
    expect(loaded.rejected).toEqual([
      { name: "img/logo.png", reason: "binary" },
      { name: "vendor/lib.zip", reason: "nested_archive" },
    ]);
  });

  it("invalid UTF-8 content is rejected binary, not fatal; valid multi-byte text comes back whole", async () => {
    const loaded = await loadArchive(
      buildRawZip([
        textEntry("ok.py", "ok\n"),
        textEntry("wide.md", "héllo ✓ 𝄞 שלום\n"),
        { name: "latin1.txt", content: Buffer.from("caf\xe9\n", "latin1") },
        { name: "surrogate.txt", content: Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]) }, // U+D800 encoded
        { name: "overlong.txt", content: Buffer.from([0x2f, 0xc0, 0xaf]) }, // "/" in two bytes
      ]),
    );
    expect(names(loaded)).toEqual(["ok.py", "wide.md"]);
    expect(loaded.files[1]).toMatchObject({ content: "héllo ✓ 𝄞 שלום\n", sha256: sha("héllo ✓ 𝄞 שלום\n"), size: Buffer.byteLength("héllo ✓ 𝄞 שלום\n") });
    expect(loaded.rejected).toEqual([
      { name: "latin1.txt", reason: "binary" },
      { name: "surrogate.txt", reason: "binary" },
      { name: "overlong.txt", reason: "binary" },
    ]);
  });

  it("nested archives are never opened, by extension or by magic bytes", async () => {
    const poison = poisonedInnerZip(); // opening it would throw
    const loaded = (await loadArchive(
      buildRawZip([
        { name: "layer.zip", content: poison },
        { name: "disguised.txt", content: poison },
        { name: "notes.txt", content: zlib.gzipSync("hello\n") },
        { name: "tools.JAR", content: Buffer.from("plain text, but a .jar\n") },
        textEntry("ok.py"),
      ]),
    ));
    expect(names(loaded)).toEqual(["ok.py"]);
    expect(loaded.rejected).toEqual(["layer.zip", "disguised.txt", "notes.txt", "tools.JAR"].map((name) => ({ name, reason: "nested_archive" })));
  });

  it("names the library cannot use are rejected (empty_name / invalid_name), not fatal", async () => {
    const long = `${"x".repeat(300)}.py`;
    const loaded = (await loadArchive(buildRawZip([textEntry(" "), textEntry("src /a.py"), textEntry(long), textEntry("ok.py")])));
    expect(names(loaded)).toEqual(["ok.py"]);
    expect(loaded.rejected).toEqual([
      { name: " ", reason: "empty_name" },
      { name: "src /a.py", reason: "invalid_name" },
      { name: long, reason: "invalid_name" },
    ]);
  });

  it("a text file over the library's 20 MiB file limit is rejected too_large when the archive limit allows it", async () => {
    const big = Buffer.alloc(21 * MIB, 0x61);
    const loaded = (await loadArchive(buildRawZip([{ name: "big.log", content: big }, textEntry("ok.py")]), { maxEntryBytes: 32 * MIB }));
    expect(names(loaded)).toEqual(["ok.py"]);
    expect(loaded.rejected).toEqual([{ name: "big.log", reason: "too_large" }]);
  });

  it("an empty archive loads with nothing in it", async () => {
    expect((await loadArchive(buildRawZip([])))).toEqual({ format: "plain", files: [], rejected: [] });
  });
});

describe("repository detection", () => {
  const cases: [string, ArchiveHint | undefined, { name: string; owner?: string; ref?: string }][] = [
    ["octo-cat-hello-world-1a2b3c4", undefined, { name: "octo-cat-hello-world", ref: "1a2b3c4" }],
    ["octo-cat-hello-world-1a2b3c4", { owner: "octo-cat", repo: "hello-world" }, { owner: "octo-cat", name: "hello-world", ref: "1a2b3c4" }],
    ["octo-cat-hello-world-1a2b3c4", { owner: "Octo-Cat", repo: "Hello-World", ref: "main" }, { owner: "octo-cat", name: "hello-world", ref: "1a2b3c4" }],
    ["octo-cat-hello-world-1a2b3c4", { owner: "someone", repo: "else" }, { name: "octo-cat-hello-world", ref: "1a2b3c4" }],
    ["hello-world-feature-login", { owner: "octo", repo: "hello-world", ref: "feature/login" }, { owner: "octo", name: "hello-world", ref: "feature/login" }],
    [`tool-${"ab12".repeat(10)}`, undefined, { name: "tool", ref: "ab12".repeat(10) }],
    ["hello-world-main", undefined, { name: "hello-world", ref: "main" }],
    ["Hello-World-master", undefined, { name: "Hello-World", ref: "master" }],
    ["lib-v1.2.0", undefined, { name: "lib", ref: "v1.2.0" }],
    ["lib-2", undefined, { name: "lib", ref: "2" }],
    ["project", undefined, { name: "project" }],
    ["my-feature-branch", undefined, { name: "my-feature-branch" }],
    ["My Project", undefined, { name: "My Project" }],
  ];

  it.each(cases)("%j (hint %j) → %j", async (folder, hint, repo) => {
    const loaded = (await loadArchive(buildRawZip([{ name: `${folder}/` }, textEntry(`${folder}/src/app.py`, "x = 1\n"), textEntry(`${folder}/README.md`)]), undefined, hint));
    expect(loaded.repo).toEqual(repo);
    expect(names(loaded)).toEqual(["src/app.py", "README.md"]);
    const tag = `repo:${repo.name.toLowerCase().replace(/ /g, "-")}`;
    for (const file of loaded.files) expect(file.tags).toEqual([tag]);
  });

  it("strips the folder from rejected names too, and ignores macOS leftovers when finding it", async () => {
    const loaded = (await loadArchive(
      buildRawZip([textEntry("proj/a.py"), { name: "proj/logo.png", content: PNG }, textEntry("__MACOSX/proj/._a.py", "\0"), { name: ".DS_Store", content: Buffer.from([0]) }]),
    ));
    expect(loaded.repo).toEqual({ name: "proj" });
    expect(names(loaded)).toEqual(["a.py"]);
    expect(loaded.rejected).toEqual([{ name: "logo.png", reason: "binary" }]);
  });

  it.each([
    [["a/x.py", "b/y.py"]],
    [["README.md", "src/a.py"]],
    [["a.py"]],
  ])("no single top-level folder in %j → no repo, names unchanged", async (entryNames) => {
    const loaded = (await loadArchive(buildRawZip(entryNames.map((n) => textEntry(n)))));
    expect(loaded.repo).toBeUndefined();
    expect(names(loaded)).toEqual(entryNames);
    for (const file of loaded.files) expect(file.tags).toEqual([]);
  });
});

describe("hostile archives are refused whole", () => {
  describe("names", () => {
    it.each(["../evil.py", "src/../../evil.py", "/etc/passwd", "C:\\x", "C:/Windows/x.py", "..\\evil.py", "src\\..\\..\\evil.py", "\\\\server\\x.py"])("%j → unsafe_path (plain and listed in a manifest)", async (name) => {
      await expectRefused(buildRawZip([textEntry("fine.py"), textEntry(name)]), "unsafe_path", name);
      await expectRefused(rawBackup([listed("fine.py", "hello\n")], [textEntry("fine.py"), textEntry(name)]), "unsafe_path", name);
    });

    it("duplicate entry names → duplicate_name", async () => {
      await expectRefused(buildRawZip([textEntry("a.py"), textEntry("b.py"), textEntry("a.py")]), "duplicate_name", "a.py");
      await expectRefused(buildRawZip([textEntry("src/a.py"), textEntry("./src/a.py")]), "duplicate_name", "src/a.py");
    });

    it("invalid UTF-8 in a name → invalid_name_encoding", async () => {
      await expectRefused(buildRawZip([textEntry("ok.py"), textEntry(Buffer.from([0x61, 0xff, 0xfe, 0x2e, 0x70, 0x79]))]), "invalid_name_encoding");
    });
  });

  describe("bombs and lying sizes", () => {
    let gib: Buffer;
    beforeAll(() => {
      gib = gibibyteOfZeros();
    });

    it("the fixture really is a bomb: ~1 MB inflating to 1 GiB", async () => {
      expect(gib.length).toBeLessThan(1.1 * MIB);
      expect(await inflatedLength(gib)).toBe(1024 ** 3);
    });

    it("declaring a small size → size_mismatch at the inflation cap (plain, and listed in a backup)", async () => {
      await expectRefused(buildRawZip([textEntry("a.py"), bombEntry("bomb.txt", gib, 1000)]), "size_mismatch", "bomb.txt");
      await expectRefused(rawBackup([listed("a.py", "hello\n")], [textEntry("a.py"), bombEntry("bomb.txt", gib, 1000)]), "size_mismatch", "bomb.txt");
    });

    it("declaring just under the entry limit still stops at the declared size → size_mismatch", async () => {
      await expectRefused(buildRawZip([bombEntry("bomb.txt", gib, 20 * MIB)]), "size_mismatch", "bomb.txt");
    });

    it("declaring its true size → entry_too_large before anything is inflated", async () => {
      await expectRefused(buildRawZip([textEntry("a.py"), bombEntry("bomb.txt", gib, 1024 ** 3)]), "entry_too_large", "bomb.txt");
    });

    it("a metadata.json bomb → manifest_too_large (declared large) or size_mismatch (declared small)", async () => {
      await expectRefused(buildRawZip([bombEntry("metadata.json", gib, 1024 ** 3)]), "manifest_too_large", "metadata.json");
      await expectRefused(buildRawZip([bombEntry("metadata.json", gib, 4096)]), "size_mismatch", "metadata.json");
    });

    it("overlapping entries sharing one body → corrupt", async () => {
      await expectRefused(overlappingBomb(), "corrupt");
    });

    it("a deflated entry shorter than declared, or stored sizes that disagree → size_mismatch", async () => {
      await expectRefused(buildRawZip([{ ...textEntry("a.py", "x".repeat(1000)), size: 2000 }]), "size_mismatch", "a.py");
      await expectRefused(buildRawZip([{ name: "s.txt", content: Buffer.from("stored"), method: 0, size: 11 }]), "size_mismatch", "s.txt");
    });

    it("entries declaring more than the total limit → total_too_large", async () => {
      const entries = ["a", "b", "c"].map((n) => textEntry(`${n}.txt`, "x".repeat(50)));
      await expectRefused(buildRawZip(entries), "total_too_large", "c.txt", { maxTotalBytes: 120 });
    });

    it("the file limit does not apply to metadata.json, which has its own", async () => {
      const small = await manifestZip({ files: [listed("a.py", "tiny")] }, [{ name: "a.py", data: "tiny" }]);
      expect(names((await loadArchive(small, { maxEntryBytes: 50 })))).toEqual(["a.py"]);
      // A listed file over the file limit is one rejected file (issue 10 point 2), not a refused archive.
      const big = await manifestZip({ files: [listed("a.py", "x".repeat(60)), listed("b.py", "b")] }, [
        { name: "a.py", data: "x".repeat(60) },
        { name: "b.py", data: "b" },
      ]);
      const loaded = (await loadArchive(big, { maxEntryBytes: 50 }));
      expect(names(loaded)).toEqual(["b.py"]);
      expect(loaded.rejected).toEqual([{ name: "a.py", reason: "too_large" }]);
    });
  });

  describe("damage", () => {
    it("a CRC mismatch anywhere → crc_mismatch, even in the last entry, an unlisted one or a Finder leftover", async () => {
      await expectRefused(buildRawZip([textEntry("a.py"), textEntry("b.py"), { ...textEntry("z.py"), crc: 0x12345678 }]), "crc_mismatch", "z.py");
      await expectRefused(buildRawZip([textEntry("a.py"), { ...textEntry("__MACOSX/._a.py"), crc: 1 }]), "crc_mismatch", "__MACOSX/._a.py");
      await expectRefused(rawBackup([listed("a.py", "hello\n")], [{ ...textEntry("a.py"), crc: 1 }]), "crc_mismatch", "a.py");
      await expectRefused(rawBackup([listed("a.py", "hello\n")], [textEntry("a.py"), { ...textEntry("stray.txt"), crc: 1 }]), "crc_mismatch", "stray.txt");
    });

    it("a manifest sha256 that does not match the entry → checksum_mismatch", async () => {
      const bytes = await manifestZip({ files: [listed("a.py", "original\n")] }, [{ name: "a.py", data: "tampered\n" }]);
      await expectRefused(bytes, "checksum_mismatch", "a.py");
    });

    it("a history version's checksum is checked too", async () => {
      const files = [listed("a.py", "v2\n"), listed("a.py", "v1\n", { history: true, path: ".codevault-history/a.v1.py" })];
      await expectRefused(rawBackup(files, [textEntry("a.py", "v2\n"), textEntry(".codevault-history/a.v1.py", "changed\n")]), "checksum_mismatch", ".codevault-history/a.v1.py");
    });

    it("an archive cut short anywhere → truncated", async () => {
      const bytes = await manifestZip({ files: [listed("a.py", "print('a')\n".repeat(200))] }, [
        { name: "a.py", data: "print('a')\n".repeat(200) },
        { name: "b.bin", data: randomBytesSeeded(3000, 8) },
      ]);
      for (const cut of [4, 30, 100, bytes.length >> 1, bytes.length - 100, bytes.length - 22, bytes.length - 1]) {
        expect([cut, (await refusal(() => loadArchive(bytes.subarray(0, cut)))).code]).toEqual([cut, "truncated"]);
      }
    });

    it.each([
      ["empty", Buffer.alloc(0)],
      ["random bytes", randomBytesSeeded(4096, 3)],
      ["a text file", Buffer.from("print('this is a Python file, not a ZIP')\n")],
      ["a PNG", PNG],
    ])("%s → not_zip", async (_label, bytes) => {
      await expectRefused(bytes, "not_zip");
    });

    it("encrypted entries → encrypted", async () => {
      await expectRefused(buildRawZip([textEntry("a.py"), { ...textEntry("secret.py"), flags: 0x0801 }]), "encrypted", "secret.py");
      await expectRefused(buildRawZip([{ ...textEntry("secret.py"), localFlags: 0x0801 }]), "encrypted", "secret.py");
    });

    it("10,001 entries → too_many_entries; 10,000 load", async () => {
      const entries = (n: number): RawEntry[] => Array.from({ length: n }, (_, i) => ({ name: `f${i}.txt`, content: Buffer.from("x"), method: 0 }));
      await expectRefused(buildRawZip(entries(10_001)), "too_many_entries");
      expect((await loadArchive(buildRawZip(entries(10_000)))).files).toHaveLength(10_000);
    });

    it("metadata.json is not counted: a backup of 10,000 files loads, one of 10,001 is refused", async () => {
      const backup = (n: number): Buffer => {
        const names = Array.from({ length: n }, (_, i) => `f${i}.txt`);
        return rawBackup(
          names.map((name) => listed(name, "x")),
          names.map((name) => ({ name, content: Buffer.from("x"), method: 0 })),
        );
      };
      expect((await loadArchive(backup(10_000))).files).toHaveLength(10_000);
      await expectRefused(backup(10_001), "too_many_entries");
    });

    it("a mutated archive either loads with every file's content intact or is refused with ArchiveError", async () => {
      const originals = new Map([
        ["a.py", "print(1)\n".repeat(50)],
        ["b.md", "# b\n"],
        ["c.txt", "The quick brown fox jumps over the lazy dog.\n".repeat(20)],
      ]);
      const entries = [...originals].map(([name, data]) => ({ name, data }));
      const archives = [
        await manifestZip({ files: [...originals].map(([name, data]) => listed(name, data)) }, entries),
        await zipToBuffer(entries.map((e) => ({ name: e.name, data: Buffer.from(e.data) }))), // plain: only the CRC guards the content
      ];
      const random = randomBytesSeeded(3000, 99);
      let loadedCount = 0;
      for (const [which, bytes] of archives.entries()) {
        for (let i = 0; i < 1000; i++) {
          const copy = Buffer.from(bytes);
          const at = (random.readUInt16LE((i * 3) % 2998) * (i + 1)) % copy.length;
          copy[at] = random[(i + which * 7) % 3000]!;
          let loaded: LoadedArchive;
          try {
            loaded = (await loadArchive(copy));
          } catch (err) {
            expect([which, i, err instanceof ArchiveError ? "ArchiveError" : String(err)]).toEqual([which, i, "ArchiveError"]);
            continue;
          }
          loadedCount++;
          // What loads is the original: same names, same bytes; anything missing is listed as rejected.
          for (const file of loaded.files) expect([which, i, file.name, file.content]).toEqual([which, i, file.name, originals.get(file.name)]);
          const accounted = new Set([...loaded.files.map((f) => f.name), ...loaded.rejected.map((r) => r.name)]);
          for (const name of originals.keys()) expect([which, i, name, accounted.has(name)]).toEqual([which, i, name, true]);
        }
      }
      expect(loadedCount).toBeGreaterThan(100); // both paths are exercised
    });
  });

  describe("content", () => {
    it("invalid UTF-8 in a file listed by a codevault manifest → not_text", async () => {
      const bad = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]);
      await expectRefused(rawBackup([listed("a.py", "hello\n"), listed("cafe.txt", bad)], [textEntry("a.py"), { name: "cafe.txt", content: bad }]), "not_text", "cafe.txt");
    });
  });

  describe("metadata.json", () => {
    it("over maxManifestBytes → manifest_too_large (a small limit, and a real 9 MiB manifest)", async () => {
      const bytes = await manifestZip({ files: [listed("a.py", "a")] }, [{ name: "a.py", data: "a" }]);
      await expectRefused(bytes, "manifest_too_large", "metadata.json", { maxManifestBytes: 64 });
      const huge = await manifestZip({ files: [], padding: "x".repeat(9 * MIB) });
      expect(huge.length).toBeLessThan(100_000);
      await expectRefused(huge, "manifest_too_large", "metadata.json");
    });

    it.each([
      ["malformed JSON", '{"files": [ {"file_name": "a.py"'],
      ["files not an array", { files: "a.py" }],
      ["a file without file_name", { files: [{ name: "a.py" }] }],
      ["an empty file_name", { files: [{ file_name: "" }] }],
      ["a top-level array", [{ file_name: "a.py" }]],
      ["null", "null"],
    ])("%s → manifest_invalid", async (_label, manifest) => {
      await expectRefused(await manifestZip(manifest, [{ name: "a.py", data: "a" }]), "manifest_invalid", "metadata.json");
    });

    it("not UTF-8 → manifest_invalid", async () => {
      await expectRefused(buildRawZip([{ name: "metadata.json", content: Buffer.from([0x7b, 0xff, 0x7d]) }]), "manifest_invalid", "metadata.json");
    });

    it("listing a file that is not there → manifest_missing_file (history versions too)", async () => {
      await expectRefused(await manifestZip({ files: [listed("a.py", "a"), listed("gone.py", "g")] }, [{ name: "a.py", data: "a" }]), "manifest_missing_file", "gone.py");
      const withHistory = { files: [listed("a.py", "a"), listed("a.py", "old", { history: true, path: ".codevault-history/a.v1.py" })] };
      await expectRefused(await manifestZip(withHistory, [{ name: "a.py", data: "a" }]), "manifest_missing_file", ".codevault-history/a.v1.py");
    });

    it.each([
      ["../../etc/passwd", "invalid_name"],
      ["/etc/passwd", "invalid_name"],
      ["C:\\x", "invalid_name"],
      ["a\\b.py", "invalid_name"],
      ["src/../x.py", "invalid_name"],
      ["   ", "empty_name"],
    ])("a manifest file_name %j is rejected %s and never becomes a name", async (fileName, reason) => {
      const forms = [
        // body in a real entry under another path: the path is not used as the name either
        await manifestZip({ files: [listed("ok.py", "ok"), listed(fileName, "evil", { path: "evil.txt" })] }, [{ name: "ok.py", data: "ok" }, { name: "evil.txt", data: "evil" }]),
        // body at an entry of that name, which cannot exist
        await manifestZip({ files: [listed("ok.py", "ok"), listed(fileName, "evil")] }, [{ name: "ok.py", data: "ok" }]),
        // older format
        await manifestZip({ files: [{ file_name: "ok.py", code: "ok" }, { file_name: fileName, code: "evil" }] }),
      ];
      for (const bytes of forms) {
        const loaded = (await loadArchive(bytes));
        expect(names(loaded)).toEqual(["ok.py"]);
        expect(loaded.rejected).toEqual([{ name: fileName, reason }]);
      }
    });
  });
});
