import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { startFakeGitHub } from "../support/fake-github.js";
import { plainZip } from "../support/zip-fixtures.js";
import {
  bombEntry,
  buildRawZip,
  gibibyteOfZeros,
  manifestZip,
  PNG,
  poisonedInnerZip,
  textEntry,
  zipToBuffer,
} from "../restore/hostile-zips.js";

let h: BotHarness;
let github: Awaited<ReturnType<typeof startFakeGitHub>>;
beforeAll(async () => {
  github = await startFakeGitHub(
    {
      "octo/hello": await plainZip({
        "octo-hello-1a2b3c4/README.md": "# hello\n",
        "octo-hello-1a2b3c4/src/app.py": "print('hello from github')\n",
        "octo-hello-1a2b3c4/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0]),
      }),
      "private/secret": await plainZip({ "private-secret-abcdef1/x.py": "x = 1\n" }),
      "octo/bomb": buildRawZip([bombEntry("bomb.txt", gibibyteOfZeros(), 1000)]),
    },
    { token: "ghp_test" },
  );
  h = await startBotHarness({ services: { github: { apiRoot: github.apiRoot } } });
});
afterAll(async () => {
  await h?.stop();
  await github?.close();
});

async function state(userId: number) {
  const files = await h.db.collection("files").find({ userId }).project({ _id: 0, fileName: 1, version: 1, sha256: 1 }).toArray();
  const backups = await h.db.collection("backups").countDocuments({ userId });
  const chunks = await h.db.collection("backups.chunks").countDocuments();
  return { files, backups, chunks };
}

