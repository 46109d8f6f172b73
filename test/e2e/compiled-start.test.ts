import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeTelegram, type FakeServer } from "../support/fake-telegram/index.js";
import { freePort, ROOT, startProcess, type RunningProcess } from "../support/processes.js";

/**
 * What the Docker image runs: `npm run build`, then `node dist/main.js` (no tsx), against the
 * fake Telegram over HTTP and the standalone test MongoDB. Proves the emitted JavaScript
 * resolves its imports and finds the locales from dist/.
 */
const execFileAsync = promisify(execFile);
const fake = createFakeTelegram();
let telegram: FakeServer;
let mongo: RunningProcess | undefined;
let mongoUri: string;

beforeAll(async () => {
  await execFileAsync("npm", ["run", "--silent", "build"], { cwd: ROOT });
  telegram = await fake.listen();
  mongoUri = process.env.MONGODB_URI ?? "";
  if (!mongoUri) {
    const mongoPort = await freePort();
    mongo = startProcess("npm", ["run", "--silent", "test:mongo", "--", "--port", String(mongoPort)], {});
    mongoUri = (await mongo.waitForOutput(/mongodb:\/\/\S+/))[0];
  }
}, 180_000);

afterAll(async () => {
  await mongo?.stop();
  await telegram?.close();
});

function startCompiled(env: Record<string, string>): RunningProcess {
  return startProcess(process.execPath, ["--enable-source-maps", "dist/main.js"], {
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "codevault-dist-")),
    LOG_LEVEL: "info",
    ALLOWED_USER_IDS: "",
    ...env,
  });
}

describe("the compiled bot (dist/main.js)", () => {
  it("stops with the one-line config error when the environment is wrong", async () => {
    const bot = startCompiled({ BOT_TOKEN: fake.token, HTTP_PORT: "not-a-port", MONGODB_URI: mongoUri });
    expect(await bot.exited).toBe(1);
    await bot.closed;
    expect(bot.output().trim()).toBe("codevault: HTTP_PORT is invalid: it should hold a TCP port number (0-65535)");
  });

  it("starts, answers /start in the user's language from the locales, and stops cleanly on SIGTERM", async () => {
    const httpPort = await freePort();
    const bot = startCompiled({
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      MONGODB_URI: mongoUri,
      MONGODB_DB: `codevault_dist_${process.pid}_${Date.now()}`,
      HTTP_PORT: String(httpPort),
    });
    try {
      await bot.waitForOutput(/"event":"bot_started"/, 60_000);
      expect((await fetch(`http://127.0.0.1:${httpPort}/health`)).status).toBe(200);

      const welcome = fake.waitForSent(901);
      fake.user(901, { firstName: "Dana" }).sendText("/start");
      expect((await welcome).text).toContain("Hi Dana!");
    } finally {
      expect(await bot.stop("SIGTERM")).toBe(0);
    }
    expect(bot.output()).toContain("stopped cleanly");
    expect(bot.output()).not.toContain(fake.token);
  });
});
