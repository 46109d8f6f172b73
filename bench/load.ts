/**
 * Load test: `npm run load [-- --seconds 60 --users 100 --modes runner,simple --no-write]`.
 *
 * The real bot process as the Docker image runs it (the shipped Node on the compiled JavaScript, the Dockerfile CMD's Node flags, polling) against the fake Bot API over
 * HTTP and the MongoDB test server in its own process (or MONGODB_URI). `--users` light users
 * (bench/load-users.ts) save, list, open, back up, rate and restore small things for `--seconds`,
 * while two heavy users restore the 10,000-file corpus from a ZIP and back it up, again and again.
 * The same load runs once per polling mode: the runner (default) and grammY's `bot.start()`
 * (BOT_RUNNER=simple), and the figures go side by side into docs/PERFORMANCE.md.
 *
 * Diagnostics, environment: LOAD_BOT_ARGS adds Node flags to the bot process (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof", "--trace-gc"); MONGO_TEST_SERVER_STATS=1 prints the test server's
 * per-command table (test/support/mongo-server/stats.ts) when it stops.
 */
import { createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { plainZip } from "../test/support/zip-fixtures.js";
import { freePort } from "../test/support/processes.js";
import { generateCorpus } from "./corpus.js";
import { goalTable, latency, lightOnly, median, splitByKind, table, type ModeResult } from "./load-report.js";
import { HeavyUser, isErrorReply, LightUser, type ActionKind, type Recorder } from "./load-users.js";
import { cpuSeconds, shippedBotCommand, startBot, startMongo, Telegram, total, type BotCall, type BotCommand } from "./load-world.js";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    "quiet-seconds": { type: "string", default: "20" },
    users: { type: "string", default: "100" },
    files: { type: "string", default: "10000" },
    modes: { type: "string", default: "runner,simple" },
    "no-write": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  },
});
const SECONDS = Number(args.seconds);
const QUIET_SECONDS = Number(args["quiet-seconds"]);
const USERS = Number(args.users);
const FILES = Number(args.files);
const MODES = args.modes.split(",") as Array<"runner" | "simple">;
const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/** Bot processes started and not yet stopped: stopped on the way out, whatever happened. */
const started = new Set<{ stop(): Promise<unknown>; child: { exitCode: number | null } }>();

let debugTelegram: Telegram | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[load ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Deterministic per user, so both modes see the same sequence of actions. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: size }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

const isMessage = (c: BotCall) => c.method === "sendMessage" || c.method === "sendDocument";
const isNews = (c: BotCall) => c.text.startsWith("⏳ You're number") || c.text.startsWith("▶️");