describe("hostile ZIPs sent to the bot", () => {
  const cases: [string, () => Promise<Buffer> | Buffer, RegExp][] = [
    ["../ in a name", () => buildRawZip([textEntry("../evil.py")]), /tries to leave its folder/],
    ["absolute path", () => buildRawZip([textEntry("/etc/passwd")]), /tries to leave its folder/],
    ["drive letter", () => buildRawZip([textEntry("C:\\x.py")]), /tries to leave its folder/],
    ["backslash climbing out", () => buildRawZip([textEntry("..\\b.py")]), /tries to leave its folder/],
    ["zip bomb (declared small)", () => buildRawZip([bombEntry("bomb.txt", gibibyteOfZeros(), 4096)]), /not the size it claims/],
    ["zip bomb (declared 1 GB)", () => buildRawZip([bombEntry("bomb.txt", gibibyteOfZeros(), 1024 ** 3)]), /larger than a whole archive may be/],
    ["lying size", () => buildRawZip([{ name: "a.txt", content: Buffer.from("hello world"), size: 5 }]), /not the size it claims/],
    ["CRC mismatch", () => buildRawZip([{ name: "a.txt", content: Buffer.from("hello"), crc: 1234 }]), /fails its checksum/],
    ["truncated", () => buildRawZip([textEntry("a.txt"), textEntry("b.txt")]).subarray(0, 60), /cut short|damaged|not a ZIP/],
    ["not a ZIP", () => Buffer.from("just some text, not an archive"), /it is not a ZIP file/],
    ["encrypted", () => buildRawZip([{ ...textEntry("a.txt"), flags: 0x0801 }]), /encrypted/],
    ["10,001 entries", () => buildRawZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}.txt`, content: Buffer.alloc(0) }))), /more than 10,000 entries/],
    ["duplicate names", () => buildRawZip([textEntry("a.txt"), textEntry("a.txt")]), /same name/],
    ["invalid UTF-8 name", () => buildRawZip([{ name: Buffer.from([0x61, 0xff, 0xfe, 0x2e, 0x74]), content: Buffer.from("x") }]), /not valid text/],
    ["malformed metadata.json", () => manifestZip("{ not json"), /metadata.json cannot be read/],
    ["metadata.json listing missing files", () => manifestZip({ files: [{ file_name: "ghost.py", sha256: "0".repeat(64) }] }), /lists a file that is not in the archive/],
    ["metadata.json sha256 mismatch", () => manifestZip({ files: [{ file_name: "a.py", sha256: "0".repeat(64) }] }, [{ name: "a.py", data: "print(1)" }]), /does not match the checksum/],
    ["invalid UTF-8 content in a backup", () => manifestZip({ files: [{ file_name: "a.py" }] }, [{ name: "a.py", data: Buffer.from([0xff, 0xfe, 0x00]) }]), /not valid text/],
  ];

  for (const [name, build, message] of cases) {
    it(`${name}: clear message, nothing changes`, async () => {
      const userId = 600 + cases.findIndex((c) => c[0] === name);
      const user = h.fake.user(userId);
      await h.services.files.save(userId, { fileName: "keep.py", content: "keep = True\n" });
      await h.services.backups.create(userId);
      const before = await state(userId);
      await h.send(user.sendDocument(await build(), "incoming.zip"));
      const reply = h.fake.lastSent(userId)!.text!;
      expect(reply).toMatch(/^🚫 I cannot use this archive: .*Nothing was changed\.$/s);
      expect(reply).toMatch(message);
      expect(await state(userId)).toEqual(before);
    }, 60_000);
  }

  it("a nested ZIP in a plain archive is listed, never opened", async () => {
    const user = h.fake.user(650);
    await h.send(user.sendDocument(await zipToBuffer([{ name: "inner.zip", data: poisonedInnerZip() }, { name: "a.py", data: Buffer.from("a = 1\n") }, { name: "img.png", data: PNG }]), "outer.zip"));
    const preview = h.fake.lastSent(650)!.text!;
    expect(preview).toContain("1 new · 0 unchanged · 0 conflicts · 2 rejected");
    expect(preview).toContain("inner.zip — archive inside the archive (not opened)");
    expect(preview).toContain("img.png — binary file");
  });

  it("the refusal reads well in Hebrew", async () => {
    const user = h.fake.user(651, { languageCode: "he" });
    await h.send(user.sendDocument(buildRawZip([textEntry("../evil.py")]), "x.zip"));
    expect(h.fake.lastSent(651)!.text).toMatch(/^🚫 אי אפשר להשתמש בארכיון הזה: .*שום דבר לא השתנה\.$/);
  });
});

describe("/github", () => {
  it("stores the repository as a github_repo_zip backup and imports it tagged repo:<name>", async () => {
    const user = h.fake.user(660);
    await h.send(user.sendText("/github https://github.com/octo/hello"));
    const stored = h.fake.lastSent(660)!;
    expect(stored.text).toMatch(/^📦 octo\/hello is stored as a backup \(2 text files, /);
    const backup = (await h.services.backups.list(660)).items[0]!;
    expect(backup).toMatchObject({ type: "github_repo_zip", repo: { name: "octo/hello" }, fileCount: 2 });
    expect(await h.services.backups.verify(660, backup.id)).toMatchObject({ ok: true });

    await h.send(user.pressButtonByText(stored, "♻️ Import into my files"));
    const preview = h.fake.lastSent(660)!;
    expect(preview.text).toContain("2 new · 0 unchanged · 0 conflicts · 1 rejected");
    await h.send(user.pressButtonByText(preview, "♻️ Restore"));
    expect(h.fake.lastSent(660)!.text).toMatch(/Restored 2 files: 2 new/);
    expect(await h.services.files.getLatest(660, "src/app.py")).toMatchObject({ tags: ["repo:hello"], language: "python" });
  });

  it("owner/repo branch form reaches the right ref; unknown repos and bad input get clear messages", async () => {
    const user = h.fake.user(661);
    await h.send(user.sendText("/github octo/hello main"));
    expect(github.requests.some((r) => r.url === "/repos/octo/hello/zipball/main")).toBe(true);
    await h.send(user.sendText("/github octo/nope"));
    expect(h.fake.lastSent(661)!.text).toBe("I could not find octo/nope on GitHub (or it is private and no token is set).");
    await h.send(user.sendText("/github private/secret"));
    expect(h.fake.lastSent(661)!.text).toMatch(/could not find private\/secret/);
    await h.send(user.sendText("/github not a repo at all"));
    expect(h.fake.lastSent(661)!.text).toMatch(/^Send \/github owner\/repo/);
    await h.send(user.sendText("/github octo/bomb"));
    expect(h.fake.lastSent(661)!.text).toMatch(/^🚫 I cannot use this archive: an entry is not the size it claims/);
    expect((await h.services.backups.list(661)).items.map((b) => b.repo?.name)).toEqual(["octo/hello"]);
  });
});
