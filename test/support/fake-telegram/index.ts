/**
 * A fake Telegram Bot API we own, as one web-standard handler `(req: Request) => Promise<Response>`.
 *
 * In-process (grammY talks to it through `client.fetch`, no sockets):
 *   const fake = createFakeTelegram();
 *   const bot = new Bot(fake.token, { client: { fetch: fake.fetch as never, apiRoot: FAKE_API_ROOT } });
 *   await bot.init();                                  // getMe against the fake
 *   await bot.handleUpdate(fake.user(1).sendText("/start"));
 *
 * End-to-end (a real bot process):
 *   const server = await fake.listen();                // node:http on 127.0.0.1, random port
 *   spawn(..., { env: { TELEGRAM_API_ROOT: server.apiRoot, BOT_TOKEN: fake.token } });
 *   fake.user(1).sendText("/start");                   // queued for the bot's getUpdates long poll
 *   await fake.waitForSent(1);
 *   await server.close();
 *
 * @grammyjs/conversations v2: nothing extra is needed. Inside a conversation the
 * plugin builds its own Api per replayed update
 * (node_modules/@grammyjs/conversations/out/plugin.js, hydrateContext):
 *   new Api(ctx.api.token, ctx.api.options)
 * and `ctx.api.options` is exactly the Bot's `client` option object. So passing
 * `new Bot(token, { client: { fetch, apiRoot } })` reaches conversations too.
 * What does NOT carry over are `bot.api.config.use(...)` transformers (e.g.
 * autoRetry) — install those inside conversations via the `plugins` option of
 * `conversations()` / `createConversation()` if needed. That is also why the
 * fake never relies on transformers.
 *
 * Do not `bot.api.config.use()` a transformer to fake Telegram: conversations bypass it.
 */
import type { BotCommand, BotCommandScope, Update, User, UserFromGetMe } from "grammy/types";
import type { FakeApiError } from "./errors.js";
import { createFetch, type FakeFetch } from "./fetch.js";
import { createHandler } from "./handler.js";
import { listen, type FakeServer } from "./http.js";
import { supportedMethods } from "./methods.js";
import { commandsKey, FakeState, type ApiCall, type CallbackAnswer, type Failure, type SentMessage } from "./state.js";
import { createUser, type FakeUser } from "./users.js";

export type { ApiCall, CallbackAnswer, FakeApiError, FakeFetch, FakeServer, FakeUser, SentMessage };
export { FakeState } from "./state.js";

/** `apiRoot` to use with `fake.fetch` in-process (any URL works; nothing is resolved). */
export const FAKE_API_ROOT = "http://fake.telegram";
export const DEFAULT_TOKEN = "123456:TEST-TOKEN";

export interface FakeTelegramOptions {
  token?: string;
  botUsername?: string;
  botFirstName?: string;
}

