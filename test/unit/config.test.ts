import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadStorageConfig } from "../../src/config.js";

const base = { BOT_TOKEN: "123456:ABC-def_1" };

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected the config to be rejected");
}

describe("config", () => {
  it("fills defaults when only BOT_TOKEN is set", () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      botToken: "123456:ABC-def_1",
      telegramApiRoot: "https://api.telegram.org",
      mongodbUri: undefined,
      dataDir: "./data",
      httpPort: 8080,
      logLevel: "info",
      allowedUserIds: undefined,
      botMode: "polling",
      webhook: undefined,
    });
  });

  it("reads the library cap and the archive limits per source, with defaults", () => {
    expect(loadConfig(base).limits).toEqual({
      library: { maxVersions: 25_000, maxBytes: 512 * 1024 * 1024 },
      upload: { maxEntries: 10_000, maxTotalBytes: 256 * 1024 * 1024 },
      github: { maxEntries: 10_000, maxTotalBytes: 256 * 1024 * 1024 },
      backups: { maxBackups: 100, maxBytes: 2048 * 1024 * 1024 },
      importsPerHour: 20,
    });
    expect(loadConfig(base).webhookAnswerMs).toBe(5000);
    const set = loadConfig({ ...base, LIBRARY_MAX_VERSIONS: "40000", LIBRARY_MAX_MB: "1024", UPLOAD_MAX_ENTRIES: "500", GITHUB_MAX_MB: "64" }).limits;
    expect(set.library).toEqual({ maxVersions: 40_000, maxBytes: 1024 * 1024 * 1024 });
    expect(set.upload.maxEntries).toBe(500);
    expect(set.github.maxTotalBytes).toBe(64 * 1024 * 1024);
    expect(() => loadConfig({ ...base, LIBRARY_MAX_VERSIONS: "ten" })).toThrow(/^LIBRARY_MAX_VERSIONS is invalid/);
    const fair = loadConfig({ ...base, USER_MAX_BACKUPS: "5", USER_MAX_BACKUP_MB: "100", USER_MAX_IMPORTS_PER_HOUR: "3", WEBHOOK_ANSWER_SECONDS: "2" });
    expect(fair.limits.backups).toEqual({ maxBackups: 5, maxBytes: 100 * 1024 * 1024 });
    expect(fair.limits.importsPerHour).toBe(3);
    expect(fair.webhookAnswerMs).toBe(2000);
    expect(() => loadConfig({ ...base, USER_MAX_IMPORTS_PER_HOUR: "0" })).toThrow(/^USER_MAX_IMPORTS_PER_HOUR is invalid: .*per hour/);
    expect(() => loadConfig({ ...base, WEBHOOK_ANSWER_SECONDS: "30" })).toThrow(/^WEBHOOK_ANSWER_SECONDS is invalid/);
  });

  it("names the missing or malformed variable in one line", () => {
    expect(errorOf({})).toBe("BOT_TOKEN is not set: it should hold the bot token from @BotFather, like 123456:ABC-DEF...");
    expect(errorOf({ ...base, HTTP_PORT: "eighty" })).toMatch(/^HTTP_PORT is invalid: it should hold a TCP port number/);
    expect(errorOf({ ...base, HTTP_PORT: "70000" })).toMatch(/^HTTP_PORT is invalid/);
    expect(errorOf({ ...base, MONGODB_URI: "postgres://x" })).toMatch(/^MONGODB_URI is invalid: .*mongodb:\/\//);
    expect(errorOf({ ...base, LOG_LEVEL: "loud" })).toMatch(/^LOG_LEVEL is invalid: it should hold one of fatal/);
    expect(errorOf({ ...base, ALLOWED_USER_IDS: "12,bob" })).toMatch(/^ALLOWED_USER_IDS is invalid: .*numeric/);
    expect(errorOf({ ...base, TELEGRAM_API_ROOT: "not a url" })).toMatch(/^TELEGRAM_API_ROOT is invalid/);
    expect(errorOf({ ...base, BOT_MODE: "webhook" })).toMatch(/^WEBHOOK_URL is not set/);
    expect(errorOf({ ...base, BOT_MODE: "webhook", WEBHOOK_URL: "https://x.example" })).toMatch(/^WEBHOOK_SECRET is not set/);
    for (const message of [errorOf({}), errorOf({ ...base, HTTP_PORT: "x" })]) expect(message).not.toContain("\n");
  });

  it("treats empty variables as unset and parses lists and webhook settings", () => {
    const config = loadConfig({
      ...base,
      HTTP_PORT: "",
      MONGODB_URI: "mongodb://user:pw@db:27017",
      ALLOWED_USER_IDS: " 1, 22 ,333",
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.com",
      WEBHOOK_SECRET: "s3cret_token",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9000/",
    });
    expect(config.httpPort).toBe(8080);
    expect(config.mongodbUri).toBe("mongodb://user:pw@db:27017");
    expect([...config.allowedUserIds!]).toEqual([1, 22, 333]);
    expect(config.webhook).toEqual({ url: "https://bot.example.com", secret: "s3cret_token" });
    expect(config.telegramApiRoot).toBe("http://127.0.0.1:9000");
  });

  it("gives each kind of backup its own retention, with documented defaults", () => {
    expect(loadConfig(base).retention).toEqual({
      full: { keepLast: 10, daily: 7, weekly: 4, monthly: 12 },
      emergency: { keepLast: 5, keepDays: 30 },
      imported: { keepLast: 20, keepDays: 180 },
    });
    const set = loadConfig({ ...base, BACKUP_KEEP_EMERGENCY: "2", BACKUP_KEEP_EMERGENCY_DAYS: "0", BACKUP_KEEP_IMPORTED: "7", BACKUP_KEEP_IMPORTED_DAYS: "9" });
    expect(set.retention.emergency).toEqual({ keepLast: 2, keepDays: 0 });
    expect(set.retention.imported).toEqual({ keepLast: 7, keepDays: 9 });
    expect(errorOf({ ...base, BACKUP_KEEP_EMERGENCY: "-1" })).toMatch(/^BACKUP_KEEP_EMERGENCY is invalid: it should hold a whole number/);
  });

  it("the admin CLI reads the same declarations without BOT_TOKEN: same values, same messages", () => {
    const env = {
      MONGODB_URI: "mongodb://db:27017",
      MONGODB_DB: "vault",
      DATA_DIR: "/srv/data",
      BACKUP_KEEP_LAST: "3",
      BACKUP_KEEP_WEEKLY: "",
      BACKUP_KEEP_EMERGENCY: "8",
      BACKUP_KEEP_IMPORTED_DAYS: "30",
    };
    const storage = loadStorageConfig(env);
    const bot = loadConfig({ ...env, ...base });
    expect(storage).toEqual({ mongodbUri: bot.mongodbUri, mongodbDb: bot.mongodbDb, dataDir: bot.dataDir, retention: bot.retention });
    expect(storage.retention.emergency.keepLast).toBe(8);
    const bads: Record<string, string>[] = [{ MONGODB_URI: "postgres://x" }, { BACKUP_KEEP_DAILY: "daily" }, { BACKUP_KEEP_IMPORTED: "1.5" }];
    for (const bad of bads) {
      let cliMessage = "";
      try {
        loadStorageConfig(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        cliMessage = (err as Error).message;
      }
      expect(cliMessage).toBe(errorOf({ ...base, ...bad }));
    }
  });

  it("Drive: off without a client, on with one; the key must be 32 bytes of base64 and is never echoed", () => {
    expect(loadConfig(base).drive).toEqual({
      client: undefined,
      key: undefined,
      previousKeys: [],
      oauthRoot: "https://oauth2.googleapis.com",
      apiRoot: "https://www.googleapis.com",
      keep: 10,
    });
    const key = Buffer.alloc(32, 7).toString("base64");
    const drive = loadConfig({
      ...base,
      GOOGLE_CLIENT_ID: "id.apps.googleusercontent.com",
      GOOGLE_CLIENT_SECRET: "GOCSPX-x",
      TOKEN_ENCRYPTION_KEY: key,
      GOOGLE_OAUTH_ROOT: "http://127.0.0.1:1/",
      GOOGLE_API_ROOT: "http://127.0.0.1:2",
      DRIVE_KEEP: "0",
    }).drive;
    expect(drive).toMatchObject({ client: { id: "id.apps.googleusercontent.com", secret: "GOCSPX-x" }, oauthRoot: "http://127.0.0.1:1", apiRoot: "http://127.0.0.1:2", keep: 0 });
    expect(drive.key).toEqual(Buffer.alloc(32, 7));

    expect(errorOf({ ...base, GOOGLE_CLIENT_ID: "id" })).toMatch(/^GOOGLE_CLIENT_SECRET is not set: .*id and secret together/);
    const short = Buffer.alloc(16, 1).toString("base64");
    const message = errorOf({ ...base, TOKEN_ENCRYPTION_KEY: short });
    expect(message).toBe("TOKEN_ENCRYPTION_KEY is invalid: it should hold 32 random bytes in base64 (openssl rand -base64 32)");
    expect(message).not.toContain(short);
    expect(errorOf({ ...base, TOKEN_ENCRYPTION_KEY: "not base64 at all!" })).toMatch(/^TOKEN_ENCRYPTION_KEY is invalid/);
    expect(errorOf({ ...base, TOKEN_ENCRYPTION_KEY_PREVIOUS: `${key},nope` })).toMatch(/^TOKEN_ENCRYPTION_KEY_PREVIOUS is invalid/);
    expect(errorOf({ ...base, DRIVE_KEEP: "-1" })).toMatch(/^DRIVE_KEEP is invalid/);
    expect(errorOf({ ...base, GOOGLE_API_ROOT: "nope" })).toMatch(/^GOOGLE_API_ROOT is invalid/);
  });
});

