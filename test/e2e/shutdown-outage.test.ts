import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeTelegram, type FakeServer } from "../support/fake-telegram/index.js";
import { listen } from "../support/fake-telegram/http.js";
import { freePort, startNodeProcess, type RunningProcess } from "../support/processes.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

/**
 * SIGTERM while the Bot API is unreachable: the real process (`node --import tsx src/main.ts`)
 * stops within SHUTDOWN_GRACE_SECONDS whatever Telegram does, and says what it left undone.
 * Two outages are played: every connection refused (through a TCP proxy that is cut), and
 * every call hanging (the fake answers nothing).
 */
let mongo: RunningProcess | undefined;
let mongoUri: string;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  mongoUri = process.env.MONGODB_URI ?? "";
  if (!mongoUri) {
    const mongoPort = await freePort();
    mongo = startNodeProcess("test/support/mongo-server/serve.ts", {}, ["--port", String(mongoPort)]);
    mongoUri = (await mongo.waitForOutput(/mongodb:\/\/\S+/))[0];
  }
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await mongo?.stop();
});

async function startBot(apiRoot: string, token: string): Promise<RunningProcess> {
  const bot = startNodeProcess("src/main.ts", {
    BOT_TOKEN: token,
    TELEGRAM_API_ROOT: apiRoot,
    MONGODB_URI: mongoUri,
    MONGODB_DB: `codevault_shutdown_${process.pid}_${Date.now()}`,
    HTTP_PORT: String(await freePort()),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "codevault-shutdown-")),
    LOG_LEVEL: "info",
    ALLOWED_USER_IDS: "",
    SHUTDOWN_GRACE_SECONDS: "2",
  });
  cleanups.push(() => bot.stop());
  await bot.waitForOutput(/"event":"bot_started"/, 60_000);
  return bot;
}

describe("stopping while Telegram is unreachable", () => {
  it("connections refused: the retried long poll is abandoned and the process stops cleanly", async () => {
    const fake = createFakeTelegram();
    const server: FakeServer = await fake.listen();
    const proxy: TcpProxy = await startTcpProxy(server.apiRoot.replace("http://", ""));
    cleanups.push(() => server.close(), () => proxy.close());
    const bot = await startBot(`http://127.0.0.1:${proxy.port}`, fake.token);

    proxy.cut();
    // The long poll was reset and the bot is trying again (and again) to reach the Bot API.
    await fake.waitFor(() => proxy.refusedConnections() >= 2, 60_000);
    const code = await bot.stop("SIGTERM");

    expect(code).toBe(0);
    expect(bot.output()).toContain("stopped cleanly");
    expect(bot.output()).not.toContain(fake.token);
  }, 120_000);

  it("every call hanging: an update stuck on a reply is left after the grace period, and the log says so", async () => {
    const fake = createFakeTelegram();
    let hanging = false;
    const hung: string[] = [];
    // The fake Bot API, or (once `hanging`) a server that accepts every call and never answers.
    const server = await listen(async (req) => {
      if (!hanging) return fake.handler(req);
      hung.push(new URL(req.url).pathname.split("/").at(-1)!);
      return new Promise<Response>((_resolve, reject) => req.signal.addEventListener("abort", () => reject(req.signal.reason)));
    });
    cleanups.push(() => server.close());
    const bot = await startBot(server.apiRoot, fake.token);

    // Only once the bot's long poll waits at the fake: a poll sent after this point would hang too,
    // and /start would never be delivered (a busy machine can catch the bot between two polls).
    await fake.waitFor(() => fake.state.activePoll !== undefined, 30_000);
    hanging = true;
    // The long poll already waiting delivers /start; the bot's reply to it hangs.
    fake.user(4242).sendText("/start");
    await fake.waitFor(() => hung.includes("sendMessage"), 30_000);
    const code = await bot.stop("SIGTERM");

    expect(code).toBe(1);
    const undone = bot.output().match(/\{[^\n]*"msg":"grace period over: exiting with work left undone"[^\n]*\}/);
    expect(undone, bot.output()).not.toBeNull();
    expect(JSON.parse(undone![0])).toMatchObject({ updatesInFlight: 1 });
    expect(bot.output()).not.toContain("stopped cleanly");
  }, 120_000);
});
