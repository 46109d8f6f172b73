import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileError, type FileDoc } from "../../src/files/file-types.js";
import { INLINE_CONTENT_LIMIT } from "../../src/files/content-store.js";
import { startServices, type TestServices } from "../support/services.js";

let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(async () => {
  await env?.stop();
});

const ALICE = 1001;
const BOB = 2002;

describe("FileLibrary", () => {
  it("saves a file with language, tags and note, and keeps every version", async () => {
    const { files } = env.services;
    const first = await files.save(ALICE, { fileName: "app.py", content: "print(1)\n", tags: ["#cli"], note: "first" });
    expect(first.status).toBe("created");
    expect(first.file).toMatchObject({ fileName: "app.py", language: "python", version: 1, size: 9, tags: ["cli"], note: "first" });

    const second = await files.save(ALICE, { fileName: "app.py", content: "print(2)\n" });
    expect(second.status).toBe("new_version");
    expect(second.file).toMatchObject({ version: 2, tags: ["cli"], note: "first" }); // carried over

    const same = await files.save(ALICE, { fileName: "app.py", content: "print(2)\n" });
    expect(same.status).toBe("unchanged");
    expect(same.file.version).toBe(2);

    const versions = await files.versions(ALICE, "app.py");
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(await files.readContent(ALICE, versions[1]!.id)).toBe("print(1)\n");
    expect(await files.readContent(ALICE, versions[0]!.id)).toBe("print(2)\n");
  });

  it("lists the latest versions, newest first, 10 per page", async () => {
    const { files } = env.services;
    const user = 3003;
    for (let i = 0; i < 23; i++) await files.save(user, { fileName: `f${String(i).padStart(2, "0")}.js`, content: `// ${i}` });
    await files.save(user, { fileName: "f00.js", content: "// changed" });
    const first = await files.list(user, { page: 0 });
    expect(first.total).toBe(23);
    expect(first.pages).toBe(3);
    expect(first.items).toHaveLength(10);
    expect(first.items[0]).toMatchObject({ fileName: "f00.js", version: 2 });
    const last = await files.list(user, { page: 2 });
    expect(last.items).toHaveLength(3);
    const beyond = await files.list(user, { page: 99 });
    expect(beyond.page).toBe(2);
    expect(beyond.items.map((f) => f.fileName)).toEqual(last.items.map((f) => f.fileName));
    const all = [...first.items, ...(await files.list(user, { page: 1 })).items, ...last.items].map((f) => f.fileName);
    expect(new Set(all).size).toBe(23);
  });

  it("never shows one user's files to another", async () => {
    const { files } = env.services;
    const { file } = await files.save(ALICE, { fileName: "secret.ts", content: "export const key = 1;" });
    expect(await files.getById(BOB, file.id)).toBeUndefined();
    await expect(files.readContent(BOB, file.id)).rejects.toBeInstanceOf(FileError);
    await expect(files.remove(BOB, file.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(files.setNote(BOB, file.id, "mine now")).rejects.toMatchObject({ code: "not_found" });
    expect((await files.list(BOB)).total).toBe(0);
    expect(await files.getById(BOB, "not-an-id")).toBeUndefined();
    expect((await files.getById(ALICE, file.id))?.note).toBe("");
  });

  it("soft-deletes all versions and undo brings exactly them back", async () => {
    const { files } = env.services;
    const user = 4004;
    await files.save(user, { fileName: "x.go", content: "package a" });
    const { file } = await files.save(user, { fileName: "x.go", content: "package b" });
    await files.remove(user, file.id);
    expect(await files.getLatest(user, "x.go")).toBeUndefined();
    expect((await files.list(user)).total).toBe(0);
    const back = await files.undoRemove(user, file.id);
    expect(back).toMatchObject({ fileName: "x.go", version: 2 });
    expect((await files.versions(user, "x.go")).length).toBe(2);
    expect(await files.undoRemove(user, file.id)).toBeUndefined(); // nothing left to undo
  });

  it("a name reused after delete starts a new version and blocks the old undo", async () => {
    const { files } = env.services;
    const user = 5005;
    const { file } = await files.save(user, { fileName: "y.rb", content: "puts 1" });
    await files.remove(user, file.id);
    const again = await files.save(user, { fileName: "y.rb", content: "puts 2" });
    expect(again.status).toBe("created");
    expect(again.file.version).toBe(2);
    expect(await files.undoRemove(user, file.id)).toBeUndefined();
    expect(await files.readContent(user, again.file.id)).toBe("puts 2");
  });

  it("edits note and tags on the latest version and validates them", async () => {
    const { files } = env.services;
    const { file } = await files.save(ALICE, { fileName: "notes.md", content: "# hi" });
    expect((await files.setNote(ALICE, file.id, "  hello  ")).note).toBe("hello");
    expect((await files.setTags(ALICE, file.id, "#a b,#a")).tags).toEqual(["a", "b"]);
    await expect(files.setNote(ALICE, file.id, "x".repeat(1001))).rejects.toMatchObject({ code: "note_too_long" });
    expect((await files.getLatest(ALICE, "notes.md"))?.note).toBe("hello");
  });

  it("rejects bad names and oversize content without storing anything", async () => {
    const { files } = env.services;
    const user = 6006;
    await expect(files.save(user, { fileName: "../x.py", content: "" })).rejects.toMatchObject({ code: "name_invalid" });
    await expect(files.save(user, { fileName: " ", content: "" })).rejects.toMatchObject({ code: "name_empty" });
    await expect(files.save(user, { fileName: "big.txt", content: "a".repeat(20 * 1024 * 1024 + 1) })).rejects.toMatchObject({
      code: "too_large",
    });
    expect((await files.list(user)).total).toBe(0);
  });

  it("a lookup made before the content arrived (a download) gives the same answers, and one made stale by another save is asked again", async () => {
    const { files } = env.services;
    const user = 4104;
    await files.save(user, { fileName: "Notes.md", content: "# a" });

    // Made early, used later: the twin of a live name is refused as without it.
    const twinLookup = files.lookUpForSave(user, "notes.md")!;
    await expect(files.save(user, { fileName: "notes.md", content: "# b" }, twinLookup)).rejects.toMatchObject({ code: "name_twin" });

    // Another save of the name lands between the lookup and the save: the next version is taken, none is overwritten.
    const early = files.lookUpForSave(user, "Notes.md")!;
    await files.save(user, { fileName: "Notes.md", content: "# c" });
    const late = await files.save(user, { fileName: "Notes.md", content: "# d" }, early);
    expect(late).toMatchObject({ status: "new_version", file: { version: 3 } });
    expect((await files.versions(user, "Notes.md")).map((v) => v.version)).toEqual([3, 2, 1]);

    // A lookup for another name or user is not used; a name save refuses gets none.
    const other = await files.save(user, { fileName: "other.md", content: "x" }, files.lookUpForSave(user, "Notes.md"));
    expect(other).toMatchObject({ status: "created", file: { fileName: "other.md", version: 1 } });
    const stranger = await files.save(user + 1, { fileName: "Notes.md", content: "# e" }, files.lookUpForSave(user, "Notes.md"));
    expect(stranger).toMatchObject({ status: "created", file: { version: 1 } });
    expect(files.lookUpForSave(user, "")).toBeUndefined();
  });

  it("stores names in NFC and refuses a case-only or NFC/NFD twin of a live file (name_twin); the exact name saves a new version", async () => {
    const { files } = env.services;
    const user = 4711;
    const nfd = await files.save(user, { fileName: "cafe\u0301.py", content: "1" });
    expect(nfd.file.fileName).toBe("caf\u00e9.py");
    expect((await files.save(user, { fileName: "caf\u00e9.py", content: "2" })).status).toBe("new_version");
    await files.save(user, { fileName: "readme.md", content: "# a" });
    await expect(files.save(user, { fileName: "README.md", content: "# b" })).rejects.toMatchObject({ code: "name_twin" });
    await expect(files.save(user, { fileName: "CAFE\u0301.PY", content: "3" })).rejects.toMatchObject({ code: "name_twin" });
    expect(await env.db.collection("files").distinct("fileName", { userId: user, deletedAt: { $exists: false } })).toEqual(expect.arrayContaining(["caf\u00e9.py", "readme.md"]));
    expect(await env.db.collection("files").distinct("fileName", { userId: user, deletedAt: { $exists: false } })).toHaveLength(2);
    // Once the twin is deleted the other spelling is free; another user is never affected.
    await files.remove(user, (await files.getLatest(user, "readme.md"))!.id);
    const readme = (await files.versions(user, "readme.md"))[0];
    expect(readme).toBeUndefined();
    const gone = await env.db.collection<FileDoc>("files").findOne({ userId: user, fileName: "readme.md" });
    expect((await files.save(user, { fileName: "README.md", content: "# b" })).status).toBe("created");
    expect(await files.undoRemove(user, gone!._id.toHexString())).toBeUndefined(); // its twin holds the name now
    expect((await files.save(4712, { fileName: "README.MD", content: "# c" })).status).toBe("created");
  });

  it("refuses Windows device names, NTFS streams and bidi names", async () => {
    for (const fileName of ["CON", "aux.txt", "a.txt:stream", "x\u202Etxt.exe", "dot."]) {
      await expect(env.services.files.save(4713, { fileName, content: "x" }), fileName).rejects.toMatchObject({ code: "name_invalid" });
    }
  });

  it("keeps large files (beyond one MongoDB document) intact through GridFS", async () => {
    const { files } = env.services;
    const line = "const value = 'ünïcödé';\n";
    const content = line.repeat(Math.ceil((INLINE_CONTENT_LIMIT + 1000) / Buffer.byteLength(line)));
    const { file } = await files.save(ALICE, { fileName: "big.js", content });
    expect(file.size).toBe(Buffer.byteLength(content));
    expect(await files.readContent(ALICE, file.id)).toBe(content);
  });

  it("reads several contents at once: the caller's live versions only, large ones from GridFS", async () => {
    const { files } = env.services;
    const user = 1010;
    const small = await files.save(user, { fileName: "s.py", content: "small\n" });
    const big = "b".repeat(INLINE_CONTENT_LIMIT + 10);
    const large = await files.save(user, { fileName: "l.txt", content: big });
    const gone = await files.save(user, { fileName: "gone.py", content: "gone\n" });
    await files.remove(user, gone.file.id);
    const bobs = await files.save(BOB, { fileName: "bob.py", content: "bob\n" });

    const got = await env.services.bulk.readContents(user, [small.file.id, large.file.id, gone.file.id, bobs.file.id, "not-an-id"]);
    expect([...got.keys()].sort()).toEqual([small.file.id, large.file.id].sort());
    expect(got.get(small.file.id)).toBe("small\n");
    expect(got.get(large.file.id)).toBe(big);
  });

  it("concurrent saves of one name get distinct versions", async () => {
    const { files } = env.services;
    const user = 7007;
    const results = await Promise.all([1, 2, 3, 4].map((i) => files.save(user, { fileName: "race.c", content: `int x = ${i};` })));
    expect(results.map((r) => r.file.version).sort()).toEqual([1, 2, 3, 4]);
  });
});
