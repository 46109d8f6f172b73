/**
 * What `npm run load` runs against: the fake Bot API over HTTP (with a record of when each
 * bot call was answered), the MongoDB test server in its own process (or MONGODB_URI), and
 * the real bot process as the Docker image runs it (shippedBotCommand), whose /metrics and /proc entry are read.
 */
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createFakeTelegram, type FakeTelegram } from "../test/support/fake-telegram/index.js";
import { listen, type FakeServer } from "../test/support/fake-telegram/http.js";
import type { ApiCall } from "../test/support/fake-telegram/state.js";
import { freePort, startNodeProcess, startProcess, type RunningProcess } from "../test/support/processes.js";
import { execFileSync } from "node:child_process";
import { benchRuntimes, ROOT, shippedNodeArgs } from "./runtimes.js";

/** One answered bot call, in the order the fake answered them. */
export interface BotCall {
  method: string;
  chatId: number;
  messageId?: number;
  text: string;
  /** performance.now() when the fake answered it: when a user would have seen it. */
  at: number;
}

type Waiter = { match: (c: BotCall) => boolean; resolve: (c: BotCall) => void };

/**
 * The fake Telegram, served over HTTP through a wrapper that, after each answered call, tells
 * whoever waits on that chat. No polling: a reply's time is the moment the fake answered it.
 */
export class Telegram {
  readonly fake: FakeTelegram = createFakeTelegram();
  private server?: FakeServer;
  private readonly waiters = new Map<number, Set<Waiter>>();
  private readonly done = new WeakSet<ApiCall>();
  private firstOpen = 0;
  /** Every answered call per chat (sendMessage, editMessageText, sendDocument, ...). */
  readonly byChat = new Map<number, BotCall[]>();

  async listen(): Promise<string> {
    this.server = await listen(async (req) => {
      const res = await this.fake.handler(req);
      this.collect();
      return res;
    });
    return this.server.apiRoot;
  }

  async close(): Promise<void> {
    await this.server?.close();
  }

  /** Resolves with the first call in `chatId` from now on that `match`es. Register before acting. */
  next(chatId: number, match: (c: BotCall) => boolean, timeoutMs: number): Promise<BotCall | undefined> {
    return new Promise((resolve) => {
      const set = this.waiters.get(chatId) ?? new Set();
      this.waiters.set(chatId, set);
      const waiter: Waiter = {
        match,
        resolve: (c) => {
          clearTimeout(timer);
          set.delete(waiter);
          resolve(c);
        },
      };
      const timer = setTimeout(() => {
        set.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      set.add(waiter);
    });
  }

  /** Calls finish out of order: walk the unfinished tail once per answer. */
  private collect(): void {
    const calls = this.fake.state.calls;
    const at = performance.now();
    let advance = true;
    for (let i = this.firstOpen; i < calls.length; i++) {
      const call = calls[i]!;
      if (call.method === "getUpdates" || call.method === "getMe") this.done.add(call);
      if (!this.done.has(call) && call.ok !== undefined) {
        this.done.add(call);
        this.deliver(call, at);
      }
      if (advance && this.done.has(call)) this.firstOpen = i + 1;
      else advance = false;
    }
  }

  private deliver(call: ApiCall, at: number): void {
    const p = call.params;
    const chatId = Number(p["chat_id"]);
    if (!call.ok || !Number.isFinite(chatId)) return;
    const c: BotCall = { method: call.method, chatId, text: String(p["text"] ?? p["caption"] ?? ""), at };
    if (p["message_id"] !== undefined) c.messageId = Number(p["message_id"]);
    const log = this.byChat.get(chatId) ?? [];
    log.push(c);
    this.byChat.set(chatId, log);
    for (const w of [...(this.waiters.get(chatId) ?? [])]) if (w.match(c)) w.resolve(c);
  }
}

export interface BotProcess {
  proc: RunningProcess;
  httpPort: number;
  metrics(): Promise<Map<string, number>>;
  /** Resident set size now and its peak since the process started (VmRSS, VmHWM), in bytes. */
  rss(): { now: number; peak: number };
  pid: number;
}

/** How the bot process is started: the runtime and entry point, and the words the report uses for it. */
export interface BotCommand {
  execPath: string;
  args: string[];
  /** e.g. "Node v24.22.3: node --enable-source-maps --max-semi-space-size=16 dist/main.js" */
  label: string;
}

/**
 * The bot as the Docker image runs it: the Node it ships (when installed here, as `.ci/run` installs
 * Node 24), the compiled JavaScript (`npm run build` first) and the Dockerfile CMD's Node flags.
 * Without that Node, this one with tsx and the same flags, and the label says so.
 */
export function shippedBotCommand(): BotCommand {
  const shipped = benchRuntimes(undefined).find((r) => r.shipped);
  const flags = shippedNodeArgs();
  if (shipped) {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
    return { execPath: shipped.execPath, args: [...flags, "dist/main.js"], label: `Node ${shipped.version}: \`node ${flags.join(" ")} dist/main.js\` (compiled by \`npm run build\`)` };
  }
  return {
    execPath: process.execPath,
    args: [...flags, "--import", "tsx", "src/main.ts"],
    label: `Node ${process.version} (the shipped Node is not installed here): \`node ${flags.join(" ")} --import tsx src/main.ts\``,
  };
}

export function startBot(opts: { command: BotCommand; apiRoot: string; token: string; mongoUri: string; dbName: string; runner: "runner" | "simple"; httpPort: number }): BotProcess {
  // LOAD_BOT_ARGS adds diagnostic flags (a CPU profile, a GC trace).
  const extra = process.env.LOAD_BOT_ARGS?.split(" ").filter(Boolean) ?? [];
  const proc = startProcess(opts.command.execPath, [...extra, ...opts.command.args], {
    BOT_TOKEN: opts.token,
    TELEGRAM_API_ROOT: opts.apiRoot,
    MONGODB_URI: opts.mongoUri,
    MONGODB_DB: opts.dbName,
    HTTP_PORT: String(opts.httpPort),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "codevault-load-")),
    LOG_LEVEL: "info",
    ALLOWED_USER_IDS: "",
    BOT_MODE: "polling",
    BOT_RUNNER: opts.runner,
  });
  return {
    proc,
    httpPort: opts.httpPort,
    metrics: () => scrape(opts.httpPort),
    pid: proc.child.pid!,
    rss() {
      const status = readFileSync(`/proc/${proc.child.pid}/status`, "utf8");
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
      return { now: kb("VmRSS"), peak: kb("VmHWM") };
    },
  };
}

/** /metrics as name{labels} → value (labels kept verbatim). */
async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** Sum of every series of a metric (all label sets). */
export function total(metrics: Map<string, number>, name: string): number {
  let sum = 0;
  for (const [key, value] of metrics) if (key === name || key.startsWith(`${name}{`)) sum += value;
  return sum;
}

/** The test server's pid is set when this script started it (not with MONGODB_URI). */
export async function startMongo(): Promise<{ uri: string; pid?: number; stop(): Promise<unknown> }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => undefined };
  const port = await freePort();
  const mongo = startNodeProcess("test/support/mongo-server/serve.ts", {}, ["--port", String(port)]);
  const uri = (await mongo.waitForOutput(/mongodb:\/\/\S+/))[0];
  return {
    uri,
    pid: mongo.child.pid!,
    async stop() {
      await mongo.stop();
      // MONGO_TEST_SERVER_STATS=1: the server's per-command table (stats.ts), printed when it stops.
      if (process.env.MONGO_TEST_SERVER_STATS) process.stderr.write(mongo.output());
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14 and 15) in ticks of 1/100 s
}
