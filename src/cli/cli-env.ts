import { z } from "zod";
import { DEFAULT_RETENTION, type RetentionPolicy } from "../backups/retention.js";

/**
 * The few settings the admin CLI reads, with the same names, defaults and
 * messages as the bot's (src/config.ts), minus everything Telegram: the CLI
 * never needs BOT_TOKEN.
 */
export class CliConfigError extends Error {}

export interface CliConfig {
  mongodbUri: string | undefined;
  mongodbDb: string;
  dataDir: string;
  retention: RetentionPolicy;
}

function count(what: string, dflt: number) {
  const message = `a whole number (0 or more): ${what}`;
  return z.coerce.number({ error: message }).int(message).min(0, message).default(dflt);
}

const schema = z.object({
  MONGODB_URI: z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\//, "a mongodb:// or mongodb+srv:// connection string, or nothing for the embedded database")
    .optional(),
  MONGODB_DB: z.string().trim().min(1, "a database name").default("codevault"),
  DATA_DIR: z.string().trim().min(1, "a folder for local data").default("./data"),
  BACKUP_KEEP_LAST: count("how many of the newest backups to keep", DEFAULT_RETENTION.keepLast),
  BACKUP_KEEP_DAILY: count("for how many days to keep one backup a day", DEFAULT_RETENTION.daily),
  BACKUP_KEEP_WEEKLY: count("for how many weeks to keep one backup a week", DEFAULT_RETENTION.weekly),
  BACKUP_KEEP_MONTHLY: count("for how many months to keep one backup a month", DEFAULT_RETENTION.monthly),
});

export function loadCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  // As in config.ts: an empty variable means "use the default".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new CliConfigError(`${variable} is invalid: it should hold ${issue.message}`);
  }
  const c = parsed.data;
  return {
    mongodbUri: c.MONGODB_URI,
    mongodbDb: c.MONGODB_DB,
    dataDir: c.DATA_DIR,
    retention: { keepLast: c.BACKUP_KEEP_LAST, daily: c.BACKUP_KEEP_DAILY, weekly: c.BACKUP_KEEP_WEEKLY, monthly: c.BACKUP_KEEP_MONTHLY },
  };
}
