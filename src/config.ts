import { availableParallelism } from "node:os";
import { z } from "zod";
import type { RetentionRules } from "./backups/retention.js";
import { canonicalTimeZone, isTimeZone } from "./jobs/time-zones.js";

/**
 * Every setting the process reads from its environment, validated once at start.
 * `loadConfig` throws a ConfigError whose message is one line naming the variable
 * and what it should hold; main.ts prints it and exits.
 */
export class ConfigError extends Error {}

const DEFAULT_API_ROOT = "https://api.telegram.org";
const MB = 1024 * 1024;

const KEY_HINT = "32 random bytes in base64 (openssl rand -base64 32)";
/** A 32-byte AES key written in base64 (TOKEN_ENCRYPTION_KEY). */
const encryptionKey = z
  .string()
  .trim()
  .transform((s, ctx) => {
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(s) ? Buffer.from(s, "base64") : Buffer.alloc(0);
    if (bytes.length !== 32) {
      ctx.addIssue({ code: "custom", message: KEY_HINT });
      return z.NEVER;
    }
    return bytes;
  });

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

/** A whole number from `min` to `max`, with the message naming what it is for. */
function between(what: string, min: number, max: number) {
  const message = `${what} (${min}-${max})`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
}

/** TOKEN_ENCRYPTION_KEY_PREVIOUS: earlier keys, comma-separated, still accepted for reading (key rotation). */
const previousKeys = optionalString.transform((raw, ctx) => {
  if (raw === undefined) return [];
  const keys = raw.split(",").map((k) => encryptionKey.safeParse(k.trim()));
  if (keys.some((k) => !k.success)) {
    ctx.addIssue({ code: "custom", message: `a comma-separated list of earlier keys, each ${KEY_HINT}` });
    return z.NEVER;
  }
  return keys.map((k) => k.data!);
});

function count(what: string) {
  const message = `a whole number (0 or more): ${what}`;
  return z.coerce.number({ error: message }).int(message).min(0, message);
}

