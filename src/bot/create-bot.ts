import { conversations, createConversation } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, session, type ApiClientOptions, type Context, type StorageAdapter } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Events } from "../events.js";
import type { BackupService } from "../backups/backup-service.js";
import type { DriveAuth } from "../drive/drive-auth.js";
import type { DriveService } from "../drive/drive-service.js";
import type { FileLibrary } from "../files/file-library.js";
import type { GitHubImporter } from "../imports/github-import.js";
import type { RestoreService } from "../restore/restore-service.js";
import type { Logger } from "../logger.js";
import type { Locale, UserSettings } from "../users/user-settings.js";
import { initialSession, type BotContext, type InnerContext, type SessionData } from "./context.js";
import { BACKUP_NOTE, backupNoteConversation } from "./conversations/backup-note.js";
import { EDIT_FILE, editFileConversation } from "./conversations/edit-file.js";
import { RESTORE, restoreConversation } from "./conversations/restore.js";
import { SAVE_CODE, saveCodeConversation } from "./conversations/save-code.js";
import { allowList } from "./features/access.js";
import { backupsFeature } from "./features/backups.js";
import { driveFeature } from "./features/drive.js";
import { filesFeature } from "./features/files.js";
import { languageFeature } from "./features/language.js";
import { restoreFeature } from "./features/restore.js";
import { saveFeature } from "./features/save.js";
import { startFeature } from "./features/start.js";
import { errorReporter } from "./error-boundary.js";
import { createI18n, SavedLocales, translations } from "./i18n.js";
import { prefetchChatState, PrefetchingStorage } from "./chat-state-prefetch.js";
import { installApiTransformers } from "./api-transformers.js";
import type { FetchLike } from "./telegram-files.js";
import { foreground } from "../work/foreground.js";
import { UpdatesInFlight } from "./in-flight.js";
import { heavyStarter } from "./heavy-work.js";
import { floodLimit } from "./flood-limit.js";
import type { HeavyJobs } from "../work/heavy-jobs.js";
import type { PrivateCopies } from "../privacy/private-copies.js";
import { privacyFeature } from "./features/privacy.js";
import { encryptedRestoreFeature } from "./features/encrypted-restore.js";
import { secretInput } from "./secret-input.js";
import type { ScheduleService } from "../jobs/index.js";
import { SCHEDULE_ZONE, scheduleZoneConversation } from "./conversations/schedule-zone.js";
import { scheduleFeature } from "./features/schedule.js";

export interface BotDeps {
  token: string;
  apiRoot: string;
  /** Replaces the HTTP client for the Bot API and file downloads (tests use the fake Telegram). */
  fetch?: FetchLike;
  botInfo?: UserFromGetMe;
  defaultLocale: Locale;
  allowedUserIds?: ReadonlySet<number>;
  logger: Logger;
  events: Events;
  files: FileLibrary;
  settings: UserSettings;
  backups: BackupService;
  restore: RestoreService;
  github: GitHubImporter;
  driveAuth: DriveAuth;
  drive: DriveService;
  /** How often an upload's progress message is edited at most (default 3 s; tests use 0). */
  driveProgressEveryMs?: number;
  /** Waits between retries of a Bot API call that got no answer (default NETWORK_RETRY_DELAYS_MS); tests shorten them. */
  networkRetryDelaysMs?: readonly number[];
  heavyJobs: HeavyJobs;
  /** Private copies (🔒 Privacy): encrypted Drive and chat copies, opening encrypted uploads. */
  privacy: PrivateCopies;
  /** Scheduled Drive backups (the scheduler's ScheduleService); without it the 🗓 Schedule menu is not offered. */
  schedules?: ScheduleService;
  /** DEFAULT_TIMEZONE: a new schedule's time zone. */
  defaultTimezone?: string;
  /** Updates one user may send per minute; more are dropped with one warning. Unset: no limit. */
  userUpdatesPerMinute?: number;
  storage: {
    sessions: StorageAdapter<SessionData>;
    conversations: StorageAdapter<unknown>;
  };
}

