import { createHash } from "node:crypto";
import { access, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { BackupError, type BackupSummary, type VerifyProblem } from "../backups/backup-types.js";
import {
  CliFailure,
  positionalCount,
  stringOption,
  userIdOption,
  type CommandContext,
  type CommandSpec,
} from "./command.js";
import { bytesText, cell, dateText, fields, shortBytes, table } from "./format.js";

const create: CommandSpec = {
  words: ["backup", "create"],
  usage: "backup create --user <id> [--history]",
  summary: "make a backup of the user's latest files now (--history: every version)",
  options: { user: { type: "string" }, history: { type: "boolean" } },
  prepare(values, positionals) {
    positionalCount(positionals, 0, 0, "");
    const userId = userIdOption(values);
    const withHistory = values.history === true;
    return async ({ services, out }) => {
      const b = await services.backups.create(userId, { withHistory, capped: false }); // the operator is not held to the per-user cap
      for (const line of fields([
        ["id", b.id],
        ["user", String(userId)],
        ["created", dateText(b.createdAt)],
        ["type", b.type + (b.withHistory ? " (with history)" : "")],
        ["files", String(b.fileCount)],
        ["size", bytesText(b.totalSize)],
        ["zip size", bytesText(b.zipSize)],
        ["sha256", b.sha256],
      ]))
        out(line);
      return 0;
    };
  },
};

const list: CommandSpec = {
  words: ["backup", "list"],
  usage: "backup list --user <id>",
  summary: "the user's backups, newest first",
  options: { user: { type: "string" } },
  prepare(values, positionals) {
    positionalCount(positionals, 0, 0, "");
    const userId = userIdOption(values);
    return async ({ services, out }) => {
      const all: BackupSummary[] = [];
      for (let page = 0; ; page++) {
        const got = await services.backups.list(userId, { page, pageSize: 100 });
        all.push(...got.items);
        if (page >= got.pages - 1) break;
      }
      if (!all.length) {
        out(`user ${userId} has no backups`);
        return 0;
      }
      const rows = all.map((b) => [
        b.id,
        dateText(b.createdAt),
        b.type + (b.withHistory ? "+history" : ""),
        String(b.fileCount),
        shortBytes(b.totalSize),
        shortBytes(b.zipSize),
        b.rating ?? "",
        cell(b.note),
      ]);
      for (const line of table(["id", "date", "type", "files", "size", "zip", "rating", "note"], rows, new Set([3, 4, 5]))) out(line);
      out(`${all.length} backup${all.length === 1 ? "" : "s"}`);
      return 0;
    };
  },
};

const verify: CommandSpec = {
  words: ["backup", "verify"],
  usage: "backup verify <backupId> | --all",
  summary: "re-read stored backups and check the ZIP, metadata.json and every file (exit 1 if any fails)",
  options: { all: { type: "boolean" } },
  prepare(values, positionals) {
    const all = values.all === true;
    if (all) positionalCount(positionals, 0, 0, "");
    else positionalCount(positionals, 1, 1, "<backupId> (or --all)");
    return async (ctx) => {
      if (!all) {
        const outcome = await verifyOne(ctx, positionals[0]!);
        if (outcome === "missing") throw new CliFailure(`backup ${positionals[0]} not found`);
        return outcome === "ok" ? 0 : 1;
      }
      const ids = await ctx.services.backups.allIds();
      const tally = { ok: 0, failed: 0, missing: 0 };
      for (const id of ids) tally[await verifyOne(ctx, id)]++;
      const gone = tally.missing ? `, ${tally.missing} deleted while checking` : "";
      ctx.out(`${ids.length} backup${ids.length === 1 ? "" : "s"}: ${tally.ok} OK, ${tally.failed} FAILED${gone}`);
      return tally.failed ? 1 : 0;
    };
  },
};

async function verifyOne({ services, out }: CommandContext, id: string): Promise<"ok" | "failed" | "missing"> {
  const owner = await services.backups.ownerOf(id);
  if (owner === undefined) return "missing";
  let result;
  try {
    result = await services.backups.verify(owner, id);
  } catch (err) {
    if (err instanceof BackupError && err.code === "not_found") return "missing";
    throw err;
  }
  if (result.ok) {
    out(`${id}  user ${owner}  OK  ${result.fileCount} files, ${bytesText(result.totalSize)}`);
    return "ok";
  }
  out(`${id}  user ${owner}  FAILED  ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}:`);
  for (const problem of result.problems) out(`  - ${problemText(problem)}`);
  return "failed";
}

/** The stable code first (for grep), then what it means. Entry names are quoted: they come from archives. */
export function problemText(p: VerifyProblem): string {
  switch (p.kind) {
    case "zip_sha256_mismatch":
      return "zip_sha256_mismatch: the stored ZIP's sha256 differs from the one recorded when it was made";
    case "archive_invalid":
      return `archive_invalid (${p.code})${p.entry !== undefined ? ` at ${JSON.stringify(p.entry)}` : ""}: the ZIP cannot be read back intact`;
    case "manifest_missing":
      return "manifest_missing: the ZIP has no metadata.json";
    case "manifest_invalid":
      return "manifest_invalid: metadata.json cannot be parsed";
    case "file_missing":
      return `file_missing ${JSON.stringify(p.name)}: listed in metadata.json but not in the ZIP`;
    case "file_mismatch":
      return `file_mismatch ${JSON.stringify(p.name)}: size or sha256 differs from metadata.json`;
    case "stored_bytes_missing":
      return "stored_bytes_missing: the ZIP is gone from GridFS";
  }
}

const exportZip: CommandSpec = {
  words: ["backup", "export"],
  usage: "backup export <backupId> --out <file.zip> [--force]",
  summary: "write the stored ZIP to a file, byte for byte (--force: overwrite)",
  options: { out: { type: "string", short: "o" }, force: { type: "boolean" } },
  prepare(values, positionals) {
    positionalCount(positionals, 1, 1, "<backupId>");
    const id = positionals[0]!;
    const target = path.resolve(stringOption(values, "out"));
    const force = values.force === true;
    return async ({ services, out, warn }) => {
      const owner = await services.backups.ownerOf(id);
      let download;
      try {
        download = owner === undefined ? undefined : await services.backups.download(owner, id);
      } catch (err) {
        if (!(err instanceof BackupError && err.code === "not_found")) throw err;
      }
      if (!download) throw new CliFailure(`backup ${id} not found`);
      if (!force && (await exists(target))) throw new CliFailure(`${target} already exists (add --force to overwrite it)`);
      // Written beside the target and renamed: an interrupted export never leaves a half ZIP under the wanted name.
      const temp = `${target}.${process.pid}.partial`;
      try {
        await writeFile(temp, download.bytes, { flag: "wx" });
        await rename(temp, target);
      } catch (err) {
        await unlink(temp).catch(() => {});
        throw new CliFailure(`cannot write ${target}: ${(err as Error).message}`);
      }
      const sha256 = createHash("sha256").update(download.bytes).digest("hex");
      out(`wrote ${target}`);
      for (const line of fields([
        ["size", bytesText(download.bytes.length)],
        ["sha256", sha256],
        ["files", String(download.backup.fileCount)],
      ]))
        out(line);
      if (sha256 !== download.backup.sha256) {
        warn(`warning: these bytes do not match the sha256 recorded when the backup was made (${download.backup.sha256}); run: backup verify ${id}`);
        return 1;
      }
      return 0;
    };
  },
};

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export const backupCommands: CommandSpec[] = [create, list, verify, exportZip];