/** Every variable, one declaration each; the bot reads them all, the admin CLI a subset (below). */
const fields = z
  .object({
    BOT_TOKEN: z
      .string({ error: "the bot token from @BotFather, like 123456:ABC-DEF..." })
      .trim()
      .regex(/^\d+:[\w-]+$/, "the bot token from @BotFather, like 123456:ABC-DEF..."),
    TELEGRAM_API_ROOT: z
      .url({ error: "an http(s) URL of the Bot API server" })
      .default(DEFAULT_API_ROOT)
      .transform((s) => s.replace(/\/+$/, "")),
    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, "a mongodb:// or mongodb+srv:// connection string, or nothing for the embedded database")
        .optional(),
    ),
    MONGODB_DB: z.string().trim().min(1, "a database name").default("codevault"),
    DATA_DIR: z.string().trim().min(1, "a folder for local data").default("./data"),
    HTTP_PORT: z.coerce
      .number({ error: "a TCP port number (0-65535)" })
      .int("a TCP port number (0-65535)")
      .min(0, "a TCP port number (0-65535)")
      .max(65535, "a TCP port number (0-65535)")
      .default(8080),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "one of fatal, error, warn, info, debug, trace, silent",
      })
      .default("info"),
    ALLOWED_USER_IDS: optionalString.transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      const ids = raw.split(",").map((s) => s.trim()).filter(Boolean);
      if (ids.some((id) => !/^\d+$/.test(id))) {
        ctx.addIssue({ code: "custom", message: "a comma-separated list of numeric Telegram user ids" });
        return z.NEVER;
      }
      return new Set(ids.map(Number));
    }),
    BOT_MODE: z.enum(["polling", "webhook"], { error: "polling or webhook" }).default("polling"),
    WEBHOOK_URL: optionalString.pipe(z.url({ error: "the public https URL Telegram should call" }).optional()),
    WEBHOOK_SECRET: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters of A-Z, a-z, 0-9, _ and -")
        .optional(),
    ),
    DEFAULT_LOCALE: z.enum(["en", "he"], { error: "en or he" }).default("en"),
    GITHUB_API_ROOT: z
      .url({ error: "an http(s) URL of the GitHub REST API" })
      .default("https://api.github.com")
      .transform((s) => s.replace(/\/+$/, "")),
    GITHUB_TOKEN: z.string().trim().optional(),
    RESTORE_LEASE_SECONDS: z.coerce
      .number({ error: "seconds without a sign of life before a restore is considered interrupted (1-3600)" })
      .int("seconds without a sign of life before a restore is considered interrupted (1-3600)")
      .min(1, "seconds without a sign of life before a restore is considered interrupted (1-3600)")
      .max(3600, "seconds without a sign of life before a restore is considered interrupted (1-3600)")
      .default(30),
    BACKUP_KEEP_LAST: count("how many of the newest backups to keep").default(10),
    BACKUP_KEEP_DAILY: count("for how many days to keep one backup a day").default(7),
    BACKUP_KEEP_WEEKLY: count("for how many weeks to keep one backup a week").default(4),
    BACKUP_KEEP_MONTHLY: count("for how many months to keep one backup a month").default(12),
    BACKUP_KEEP_EMERGENCY: count("how many of the newest emergency backups to keep").default(5),
    BACKUP_KEEP_EMERGENCY_DAYS: count("for how many days to keep every emergency backup").default(30),
    BACKUP_KEEP_IMPORTED: count("how many of the newest imported ZIPs (and, apart, GitHub archives) to keep").default(20),
    BACKUP_KEEP_IMPORTED_DAYS: count("for how many days to keep every imported ZIP and GitHub archive").default(180),
    SCHEDULER_POLL_SECONDS: z.coerce
      .number({ error: "how often the scheduler looks for due jobs, in seconds (1-3600)" })
      .int("how often the scheduler looks for due jobs, in seconds (1-3600)")
      .min(1, "how often the scheduler looks for due jobs, in seconds (1-3600)")
      .max(3600, "how often the scheduler looks for due jobs, in seconds (1-3600)")
      .default(30),
    DEFAULT_TIMEZONE: z
      .string()
      .trim()
      .refine(isTimeZone, "an IANA time zone such as UTC, Europe/London or Asia/Jerusalem")
      .default("UTC"),
    DRIVE_RETRY_BASE_SECONDS: z.coerce
      .number({ error: "seconds before the first retry of a failed Drive upload (1-86400)" })
      .int("seconds before the first retry of a failed Drive upload (1-86400)")
      .min(1, "seconds before the first retry of a failed Drive upload (1-86400)")
      .max(86400, "seconds before the first retry of a failed Drive upload (1-86400)")
      .default(60),
    GOOGLE_CLIENT_ID: optionalString,
    GOOGLE_CLIENT_SECRET: optionalString,
    TOKEN_ENCRYPTION_KEY: optionalString.pipe(encryptionKey.optional()),
    TOKEN_ENCRYPTION_KEY_PREVIOUS: previousKeys,
    GOOGLE_OAUTH_ROOT: z
      .url({ error: "an http(s) URL of Google's OAuth 2.0 server" })
      .default("https://oauth2.googleapis.com")
      .transform((s) => s.replace(/\/+$/, "")),
    GOOGLE_API_ROOT: z
      .url({ error: "an http(s) URL of Google's APIs" })
      .default("https://www.googleapis.com")
      .transform((s) => s.replace(/\/+$/, "")),
    DRIVE_KEEP: count("how many codevault backups to keep on each user's Drive (0 = all)").default(10),
    BACKUP_PART_MB: z.coerce
      .number({ error: "the largest backup part to send to Telegram, in MB (1-49)" })
      .min(0.001, "the largest backup part to send to Telegram, in MB (1-49)")
      .max(49, "the largest backup part to send to Telegram, in MB (1-49)")
      .default(45),
    LIBRARY_MAX_VERSIONS: between("the most file versions (history included) one user's library may hold", 100, 1_000_000).default(25_000),
    LIBRARY_MAX_MB: between("the most MB of files one user's library may hold", 1, 65_536).default(512),
    UPLOAD_MAX_ENTRIES: between("the most entries an uploaded ZIP may have", 1, 1_000_000).default(10_000),
    UPLOAD_MAX_MB: between("the most MB an uploaded ZIP may unpack to", 1, 65_536).default(256),
    GITHUB_MAX_ENTRIES: between("the most entries a GitHub repository archive may have", 1, 1_000_000).default(10_000),
    GITHUB_MAX_MB: between("the most MB a GitHub repository archive may unpack to", 1, 65_536).default(256),
    BOT_MAX_CONCURRENT_UPDATES: between("the most updates the bot handles at once", 1, 10_000).default(100),
    HEAVY_JOBS: between("heavy jobs (backup, verify, restore, import) running at once", 1, 1024).optional(),
    USER_MAX_UPDATES_PER_MINUTE: between("messages and button presses one user may send per minute before the rest are skipped", 1, 100_000).default(60),
    SHUTDOWN_GRACE_SECONDS: between("seconds a shutdown waits for work in flight before exiting anyway", 1, 600).default(10),
    USER_MAX_BACKUPS: between("the most backups one user may keep on the server", 1, 100_000).default(100),
    USER_MAX_BACKUP_MB: between("the most MB of backups one user may keep on the server", 1, 1_048_576).default(2048),
    USER_MAX_IMPORTS_PER_HOUR: between("the most archives (ZIPs sent, /github) one user may import per hour", 1, 10_000).default(20),
    WEBHOOK_ANSWER_SECONDS: between("seconds before a webhook call is answered while its update goes on in the background", 1, 8).default(5),
    BOT_RUNNER: z.enum(["runner", "simple"], { error: "runner (concurrent updates, the default) or simple (grammY's bot.start(), one update at a time)" }).default("runner"),
  });