/** Builds the grammY bot: plugins, features and the error boundary. Knows services, never MongoDB. */
export function createBot(deps: BotDeps) {
  const client: ApiClientOptions = { apiRoot: deps.apiRoot };
  if (deps.fetch) client.fetch = deps.fetch as unknown as ApiClientOptions["fetch"];
  const bot = new Bot<BotContext>(deps.token, { client, botInfo: deps.botInfo });
  const locales = new SavedLocales(deps.settings);
  const i18n = createI18n({ defaultLocale: deps.defaultLocale, locales });
  const download = { apiRoot: deps.apiRoot, fetch: deps.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init)) };
  const userKey = (ctx: Context) => ctx.from?.id.toString();

  const transformerOptions = { networkRetryDelaysMs: deps.networkRetryDelaysMs };
  installApiTransformers(bot.api, transformerOptions);

  // Updates run concurrently (@grammyjs/runner); those of one chat and one user stay in order,
  // which sessions and conversations rely on. Counted first, so a shutdown knows what is in flight.
  const inFlight = new UpdatesInFlight();
  bot.use(inFlight.middleware);
  if (deps.userUpdatesPerMinute) bot.use(floodLimit({ perMinute: deps.userUpdatesPerMinute, i18n, logger: deps.logger }));
  bot.use(sequentialize((ctx: Context) => [ctx.chat?.id, ctx.from?.id].filter((id) => id !== undefined).map(String)));
  // An update whose turn has come is foreground work: heavy loops give way to it (src/work/foreground.ts).
  bot.use(async (_ctx, next) => {
    const leave = foreground.enter();
    try {
      await next();
    } finally {
      leave();
    }
  });

  // One error handler: the boundary covers every plugin and feature (polling and webhooks alike);
  // bot.catch is the last resort for anything thrown outside it.
  const reportError = errorReporter({ logger: deps.logger, events: deps.events, i18n, defaultLocale: deps.defaultLocale });
  bot.catch(reportError);
  const app = bot.errorBoundary(reportError);
  const startHeavy = heavyStarter(deps.heavyJobs, reportError);
  const sessions = new PrefetchingStorage(deps.storage.sessions);
  const conversationStates = new PrefetchingStorage(deps.storage.conversations);
  app.use(prefetchChatState({ key: userKey, stores: [sessions, conversationStates], locales }));
  app.use(translations(i18n));
  app.use(allowList(deps.allowedUserIds));
  app.use(session({ initial: initialSession, storage: sessions, getSessionKey: userKey }));
  app.use(
    conversations<BotContext, InnerContext>({
      storage: { type: "key", adapter: conversationStates as never, getStorageKey: userKey },
      // Conversations build their own Api: retries, parse mode and translations are installed again inside.
      plugins: [
        async (ctx, next) => {
          installApiTransformers(ctx.api, transformerOptions);
          await next();
        },
        translations(i18n),
      ],
    }),
  );

  // A passphrase or key the bot asked for is read here, before any conversation could store it.
  app.use(secretInput({ privacy: deps.privacy, restore: deps.restore, startHeavy, download }));

  app.command("cancel", async (ctx) => {
    // A Drive connect waits for Google in the background, not in a conversation: stop it too.
    const connecting = deps.driveAuth.cancel(ctx.from!.id);
    const active = Object.keys(await ctx.conversation.active()).length > 0 || connecting;
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t(active ? "cancel-done" : "cancel-nothing"));
  });
  app.use(createConversation(saveCodeConversation({ files: deps.files, download }), SAVE_CODE));
  app.use(createConversation(editFileConversation({ files: deps.files }), EDIT_FILE));
  app.use(createConversation(backupNoteConversation({ backups: deps.backups }), BACKUP_NOTE));
  app.use(createConversation(restoreConversation({ restore: deps.restore, heavyJobs: deps.heavyJobs, download }), RESTORE));
  if (deps.schedules) app.use(createConversation(scheduleZoneConversation({ schedules: deps.schedules }), SCHEDULE_ZONE));

  app.use(startFeature());
  app.use(filesFeature({ files: deps.files }));
  app.use(backupsFeature({ backups: deps.backups, privacy: deps.privacy, startHeavy }));
  app.use(languageFeature({ settings: deps.settings }));
  app.use(
    driveFeature({
      driveAuth: deps.driveAuth,
      drive: deps.drive,
      backups: deps.backups,
      events: deps.events,
      heavyJobs: deps.heavyJobs,
      progressEveryMs: deps.driveProgressEveryMs,
      schedules: deps.schedules,
      defaultTimezone: deps.defaultTimezone,
      settings: deps.settings,
    }),
  );
  app.use(privacyFeature({ privacy: deps.privacy }));
  app.use(encryptedRestoreFeature({ privacy: deps.privacy, restore: deps.restore, startHeavy, download }));
  if (deps.schedules) {
    const defaultTimezone = deps.defaultTimezone ?? "UTC";
    app.use(scheduleFeature({ schedules: deps.schedules, drive: deps.drive, backups: deps.backups, settings: deps.settings, defaultTimezone }));
  }
  app.use(restoreFeature({ backups: deps.backups, github: deps.github, startHeavy }));
  app.use(saveFeature({ files: deps.files, download }));

  // A button from an old message or forged data: say so instead of doing nothing.
  app.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("button-expired"), show_alert: true }));

  return { bot, i18n, inFlight };
}
