/**
 * Admin CLI over the same services as the bot: `npm run cli -- <command> [options]`.
 * Needs only the database settings (MONGODB_URI / MONGODB_DB / DATA_DIR), never BOT_TOKEN.
 * Exit codes: 0 success, 1 not found or a check failed, 2 usage.
 */
import { config as loadDotenv } from "dotenv";
import { parseArgs } from "node:util";
import { createServices, DRIVE_OFF } from "./app.js";
import { backupCommands } from "./cli/backup-commands.js";
import { loadStorageConfig, loadTokenKeys } from "./config.js";
import { CliFailure, UsageError, type CommandRun, type CommandSpec, type OptionValues } from "./cli/command.js";
import { driveCommands } from "./cli/drive-commands.js";
import { statsCommand } from "./cli/stats-command.js";
import { ensureIndexes } from "./db/collections.js";
import { connectDatabase, type Database } from "./db/connect.js";
import { Events } from "./events.js";
import { createLogger } from "./logger.js";

const COMMANDS: CommandSpec[] = [...backupCommands, ...driveCommands, statsCommand];

const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean" },
} as const;

export function usageText(): string {
  return [
    "Usage: npm run cli -- <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    "",
    "Options for every command:",
    "  --verbose    the services' JSON logs on stderr (silent otherwise)",
    "  -h, --help   this text",
    "",
    "Environment (and .env), as for the bot; BOT_TOKEN is not needed:",
    "  MONGODB_URI   the database (empty: the embedded one under DATA_DIR; stop the bot first)",
    "  MONGODB_DB    database name (default codevault)",
    "  DATA_DIR      local data folder (default ./data)",
    "  BACKUP_KEEP_LAST/DAILY/WEEKLY/MONTHLY   retention of full backups, applied after 'backup create'",
    "  BACKUP_KEEP_EMERGENCY[_DAYS], BACKUP_KEEP_IMPORTED[_DAYS]   the other kinds' retention (see .env.example)",
    "  TOKEN_ENCRYPTION_KEY, TOKEN_ENCRYPTION_KEY_PREVIOUS   for 'drive rotate-key'",
    "",
    "Exit codes: 0 success, 1 not found or a check failed, 2 usage error.",
  ].join("\n");
}

interface Invocation {
  run: CommandRun;
  verbose: boolean;
}

/** Finds the command and checks its arguments; throws UsageError (nothing touches the database yet). */
function parseInvocation(argv: string[]): Invocation {
  if (!argv.length || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") throw new UsageError("");
  const spec = COMMANDS.find((c) => c.words.every((w, i) => argv[i] === w));
  if (!spec) {
    const known = COMMANDS.some((c) => c.words[0] === argv[0]);
    const shown = argv.slice(0, known ? 2 : 1).join(" ");
    throw new UsageError(`unknown command: ${shown}`);
  }
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv.slice(spec.words.length),
      options: { ...spec.options, ...COMMON_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // parseArgs explains itself ("Unknown option '--x'", "Option '--user <value>' argument missing").
    throw new UsageError(`${spec.words.join(" ")}: ${(err as Error).message}`);
  }
  if (parsed.values.help) throw new UsageError("");
  try {
    return { run: spec.prepare(parsed.values, parsed.positionals), verbose: parsed.values.verbose === true };
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${spec.words.join(" ")}: ${err.message}`);
    throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) process.stderr.write(`codevault: ${err.message}\n\n`);
    process.stderr.write(`${usageText()}\n`);
    return 2;
  }

  loadDotenv({ quiet: true });
  const config = loadStorageConfig();
  const logger = createLogger(invocation.verbose ? "info" : "silent", process.stderr);
  const events = new Events(logger);
  let database: Database | undefined;
  try {
    database = await connectDatabase({ uri: config.mongodbUri, dbName: config.mongodbDb, dataDir: config.dataDir, logger });
    await ensureIndexes(database.db);
    const services = createServices({
      db: database.db,
      events,
      retention: config.retention,
      drive: { ...DRIVE_OFF, ...loadTokenKeys() },
    });
    return await invocation.run({
      services,
      db: database.db,
      out: (line) => process.stdout.write(`${line}\n`),
      warn: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    if (err instanceof CliFailure) {
      process.stderr.write(`codevault: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await database?.close().catch(() => {});
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : "";
    process.stderr.write(`codevault: ${err instanceof Error ? err.message : String(err)}${cause}\n`);
    process.exitCode = 1;
  },
);