const schema = fields
  .superRefine((cfg, ctx) => {
    if (Boolean(cfg.GOOGLE_CLIENT_ID) !== Boolean(cfg.GOOGLE_CLIENT_SECRET))
      ctx.addIssue({
        code: "custom",
        path: [cfg.GOOGLE_CLIENT_ID ? "GOOGLE_CLIENT_SECRET" : "GOOGLE_CLIENT_ID"],
        message: "the OAuth client's id and secret together (set both, or neither to leave Drive off)",
      });
    if (cfg.BOT_MODE !== "webhook") return;
    if (!cfg.WEBHOOK_URL)
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_URL"], message: "the public https URL Telegram should call (required when BOT_MODE=webhook)" });
    if (!cfg.WEBHOOK_SECRET)
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "a secret token for webhook calls (required when BOT_MODE=webhook)" });
  });

/** What the admin CLI needs: the database and the retention rules, never anything Telegram. */
const storageSchema = fields.pick({
  MONGODB_URI: true,
  MONGODB_DB: true,
  DATA_DIR: true,
  BACKUP_KEEP_LAST: true,
  BACKUP_KEEP_DAILY: true,
  BACKUP_KEEP_WEEKLY: true,
  BACKUP_KEEP_MONTHLY: true,
  BACKUP_KEEP_EMERGENCY: true,
  BACKUP_KEEP_EMERGENCY_DAYS: true,
  BACKUP_KEEP_IMPORTED: true,
  BACKUP_KEEP_IMPORTED_DAYS: true,
});

export interface StorageConfig {
  mongodbUri: string | undefined;
  mongodbDb: string;
  dataDir: string;
  retention: RetentionRules;
}

export interface Config extends StorageConfig {
  botToken: string;
  telegramApiRoot: string;
  httpPort: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  allowedUserIds: ReadonlySet<number> | undefined;
  botMode: "polling" | "webhook";
  webhook: { url: string; secret: string } | undefined;
  defaultLocale: "en" | "he";
  backupPartBytes: number;
  github: { apiRoot: string; token?: string };
  restoreLeaseMs: number;
  scheduler: { pollMs: number; defaultTimezone: string; retryBaseMs: number };
  /** How many updates run at once (polling), and how long a stop waits for them. */
  concurrency: { maxUpdates: number; shutdownGraceMs: number; heavyJobs: number; userUpdatesPerMinute: number };
  /** Polling through @grammyjs/runner (default), or grammY's plain `bot.start()`: the baseline `npm run load` compares against. */
  pollingRunner: "runner" | "simple";
  /**
   * The library cap, and what archives from outside may hold. Our own backups
   * are read with limits that follow the library cap (archive/archive-limits.ts).
   */
  limits: {
    library: { maxVersions: number; maxBytes: number };
    upload: { maxEntries: number; maxTotalBytes: number };
    github: { maxEntries: number; maxTotalBytes: number };
    /** Backups one user keeps on the server (all kinds), and archives they import per hour. */
    backups: { maxBackups: number; maxBytes: number };
    importsPerHour: number;
  };
  /** Webhook mode: a call is answered 200 after this long while its update goes on. */
  webhookAnswerMs: number;
  drive: DriveConfig;
}

/**
 * Google Drive: `client` is unset when the owner has not created an OAuth client (Drive is
 * "not set up"); `key` is unset when TOKEN_ENCRYPTION_KEY is (nobody can connect: tokens are
 * never stored in plain text).
 */
export interface DriveConfig {
  client: { id: string; secret: string } | undefined;
  key: Buffer | undefined;
  previousKeys: Buffer[];
  oauthRoot: string;
  apiRoot: string;
  keep: number;
}