async function runMode(mode: "runner" | "simple", index: number, tg: Telegram, apiRoot: string, mongo: { uri: string; pid?: number }, corpusZip: Uint8Array, botCommand: BotCommand): Promise<ModeResult & { driverLoopMaxMs: number; driverLoopP99Ms: number }> {
  const base = 100_000 * (index + 1);
  const bot = startBot({ command: botCommand, apiRoot, token: tg.fake.token, mongoUri: mongo.uri, dbName: `codevault_load_${mode}_${Date.now()}`, runner: mode, httpPort: await freePort() });
  started.add(bot.proc);
  if (args.verbose) {
    const out = createWriteStream(path.join(tmpdir(), `codevault-load-${mode}.log`));
    bot.proc.child.stdout!.pipe(out);
    bot.proc.child.stderr!.pipe(out);
  }
  await bot.proc.waitForOutput(/"event":"bot_started"/, 120_000);
  log(`${mode}: bot started (pid ${bot.proc.child.pid})`);

  const rec: Recorder = { samples: [], expectedMessages: new Map() };
  if (args.verbose) {
    const push = rec.samples.push.bind(rec.samples);
    rec.samples.push = (...items) => {
      for (const s of items) log(`${s.kind} user ${s.userId}: ${s.ms === undefined ? "LOST" : `${Math.round(s.ms)} ms`}`);
      return push(...items);
    };
  }
  const lights = Array.from({ length: USERS }, (_, i) => new LightUser(tg, tg.fake.user(base + i), rec, rng(i + 1)));
  const heavies = [1, 2].map((i) => new HeavyUser(tg, tg.fake.user(base + 90_000 + i, { firstName: `Heavy${i}` }), rec, corpusZip));
  // MongoDB commands per action: each flow alone, 3 times, by its own user (at a person's pace: under
  // the flood limit), /metrics read after each reply has settled.
  const flows: Array<(u: LightUser) => Promise<void>> = [(u) => u.save(), (u) => u.browse(), (u) => u.rateFlow(), (u) => u.backup("small backup", 60_000), (u) => u.smallRestore()];
  const calibrators = flows.map((_, i) => new LightUser(tg, tg.fake.user(base + 80_000 + i), rec, rng(900 + i)));

  await pool(lights, 10, (u) => u.warmUp());
  for (const c of calibrators) await c.warmUp();
  log(`${mode}: ${USERS} users warmed up (3 files and a backup each)`);

  const perKindRuns = new Map<ActionKind, number[]>();
  let seen = total(await bot.metrics(), "codevault_mongo_commands_total");
  let current = new Map<ActionKind, number>();
  const count = async (kind: ActionKind) => {
    await sleep(300); // the session is written after the reply
    const now = total(await bot.metrics(), "codevault_mongo_commands_total");
    current.set(kind, (current.get(kind) ?? 0) + now - seen);
    seen = now;
  };
  for (const [i, flow] of flows.entries()) {
    const user = calibrators[i]!;
    user.afterStep = count;
    for (let rep = 0; rep < 3; rep++) {
      current = new Map();
      seen = total(await bot.metrics(), "codevault_mongo_commands_total");
      await flow(user);
      for (const [k, v] of current) perKindRuns.set(k, [...(perKindRuns.get(k) ?? []), v]);
    }
    user.afterStep = undefined;
  }
  const perKind = new Map([...perKindRuns].map(([k, v]) => [k, median(v)]));
  log(`${mode}: MongoDB commands per action measured`);

  // Who is busy: CPU seconds of the bot, the MongoDB test server and this script, per phase.
  const cpuNow = () => ({ bot: cpuSeconds(bot.pid), mongo: mongo.pid ? cpuSeconds(mongo.pid) : Number.NaN, driver: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6, at: performance.now() });
  const share = (a: ReturnType<typeof cpuNow>, b: ReturnType<typeof cpuNow>) => {
    const wall = (b.at - a.at) / 1000;
    return { bot: (b.bot - a.bot) / wall, mongo: (b.mongo - a.mongo) / wall, driver: (b.driver - a.driver) / wall };
  };

  // First the light users alone, for the floor this machine and this MongoDB give; then, without a
  // break, the window: the light users keep acting while the heavy users restore and back up the corpus.
  // The light users run one unbroken session across both phases, each starting after a think time of
  // its own (LightUser.run): 100 people never all act in the same millisecond, and a phase that began
  // with all of them at once would measure that burst (one 100-update getUpdates batch), not the mix.
  await bot.metrics(); // resets the event-loop histogram
  const cpuQ0 = cpuNow();
  const q0 = performance.now();
  const t0 = q0 + QUIET_SECONDS * 1000;
  const until = t0 + SECONDS * 1000;
  const lightRuns = Promise.all(lights.map((u) => u.run(until)));
  await sleep(t0 - performance.now());
  const quietSamples = () => lightOnly(rec.samples.filter((s) => s.start >= q0 && s.start < t0));
  log(`${mode}: light users alone: p95 ${latency(quietSamples()).p95.toFixed(0)} ms (actions answered so far)`);

  const before = await bot.metrics(); // the quiet phase's event loop; resets the histogram (prom-client reads and resets it per scrape)
  const cpuW0 = cpuNow();
  const rssBeforeHeavy = bot.rss().peak; // warm-up, calibration and the light users alone
  const quietCpu = share(cpuQ0, cpuW0);
  const rssAtStart = bot.rss().now;
  const updates0 = tg.fake.state.nextUpdateId;
  const heavyRuns = heavies.map((h) => h.run(() => performance.now() > until));
  await lightRuns;
  const quiet = latency(quietSamples());
  const tEnd = performance.now();
  const after = await bot.metrics();
  const windowCpu = share(cpuW0, cpuNow());
  const updates1 = tg.fake.state.nextUpdateId;
  log(`${mode}: light users done after ${((tEnd - t0) / 1000).toFixed(0)} s; waiting for the heavy users' current step`);
  await Promise.race([Promise.all(heavyRuns), sleep(15 * 60_000)]);
  await sleep(2000); // a late duplicate would arrive now
  const rssPeak = bot.rss().peak;
  await bot.proc.stop();
  tg.fake.state.updates.length = 0; // nothing of this mode is left for the next bot

  const windowS = (tEnd - t0) / 1000;
  const inWindow = rec.samples.filter((s) => s.start >= t0 && s.start < until);
  const light = lightOnly(inWindow);
  const chats = [...lights, ...heavies, ...calibrators].map((u) => u.userId);
  let duplicated = 0;
  let missing = 0;
  let errorReplies = 0;
  const examples: string[] = [];
  for (const chatId of chats) {
    const messages = (tg.byChat.get(chatId) ?? []).filter((c) => isMessage(c) && !isNews(c));
    const errors = messages.filter(isErrorReply);
    errorReplies += errors.length;
    examples.push(...errors.slice(0, 2).map((e) => e.text.slice(0, 120)));
    const diff = messages.length - errors.length - (rec.expectedMessages.get(chatId) ?? 0);
    if (diff > 0) duplicated += diff;
    else missing -= diff;
  }
  const errorLines = bot.proc.output().split("\n").filter((l) => /"level":(50|60)/.test(l));
  return {
    mode,
    windowSeconds: windowS,
    light: latency(light),
    quiet,
    byKind: splitByKind(inWindow),
    lightPerSecond: light.filter((s) => s.ms !== undefined).length / windowS,
    actionsPerSecond: inWindow.filter((s) => s.ms !== undefined).length / windowS,
    updatesPerSecond: (updates1 - updates0) / windowS,
    errors: { replies: errorReplies, logLines: errorLines.length, examples: [...examples, ...errorLines.slice(0, 3).map((l) => l.slice(0, 200))] },
    duplicated,
    missing,
    rss: { atStart: rssAtStart, peak: rssPeak, peakBeforeHeavy: rssBeforeHeavy },
    quietLoop: { p99: total(before, "codevault_nodejs_eventloop_lag_p99_seconds"), max: total(before, "codevault_nodejs_eventloop_lag_max_seconds") },
    cpu: { quiet: quietCpu, window: windowCpu },
    loop: { p99: total(after, "codevault_nodejs_eventloop_lag_p99_seconds"), max: total(after, "codevault_nodejs_eventloop_lag_max_seconds") },
    mongo: {
      perKind,
      total: total(after, "codevault_mongo_commands_total") - total(before, "codevault_mongo_commands_total"),
      perAction: (total(after, "codevault_mongo_commands_total") - total(before, "codevault_mongo_commands_total")) / Math.max(1, inWindow.length),
    },
    heavyCycles: heavies.reduce((a, h) => a + h.cycles, 0),
    driverLoopMaxMs: 0,
    driverLoopP99Ms: 0,
  };
}

