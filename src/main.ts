import { config as loadDotenv } from "dotenv";
import { createBotStorage, createServices } from "./app.js";
import { createScheduler } from "./scheduler-app.js";
import type { Notify } from "./jobs/index.js";
import { scheduleNotifier } from "./bot/schedule-notices.js";
import { registerCommands } from "./bot/commands.js";
import { createBot } from "./bot/create-bot.js";
import { webhookHandler } from "./bot/webhook.js";
import { WebhookUpdates } from "./db/webhook-updates.js";
import { startPolling, startSimplePolling, type Polling } from "./bot/polling.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { ensureIndexes } from "./db/collections.js";
import { countMongoCommands } from "./db/command-metrics.js";
import { connectDatabase, DatabaseUnavailableError } from "./db/connect.js";
import { Events } from "./events.js";
import { startHttpServer } from "./http/server.js";
import { createLogger, scrubSecrets } from "./logger.js";
import { STAGED_UPLOAD_SWEEP_MS } from "./restore/staged-uploads.js";

/** Composition root: config → MongoDB → services → bot and HTTP server; one clean shutdown. */
async function main(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel);
  const events = new Events(logger, { defaultMetrics: true });
  // A promise nobody awaited (e.g. an update grammY stopped waiting for) is logged; the process keeps serving.
  process.on("unhandledRejection", (reason) => {
    events.emit("unhandled_rejection", "error", { error: reason instanceof Error ? reason.message : String(reason) });
  });

  const database = await connectDatabase({
    uri: config.mongodbUri,
    dbName: config.mongodbDb,
    dataDir: config.dataDir,
    logger,
  });
  logger.info({ database: database.description }, "database ready");
  countMongoCommands(database.client, events.registry);
  await ensureIndexes(database.db);

  const services = createServices({
    db: database.db,
    events,
    retention: config.retention,
    backupPartBytes: config.backupPartBytes,
    github: config.github,
    restoreLeaseMs: config.restoreLeaseMs,
    limits: config.limits,
    drive: config.drive,
    heavyJobs: config.concurrency.heavyJobs,
  });
  const storage = createBotStorage(database.db);
  // Scheduled Drive backups share the bot's connection. Their notices are worded by the bot,
  // which is built next; the scheduler only starts (and so only notifies) once it exists.
  let notify: Notify | undefined;
  const scheduler = createScheduler(services, {
    db: database.db,
    events,
    notify: (userId, notice) => notify!(userId, notice),
    settings: config.scheduler,
  });
  const { bot, i18n, inFlight } = createBot({
    token: config.botToken,
    apiRoot: config.telegramApiRoot,
    defaultLocale: config.defaultLocale,
    allowedUserIds: config.allowedUserIds,
    logger,
    events,
    storage,
    userUpdatesPerMinute: config.concurrency.userUpdatesPerMinute,
    ...services,
    schedules: scheduler.schedules,
    defaultTimezone: config.scheduler.defaultTimezone,
  });
  notify = scheduleNotifier({ api: bot.api, i18n: i18n as never, settings: services.settings, backups: services.backups, defaultLocale: config.defaultLocale });
  await bot.init();
  await registerCommands(bot.api, i18n as never);

  // Restores interrupted by a crash (here or in another instance) are rolled back; their
  // users are told, and the conversation that was waiting on them is let go.
  const tell = async (userId: number, key: string) => {
    const locale = (await services.settings.getLocale(userId)) ?? config.defaultLocale;
    await bot.api.sendMessage(userId, i18n.t(locale, key)).catch(() => {});
  };
  const recover = async () => {
    for (const userId of await services.restore.recoverInterrupted()) {
      logger.warn({ userId }, "rolled back restores that were interrupted by the last shutdown");
      await storage.conversations.delete(String(userId));
      await tell(userId, "restore-interrupted");
    }
  };
  // A restore whose rollback failed (e.g. MongoDB was unreachable) is undone in the background; the user is told then.
  services.restore.onDeferredRollback((userId) => void tell(userId, "restore-undone").catch(() => {}));
  await recover();
  const recovery = setInterval(() => void recover().catch((err: Error) => logger.error({ err: err.message }, "restore recovery failed")), Math.max(1000, config.restoreLeaseMs / 2));
  recovery.unref();
  // Staged uploads nobody came back for are removed, bytes included, even if nobody sends another ZIP.
  const sweeping = setInterval(
    () => void services.restore.sweepUploads().catch((err: Error) => logger.error({ err: err.message }, "staged upload sweep failed")),
    STAGED_UPLOAD_SWEEP_MS,
  );
  sweeping.unref();

  const webhookPath = "/telegram/webhook";
  const http = await startHttpServer({
    port: config.httpPort,
    metrics: events.registry,
    checkHealth: async () => (await database.db.command({ ping: 1 })).ok === 1,
    checkScheduler: () => scheduler.health(),
    webhook: config.webhook
      ? {
          path: webhookPath,
          // Answered within WEBHOOK_ANSWER_SECONDS whatever the update does; a re-sent update runs once
          // (claims shared by every process; one unanswered for 3 answer times is taken over).
          handler: webhookHandler(bot, {
            secret: config.webhook.secret,
            answerMs: config.webhookAnswerMs,
            claims: new WebhookUpdates(database.db, { takeoverMs: 3 * config.webhookAnswerMs }),
            events,
          }),
        }
      : undefined,
    onError: (err, path) => events.emit("http_request_failed", "error", { path, error: err instanceof Error ? err.message : String(err) }),
  });
  logger.info({ port: http.port }, "http server listening (/health, /metrics)");

  // Due jobs (a run missed while the bot was down runs once, not once per missed day) start now.
  await scheduler.start();
  logger.info({ pollMs: config.scheduler.pollMs }, "scheduler started");

  let polling: Polling | undefined;
  if (config.webhook) {
    await bot.api.setWebhook(new URL(webhookPath, config.webhook.url).toString(), { secret_token: config.webhook.secret });
    logger.info("receiving updates by webhook");
  } else {
    await bot.api.deleteWebhook();
    polling =
      config.pollingRunner === "simple"
        ? startSimplePolling(bot)
        : startPolling(bot, { maxConcurrent: config.concurrency.maxUpdates, events });
    events.emit("bot_started", "info", {
      username: bot.botInfo.username,
      mode: "polling",
      runner: config.pollingRunner,
      maxConcurrentUpdates: config.pollingRunner === "simple" ? 1 : config.concurrency.maxUpdates,
    });
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.concurrency.shutdownGraceMs;
    logger.info({ graceMs, signal }, "shutting down: no new updates, finishing the ones in flight");
    // Bounded whatever Telegram or MongoDB do: after the grace period the process exits anyway,
    // naming what it left undone (updates not finished are delivered again after a restart).
    const deadline = setTimeout(() => {
      logger.error({ updatesInFlight: inFlight.size, heavyJobs: services.heavyJobs.stats }, "grace period over: exiting with work left undone");
      process.exit(1);
    }, graceMs);
    try {
      clearInterval(recovery);
      clearInterval(sweeping);
      await polling?.stop(); // the runner aborts the long poll (no further getUpdates); bot.stop() confirms the offset first
      await http.close();
      await Promise.all([
        // No new jobs; runs in progress get most of the grace period to finish, then are stopped and
        // recorded so they run again (same backup, same key) after the restart; all before MongoDB closes.
        scheduler.stop({ timeoutMs: Math.floor(graceMs * 0.6), graceMs: Math.floor(graceMs * 0.2) }),
        (async () => {
          await inFlight.idle();
          await services.heavyJobs.idle(); // backups, restores and imports started by updates already answered
        })(),
      ]);
      await database.close();
      clearTimeout(deadline);
      logger.info("stopped cleanly");
      process.exit(0);
    } catch (err) {
      logger.error({ err: (err as Error).message, updatesInFlight: inFlight.size, heavyJobs: services.heavyJobs.stats }, "error during shutdown");
      process.exit(1);
    }
  };
  // `on`, not `once`: a terminal or a wrapper (npm, tsx) may deliver the same signal twice,
  // and a second one must not kill the process half-way through the shutdown.
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // Polling ends by itself only on an error it cannot retry (a revoked token, another instance polling).
  polling?.task()?.catch((err: Error) => {
    logger.fatal({ err: scrubSecrets(err.message) }, "polling stopped with an error");
    process.exit(1);
  });
}

loadDotenv({ quiet: true });
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`codevault: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
main(config).catch((err: unknown) => {
  const message = err instanceof DatabaseUnavailableError || err instanceof Error ? err.message : String(err);
  console.error(`codevault: ${scrubSecrets(message)}`);
  process.exit(1);
});