export interface FakeTelegram {
  readonly token: string;
  /** The bot as getMe returns it (usable as grammY's `botInfo`). */
  readonly botInfo: UserFromGetMe;
  /** The fake Bot API (routes `/bot<token>/<method>` and `/file/bot<token>/<path>`). */
  handler(req: Request): Promise<Response>;
  /** For grammY's `client.fetch` (with `apiRoot: FAKE_API_ROOT`); also fetches `/file/...` URLs in tests. */
  fetch: FakeFetch;
  /** Serves `handler` over node:http on 127.0.0.1 (port 0 = random). */
  listen(port?: number): Promise<FakeServer>;
  /** A private-chat user (same instance for the same id). */
  user(id: number, opts?: { firstName?: string; lastName?: string; languageCode?: string; username?: string }): FakeUser;
  /** Bot-sent messages in order (documents included, deleted ones flagged), as they are now. */
  sent(chatId?: number): SentMessage[];
  lastSent(chatId: number): SentMessage | undefined;
  /** A message of the chat (bot's or user's) by id, as it is now. */
  message(chatId: number, messageId: number): SentMessage | undefined;
  callbackAnswers(): CallbackAnswer[];
  /** Commands for a scope/language (default scope, no language when omitted). */
  commands(scope?: BotCommandScope, languageCode?: string): BotCommand[];
  /** Every command list that is set, keyed "scope[,chat=..]|lang". */
  allCommands(): Record<string, BotCommand[]>;
  chatActions(chatId?: number): string[];
  /** Updates queued and not yet confirmed by a getUpdates offset. */
  pendingUpdates(): Update[];
  /** Every API call the bot made (file bytes summarized), oldest first. */
  calls(method?: string): ApiCall[];
  /** File paths the bot downloaded (GET /file/...), oldest first. */
  downloads(): string[];
  /** The next call(s) of `method` fail with this error (HTTP status = error_code) or a dropped connection. */
  failNext(method: string, error: FakeApiError | { network: true }, opts?: { times?: number }): void;
  /** Polls `predicate` every 10 ms; rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Waits for a bot message in `chatId` sent AFTER this call (matching `predicate`) and returns it. */
  waitForSent(chatId: number, predicate?: (m: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  /** Methods the fake implements. */
  supportedMethods(): string[];
  readonly state: FakeState;
}

export function createFakeTelegram(opts: FakeTelegramOptions = {}): FakeTelegram {
  const token = opts.token ?? DEFAULT_TOKEN;
  const botId = Number(token.split(":")[0]);
  if (!Number.isSafeInteger(botId) || botId <= 0) throw new Error(`fake-telegram: token must look like "<bot id>:<secret>", got ${token}`);
  const botInfo: UserFromGetMe = {
    id: botId,
    is_bot: true,
    first_name: opts.botFirstName ?? "Test Bot",
    username: opts.botUsername ?? "test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  const state = new FakeState(token, botInfo);
  const handler = createHandler(state);
  const users = new Map<number, FakeUser>();

  const sent = (chatId?: number) =>
    state.sentLog.filter((r) => chatId === undefined || r.message.chat.id === chatId).map((r) => state.snapshot(r));

  const waitFor = async (predicate: () => boolean, timeoutMs = 5000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`fake-telegram: waitFor timed out after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  return {
    token,
    botInfo,
    state,
    handler,
    fetch: createFetch(handler),
    listen: (port?: number) => listen(handler, port),
    user(id, o = {}) {
      let u = users.get(id);
      if (u === undefined) {
        const info: User = { id, is_bot: false, first_name: o.firstName ?? `User${id}` };
        if (o.lastName !== undefined) info.last_name = o.lastName;
        if (o.username !== undefined) info.username = o.username;
        info.language_code = o.languageCode ?? "en";
        u = createUser(state, info);
        users.set(id, u);
      }
      return u;
    },
    sent,
    lastSent: (chatId) => sent(chatId).at(-1),
    message(chatId, messageId) {
      const rec = state.findMessage(chatId, messageId);
      return rec === undefined ? undefined : state.snapshot(rec);
    },
    callbackAnswers: () => structuredClone(state.callbackAnswers),
    commands: (scope, languageCode) => structuredClone(state.commands.get(commandsKey(scope as never, languageCode)) ?? []),
    allCommands: () => Object.fromEntries([...state.commands].map(([k, v]) => [k, structuredClone(v)])),
    chatActions: (chatId) => state.chatActions.filter((a) => chatId === undefined || a.chat_id === chatId).map((a) => a.action),
    pendingUpdates: () => structuredClone(state.updates),
    downloads: () => [...state.downloads],
    calls: (method) =>
      structuredClone(state.calls.filter((c) => method === undefined || c.method.toLowerCase() === method.toLowerCase())),
    failNext(method, error, o = {}) {
      const key = method.toLowerCase();
      const queue = state.failures.get(key) ?? [];
      for (let i = 0; i < (o.times ?? 1); i++) queue.push(structuredClone(error) as Failure);
      state.failures.set(key, queue);
    },
    waitFor,
    async waitForSent(chatId, predicate = () => true, timeoutMs = 5000) {
      const before = state.sentLog.length;
      let found: SentMessage | undefined;
      await waitFor(() => {
        found = state.sentLog
          .slice(before)
          .filter((r) => r.message.chat.id === chatId)
          .map((r) => state.snapshot(r))
          .find(predicate);
        return found !== undefined;
      }, timeoutMs);
      return found as SentMessage;
    },
    supportedMethods,
  };
}