async function main(): Promise<void> {
  // Ctrl-C or a timeout: the bot and MongoDB processes go too.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      if (args.verbose && debugTelegram) {
        for (const [chat, calls] of debugTelegram.byChat) {
          console.log(chat, calls.slice(-4).map((c) => `${c.method}:${c.messageId ?? ""}:${c.text.slice(0, 50)}`).join(" | "));
        }
        console.log("pending", JSON.stringify(debugTelegram.fake.state.updates).slice(0, 3000));
      }
      void Promise.all([...started].map((p) => p.stop())).finally(() => process.exit(130));
    });
  }
  const load0 = loadavg();
  log(`building the ${FILES}-file corpus ZIP`);
  const corpus = generateCorpus({ files: FILES, seed: 42 });
  const corpusZip = await plainZip(Object.fromEntries(corpus.map((f) => [f.name, f.content])));
  if (corpusZip.byteLength > TELEGRAM_DOWNLOAD_LIMIT) throw new Error(`the corpus ZIP is ${corpusZip.byteLength} bytes: more than a bot may download from Telegram`);
  log(`corpus ZIP: ${(corpusZip.byteLength / 1e6).toFixed(1)} MB`);
  const botCommand = shippedBotCommand();
  log(`bot: ${botCommand.label}`);
  const mongo = await startMongo();
  started.add({ stop: () => mongo.stop(), child: { exitCode: null } });
  const tg = new Telegram();
  const apiRoot = await tg.listen();
  debugTelegram = tg;
  const results: Array<Awaited<ReturnType<typeof runMode>>> = [];
  try {
    for (const [i, mode] of MODES.entries()) {
      // The driver (this process: the fake Telegram and the users) must not be what is slow: its own loop is watched too.
      const driverLoop = monitorEventLoopDelay({ resolution: 10 });
      driverLoop.enable();
      const result = await runMode(mode, i, tg, apiRoot, mongo, corpusZip, botCommand);
      driverLoop.disable();
      result.driverLoopMaxMs = driverLoop.max / 1e6;
      result.driverLoopP99Ms = driverLoop.percentile(99) / 1e6;
      results.push(result);
      log(`${mode}: light p95 ${result.light.p95.toFixed(0)} ms, p99 ${result.light.p99.toFixed(0)} ms, loop max ${(result.loop.max * 1000).toFixed(0)} ms`);
    }
  } finally {
    for (const proc of started) if (proc.child.exitCode === null) await proc.stop();
    await tg.close();
  }
  const load1 = loadavg();
  const section = render(results, load0, load1, botCommand);
  console.log("\n" + section);
  if (!args["no-write"]) writeSection(section);
  process.exit(0); // the users' reply timers (up to 15 min) must not hold the process
}

