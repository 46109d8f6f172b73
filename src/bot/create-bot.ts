import { conversations, createConversation } from "@grammyjs/conversations";
import { Bot, GrammyError, HttpError, session, type ApiClientOptions, type Context, type StorageAdapter } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Events } from "../events.js";
import type { BackupService } from "../backups/backup-service.js";
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
import { filesFeature } from "./features/files.js";
import { languageFeature } from "./features/language.js";
import { restoreFeature } from "./features/restore.js";
import { saveFeature } from "./features/save.js";
import { startFeature } from "./features/start.js";
import { createI18n, translations } from "./i18n.js";
import { installApiTransformers } from "./api-transformers.js";
import type { FetchLike } from "./telegram-files.js";

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
  const i18n = createI18n({ defaultLocale: deps.defaultLocale, settings: deps.settings });
  const download = { apiRoot: deps.apiRoot, fetch: deps.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init)) };
  const userKey = (ctx: Context) => ctx.from?.id.toString();

  installApiTransformers(bot.api);

  // The error boundary comes first so it covers polling, webhooks and every plugin below it.
  bot.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      await reportError(ctx, error);
    }
  });
  bot.catch((err) => reportError(err.ctx, err.error));
  bot.use(translations(i18n));
  bot.use(allowList(deps.allowedUserIds));
  bot.use(session({ initial: initialSession, storage: deps.storage.sessions, getSessionKey: userKey }));
  bot.use(
    conversations<BotContext, InnerContext>({
      storage: { type: "key", adapter: deps.storage.conversations as never, getStorageKey: userKey },
      // Conversations build their own Api: retries, parse mode and translations are installed again inside.
      plugins: [
        async (ctx, next) => {
          installApiTransformers(ctx.api);
          await next();
        },
        translations(i18n),
      ],
    }),
  );

  bot.command("cancel", async (ctx) => {
    const active = Object.keys(await ctx.conversation.active()).length > 0;
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t(active ? "cancel-done" : "cancel-nothing"));
  });
  bot.use(createConversation(saveCodeConversation({ files: deps.files, download }), SAVE_CODE));
  bot.use(createConversation(editFileConversation({ files: deps.files }), EDIT_FILE));
  bot.use(createConversation(backupNoteConversation({ backups: deps.backups }), BACKUP_NOTE));
  bot.use(createConversation(restoreConversation({ backups: deps.backups, restore: deps.restore, download }), RESTORE));

  bot.use(startFeature());
  bot.use(filesFeature({ files: deps.files }));
  bot.use(backupsFeature({ backups: deps.backups }));
  bot.use(languageFeature({ settings: deps.settings }));
  bot.use(restoreFeature({ backups: deps.backups, github: deps.github }));
  bot.use(saveFeature({ files: deps.files, download }));

  // A button from an old message or forged data: say so instead of doing nothing.
  bot.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("button-expired"), show_alert: true }));

  /** Logs what failed (never contents or tokens) and tells the user, in their language if we know it. */
  async function reportError(ctx: BotContext, error: unknown) {
    deps.events.emit("bot_error", "error", {
      updateId: ctx.update.update_id,
      userId: ctx.from?.id,
      errorName: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof GrammyError || error instanceof HttpError || error instanceof Error ? error.message : String(error),
    });
    try {
      const text = typeof ctx.t === "function" ? ctx.t("error-generic") : i18n.t(deps.defaultLocale, "error-generic");
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true }).catch(() => ctx.reply(text));
      else if (ctx.chat) await ctx.reply(text);
    } catch {
      // Telegram itself may be what failed; the event above is what we have.
    }
  }

  return { bot, i18n };
}
