/**
 * What an archive puts into the library, at the service level: fields are
 * cleaned (issue 8 point 5) and names that would collide on another file
 * system are conflicts the user decides (issue 8 point 6).
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentZip, startServices, type TestServices } from "../support/services.js";
import { buildRawZip, textEntry } from "./hostile-zips.js";

let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(() => env?.stop());

const sha = (data: string): string => createHash("sha256").update(data).digest("hex");
const manifest = (files: Record<string, unknown>[]) => textEntry("metadata.json", JSON.stringify({ version: "1.0", backup_type: "full_backup", files }));
const listed = (file_name: string, content: string, extra: Record<string, unknown> = {}) => ({
  file_name,
  note: "",
  tags: [],
  version: 1,
  size: Buffer.byteLength(content),
  sha256: sha(content),
  ...extra,
});

describe("fields from an archive", () => {
  it("a 5 KB language and a language holding a link are stored as a safe detected value", async () => {
    const user = 8101;
    const bytes = buildRawZip([
      textEntry("a.py", "print(1)\n"),
      textEntry("b.js", "x()\n"),
      manifest([
        listed("a.py", "print(1)\n", { programming_language: "x".repeat(5 * 1024) }),
        listed("b.js", "x()\n", { programming_language: '<a href="https://evil.example/login">javascript</a>' }),
      ]),
    ]);
    await env.services.restore.apply(user, await sentZip(env.services.restore, user, bytes), {});
    const stored = await env.db.collection("files").find({ userId: user }, { sort: { fileName: 1 } }).toArray();
    expect(stored.map((d) => [d.fileName, d.language])).toEqual([
      ["a.py", "python"],
      ["b.js", "javascript"],
    ]);
  });
});

describe("names that collide elsewhere", () => {
  it("README.md in a backup is a conflict with readme.md in the library; replace keeps the library's spelling", async () => {
    const user = 8201;
    await env.services.files.save(user, { fileName: "readme.md", content: "# mine\n" });
    const sent = await sentZip(env.services.restore, user, buildRawZip([textEntry("README.md", "# theirs\n"), textEntry("cafe\u0301.py", "c\n")]));
    const preview = await env.services.restore.preview(user, sent);
    expect(preview.counts).toMatchObject({ new: 1, conflicts: 1 });
    expect(preview.conflicts.map((c) => c.name)).toEqual(["README.md"]);
    expect(env.services.restore.checkRenameTarget("Readme.MD", new Set(preview.takenNames))).toBe("rename_taken");

    const result = await env.services.restore.apply(user, sent, { defaultAction: "replace" });
    expect(result).toMatchObject({ new: 1, replaced: 1 });
    expect((await env.db.collection("files").distinct("fileName", { userId: user, deletedAt: { $exists: false } })).sort()).toEqual(["caf\u00e9.py", "readme.md"]);
    const latest = await env.services.files.getLatest(user, "readme.md");
    expect(await env.services.files.readContent(user, latest!.id)).toBe("# theirs\n");
  });

  it("skipping the twin conflict leaves the library as it was", async () => {
    const user = 8202;
    await env.services.files.save(user, { fileName: "Notes.txt", content: "a\n" });
    const sent = await sentZip(env.services.restore, user, buildRawZip([textEntry("notes.txt", "b\n")]));
    const result = await env.services.restore.apply(user, sent, {});
    expect(result).toMatchObject({ restored: 0, skipped: 1 });
    expect(await env.db.collection("files").distinct("fileName", { userId: user, deletedAt: { $exists: false } })).toEqual(["Notes.txt"]);
  });
});