function render(results: Array<ModeResult & { driverLoopMaxMs: number; driverLoopP99Ms: number }>, load0: number[], load1: number[], botCommand: BotCommand): string {
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const la = (l: number[]) => l.map((v) => v.toFixed(2)).join(", ");
  return `## Many users at once (\`npm run load\`)

Measured ${when} UTC on this 2-core machine (load average ${la(load0)} at the start, ${la(load1)} at the end),
Node ${process.version} for the load script and the test server. The bot process runs as the Docker image runs it:
${botCommand.label}, polling, LOG_LEVEL=info, HEAVY_JOBS = cores, against the fake Bot API over HTTP
and ${process.env.MONGODB_URI ? "the MongoDB at MONGODB_URI" : "the MongoDB test server (`npm run test:mongo`) in its own process"}.
${USERS} light users act alone for ${QUIET_SECONDS} s, then for ${SECONDS} s (the window) while 2 heavy users each restore the ${FILES.toLocaleString("en")}-file corpus from a
${(FILES / 1000).toFixed(0)},000-entry ZIP (the first restore adds every file, later ones find all unchanged) and back it up, in turn.
Latency: from the update being queued at the fake to the fake answering the bot's reply (light: a new message or
the edit of the pressed message; heavy: the ZIP or the restore result). Event loop: prom-client's
\`monitorEventLoopDelay\` gauges on /metrics (10 ms resolution; read at the window's start, which resets them, and end).
MongoDB commands: \`codevault_mongo_commands_total\` (driver command monitoring).

${table(results)}
| the load script's own event-loop delay p99 / max, whole run (the fake Telegram and the users live there; it adds to every latency above) | ${results.map((r) => `${Math.round(r.driverLoopP99Ms)} ms / ${Math.round(r.driverLoopMaxMs)} ms`).join(" | ")} |

${goalTable(results)}
${results.some((r) => r.errors.examples.length) ? `\nErrors seen: ${results.flatMap((r) => r.errors.examples.map((e) => `${r.mode}: \`${e.replace(/`/g, "'").replace(/\n/g, " ")}\``)).join("; ")}\n` : ""}`;
}

function writeSection(section: string): void {
  const file = new URL("../docs/PERFORMANCE.md", import.meta.url);
  const text = readFileSync(file, "utf8");
  const start = "<!-- bench:load:start -->";
  const end = "<!-- bench:load:end -->";
  const block = `${start}\n${section.trim()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  writeFileSync(file, i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`);
  log("docs/PERFORMANCE.md updated");
}

await main();