/** The bot's settings; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const c = parse(schema, env);
  return {
    ...storageOf(c),
    botToken: c.BOT_TOKEN,
    telegramApiRoot: c.TELEGRAM_API_ROOT,
    httpPort: c.HTTP_PORT,
    logLevel: c.LOG_LEVEL,
    allowedUserIds: c.ALLOWED_USER_IDS,
    botMode: c.BOT_MODE,
    webhook: c.BOT_MODE === "webhook" ? { url: c.WEBHOOK_URL!, secret: c.WEBHOOK_SECRET! } : undefined,
    defaultLocale: c.DEFAULT_LOCALE,
    backupPartBytes: Math.floor(c.BACKUP_PART_MB * 1024 * 1024),
    restoreLeaseMs: c.RESTORE_LEASE_SECONDS * 1000,
    scheduler: {
      pollMs: c.SCHEDULER_POLL_SECONDS * 1000,
      defaultTimezone: canonicalTimeZone(c.DEFAULT_TIMEZONE),
      retryBaseMs: c.DRIVE_RETRY_BASE_SECONDS * 1000,
    },
    concurrency: { maxUpdates: c.BOT_MAX_CONCURRENT_UPDATES, shutdownGraceMs: c.SHUTDOWN_GRACE_SECONDS * 1000, heavyJobs: c.HEAVY_JOBS ?? availableParallelism(), userUpdatesPerMinute: c.USER_MAX_UPDATES_PER_MINUTE },
    pollingRunner: c.BOT_RUNNER,
    github: { apiRoot: c.GITHUB_API_ROOT, ...(c.GITHUB_TOKEN ? { token: c.GITHUB_TOKEN } : {}) },
    limits: {
      library: { maxVersions: c.LIBRARY_MAX_VERSIONS, maxBytes: c.LIBRARY_MAX_MB * MB },
      upload: { maxEntries: c.UPLOAD_MAX_ENTRIES, maxTotalBytes: c.UPLOAD_MAX_MB * MB },
      github: { maxEntries: c.GITHUB_MAX_ENTRIES, maxTotalBytes: c.GITHUB_MAX_MB * MB },
      backups: { maxBackups: c.USER_MAX_BACKUPS, maxBytes: c.USER_MAX_BACKUP_MB * MB },
      importsPerHour: c.USER_MAX_IMPORTS_PER_HOUR,
    },
    webhookAnswerMs: c.WEBHOOK_ANSWER_SECONDS * 1000,
    drive: {
      client: c.GOOGLE_CLIENT_ID && c.GOOGLE_CLIENT_SECRET ? { id: c.GOOGLE_CLIENT_ID, secret: c.GOOGLE_CLIENT_SECRET } : undefined,
      key: c.TOKEN_ENCRYPTION_KEY,
      previousKeys: c.TOKEN_ENCRYPTION_KEY_PREVIOUS,
      oauthRoot: c.GOOGLE_OAUTH_ROOT,
      apiRoot: c.GOOGLE_API_ROOT,
      keep: c.DRIVE_KEEP,
    },
  };
}

const tokenKeysSchema = fields.pick({ TOKEN_ENCRYPTION_KEY: true, TOKEN_ENCRYPTION_KEY_PREVIOUS: true });

/** For `drive rotate-key` in the admin CLI: the token keys, read with the bot's own declarations. */
export function loadTokenKeys(env: NodeJS.ProcessEnv = process.env): Pick<DriveConfig, "key" | "previousKeys"> {
  const c = parse(tokenKeysSchema, env);
  return { key: c.TOKEN_ENCRYPTION_KEY, previousKeys: c.TOKEN_ENCRYPTION_KEY_PREVIOUS };
}

/** The admin CLI's settings: the same variables, defaults and messages, without BOT_TOKEN. */
export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  return storageOf(parse(storageSchema, env));
}

function storageOf(c: z.infer<typeof storageSchema>): StorageConfig {
  return {
    mongodbUri: c.MONGODB_URI,
    mongodbDb: c.MONGODB_DB,
    dataDir: c.DATA_DIR,
    retention: {
      full: { keepLast: c.BACKUP_KEEP_LAST, daily: c.BACKUP_KEEP_DAILY, weekly: c.BACKUP_KEEP_WEEKLY, monthly: c.BACKUP_KEEP_MONTHLY },
      emergency: { keepLast: c.BACKUP_KEEP_EMERGENCY, keepDays: c.BACKUP_KEEP_EMERGENCY_DAYS },
      imported: { keepLast: c.BACKUP_KEEP_IMPORTED, keepDays: c.BACKUP_KEEP_IMPORTED_DAYS },
    },
  };
}

function parse<S extends z.ZodType>(zodSchema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  // An empty variable (`HTTP_PORT=` in .env) means "use the default", as if unset.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = zodSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    const got = env[variable];
    const what = got === undefined || got === "" ? "is not set" : "is invalid";
    throw new ConfigError(`${variable} ${what}: it should hold ${issue.message}`);
  }
  return parsed.data;
}
