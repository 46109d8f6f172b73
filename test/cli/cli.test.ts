import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/processes.js";
import { startServices, type TestServices } from "../support/services.js";

/**
 * The admin CLI as a real process (node --import tsx src/cli.ts, so a timeout's SIGTERM reaches it directly) against the test MongoDB server
 * (or MONGODB_URI), over a database seeded through the same services.
 */
let env: TestServices;
const outDir = mkdtempSync(path.join(tmpdir(), "codevault-cli-"));
const sha = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

beforeAll(async () => {
  env = await startServices();
});
afterAll(async () => {
  await env?.stop();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return cliWith({}, ...args);
}

function cliWith(extraEnv: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, MONGODB_URI: env.uri, MONGODB_DB: env.dbName, ...extraEnv },
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

const field = (stdout: string, name: string) => stdout.match(new RegExp(`^${name}\\s{2,}(\\S+)`, "m"))?.[1];

describe("admin CLI", () => {
  const owner = 501;
  const other = 502;
  let first: string;
  let second: string;

  it("backup create makes a backup of the user's latest files and prints it", async () => {
    const { files } = env.services;
    await files.save(owner, { fileName: "app.py", content: "print('v1')\n" });
    await files.save(owner, { fileName: "app.py", content: "print('v2')\n" });
    await files.save(owner, { fileName: "src/util.ts", content: "export const x = 1;\n" });
    await files.save(owner, { fileName: "README.md", content: "# hello\n" });
    await files.save(other, { fileName: "main.go", content: "package main\n" });
    const gone = await files.save(other, { fileName: "old.go", content: "package old\n" });
    await files.remove(other, gone.file.id);

    const run = await cli("backup", "create", "--user", String(owner));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    first = field(run.stdout, "id")!;
    expect(first).toMatch(/^[0-9a-f]{24}$/);
    expect(field(run.stdout, "files")).toBe("3");
    const stored = await env.services.backups.get(owner, first);
    expect(stored).toMatchObject({ fileCount: 3, totalSize: 12 + 20 + 8, withHistory: false });
    expect(run.stdout).toMatch(new RegExp(`^size\\s+40 B$`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^zip size\\s+${stored!.zipSize} B`, "m"));
  }, 90_000);

  it("backup list shows the user's backups newest first, with rating and note", async () => {
    const made = await cli("backup", "create", "--user", String(owner), "--history");
    expect(made.code).toBe(0);
    second = field(made.stdout, "id")!;
    expect(field(made.stdout, "files")).toBe("4");
    await env.services.backups.rate(owner, second, "excellent");
    await env.services.backups.setNote(owner, second, "before the refactor");

    const run = await cli("backup", "list", "--user", String(owner));
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^id\s+date\s+type\s+files\s+size\s+zip\s+rating\s+note$/);
    expect(lines[2]).toContain(second);
    expect(lines[2]).toMatch(/full_backup\+history\s+4\s.*excellent\s+before the refactor$/);
    expect(lines[3]).toContain(first);
    expect(lines[3]).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+full_backup\s+3\s/);
    expect(lines.at(-1)).toBe("2 backups");

    const empty = await cli("backup", "list", "--user", "999");
    expect(empty).toMatchObject({ code: 0, stdout: "user 999 has no backups\n" });
  }, 90_000);

  it("backup verify says OK and exits 0 for an intact backup", async () => {
    const run = await cli("backup", "verify", first);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^${first}  user ${owner}  OK  3 files, 40 B$`, "m"));
    expect((await env.services.backups.get(owner, first))!.verifyOk).toBe(true);
  }, 60_000);

  it("backup export writes the stored ZIP byte for byte, and will not overwrite without --force", async () => {
    const target = path.join(outDir, "first.zip");
    const run = await cli("backup", "export", first, "--out", target);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const written = readFileSync(target);
    const { bytes, backup } = await env.services.backups.download(owner, first);
    expect(sha(written)).toBe(sha(bytes));
    expect(sha(written)).toBe(backup.sha256);
    expect(field(run.stdout, "sha256")).toBe(backup.sha256);

    const again = await cli("backup", "export", first, "--out", target);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
    const forced = await cli("backup", "export", second, "--out", target, "--force");
    expect(forced.code).toBe(0);
    expect(sha(readFileSync(target))).toBe((await env.services.backups.get(owner, second))!.sha256);
    expect(existsSync(`${target}.partial`)).toBe(false);
  }, 90_000);

  it("backup verify of a damaged backup exits 1 and names the problem; --all checks every backup", async () => {
    // Flip one byte of the second backup's first entry, inside its GridFS chunk.
    const doc = await env.db.collection("backups").findOne({ _id: new ObjectId(second) });
    const chunk = await env.db.collection("backups.chunks").findOne({ files_id: doc!.gridFsId, n: 0 });
    const data = Buffer.from(chunk!.data.buffer);
    const dataStart = 30 + data.readUInt16LE(26) + data.readUInt16LE(28);
    data[dataStart + 2] = data[dataStart + 2]! ^ 0xff;
    await env.db.collection("backups.chunks").updateOne({ _id: chunk!._id }, { $set: { data } });

    const [one, all] = await Promise.all([cli("backup", "verify", second), cli("backup", "verify", "--all")]);
    expect(one.code).toBe(1);
    expect(one.stdout).toContain(`${second}  user ${owner}  FAILED`);
    expect(one.stdout).toContain("zip_sha256_mismatch");
    expect(one.stdout).toMatch(/archive_invalid \(\w+\) at "[^"]+"/);

    expect(all.code).toBe(1);
    expect(all.stdout).toContain(`${first}  user ${owner}  OK`);
    expect(all.stdout).toContain(`${second}  user ${owner}  FAILED`);
    expect(all.stdout.trim().split("\n").at(-1)).toBe("2 backups: 1 OK, 1 FAILED");
    expect((await env.services.backups.get(owner, second))!.verifyOk).toBe(false);
  }, 90_000);

  it("an unknown backup id is 'not found' with exit 1", async () => {
    const missing = new ObjectId().toHexString();
    const [verify, exported] = await Promise.all([
      cli("backup", "verify", missing),
      cli("backup", "export", "not-an-id", "--out", path.join(outDir, "nope.zip")),
    ]);
    expect(verify).toMatchObject({ code: 1, stdout: "", stderr: `codevault: backup ${missing} not found\n` });
    expect(exported).toMatchObject({ code: 1, stderr: "codevault: backup not-an-id not found\n" });
    expect(existsSync(path.join(outDir, "nope.zip"))).toBe(false);
  }, 60_000);

  it("usage mistakes print the usage on stderr and exit 2, without touching the database", async () => {
    const runs = await Promise.all([
      cli("frobnicate"),
      cli(),
      cli("--help"),
      cli("backup", "create"),
      cli("backup", "list", "--user", "abc"),
      cli("backup", "verify", "--bogus"),
      cli("backup", "export", first),
      // Nothing listens there: a usage error must not even try to connect.
      cliWith({ MONGODB_URI: "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=30000" }, "backup", "list"),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain("Usage: npm run cli -- <command> [options]");
      expect(run.stderr).toContain("backup verify <backupId> | --all");
    }
    expect(runs[0]!.stderr).toMatch(/^codevault: unknown command: frobnicate\n/);
    expect(runs[3]!.stderr).toMatch(/^codevault: backup create: --user <id> is required/);
    expect(runs[4]!.stderr).toMatch(/^codevault: backup list: --user must be a numeric Telegram user id/);
    expect(runs[5]!.stderr).toMatch(/^codevault: backup verify: Unknown option '--bogus'/);
    expect(runs[6]!.stderr).toMatch(/^codevault: backup export: --out <value> is required/);
    expect(runs[7]!.stderr).toMatch(/^codevault: backup list: --user <id> is required/);
  }, 90_000);

  it("stats counts users, latest files, versions, backups and bytes", async () => {
    const run = await cli("stats");
    expect(run.code).toBe(0);
    const num = (name: string) => Number(field(run.stdout, name));
    const zipBytes = (await env.db.collection("backups").find().toArray()).reduce((sum, b) => sum + (b.zipSize as number), 0);
    expect(num("users")).toBe(2);
    expect(num("files")).toBe(4); // app.py, src/util.ts, README.md, main.go (old.go is deleted)
    expect(num("versions")).toBe(5); // app.py has two
    expect(num("deleted versions")).toBe(1);
    expect(num("backups")).toBe(2);
    expect(num("file bytes")).toBe(12 + 20 + 8 + 13);
    expect(num("version bytes")).toBe(12 + 12 + 20 + 8 + 13);
    expect(num("backup bytes")).toBe(40 + 52);
    expect(num("backup zip bytes")).toBe(zipBytes);
  }, 60_000);

  it("reads its settings through the bot's own config: a bad retention variable stops it with the bot's message", async () => {
    const run = await cliWith({ BACKUP_KEEP_EMERGENCY: "many", BOT_TOKEN: "" }, "stats");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "codevault: BACKUP_KEEP_EMERGENCY is invalid: it should hold a whole number (0 or more): how many of the newest emergency backups to keep\n",
    );
  }, 60_000);
});