describe("scheduler config", () => {
  it("defaults: poll every 30 s, UTC, first retry after 60 s", () => {
    expect(loadConfig(base).scheduler).toEqual({ pollMs: 30_000, defaultTimezone: "UTC", retryBaseMs: 60_000 });
  });

  it("reads the variables, spells the zone the runtime's way, and names a bad one", () => {
    const config = loadConfig({ ...base, SCHEDULER_POLL_SECONDS: "5", DEFAULT_TIMEZONE: "asia/jerusalem", DRIVE_RETRY_BASE_SECONDS: "10" });
    expect(config.scheduler).toEqual({ pollMs: 5000, defaultTimezone: "Asia/Jerusalem", retryBaseMs: 10_000 });
    expect(errorOf({ ...base, DEFAULT_TIMEZONE: "Mars/Base" })).toMatch(/^DEFAULT_TIMEZONE is invalid: it should hold an IANA time zone/);
    expect(errorOf({ ...base, SCHEDULER_POLL_SECONDS: "0" })).toMatch(/^SCHEDULER_POLL_SECONDS is invalid/);
    expect(errorOf({ ...base, DRIVE_RETRY_BASE_SECONDS: "1.5" })).toMatch(/^DRIVE_RETRY_BASE_SECONDS is invalid/);
  });
});

describe("polling runner config", () => {
  it("polls through the runner unless BOT_RUNNER=simple asks for bot.start(), and names a bad value", () => {
    expect(loadConfig(base).pollingRunner).toBe("runner");
    expect(loadConfig({ ...base, BOT_RUNNER: "simple" }).pollingRunner).toBe("simple");
    expect(errorOf({ ...base, BOT_RUNNER: "fast" })).toBe(
      "BOT_RUNNER is invalid: it should hold runner (concurrent updates, the default) or simple (grammY's bot.start(), one update at a time)",
    );
  });
});
