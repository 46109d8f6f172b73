import type { BotCommand, Update, UserFromGetMe } from "grammy/types";
import { ApiError, badRequest } from "./errors.js";
import type { MethodContext, MethodTable } from "./methods.js";
import { commandsKey, type FakeState } from "./state.js";

/** getMe, getUpdates (real long polling), webhooks, commands, answerCallbackQuery. */

function getMe({ state }: MethodContext): UserFromGetMe {
  return structuredClone(state.me);
}

const CONFLICT_OTHER_POLL =
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";

function updateType(u: Update): string {
  return Object.keys(u).find((k) => k !== "update_id") ?? "";
}

/** Updates Telegram would deliver now (default allowed_updates excludes chat_member & co). */
function deliverable(state: FakeState, limit: number): Update[] {
  const allowed = state.allowedUpdates;
  const optIn = new Set(["chat_member", "message_reaction", "message_reaction_count"]);
  return state.updates
    .filter((u) => (allowed === undefined ? !optIn.has(updateType(u)) : allowed.includes(updateType(u))))
    .slice(0, limit)
    .map((u) => structuredClone(u));
}

/** Resolves on a new update or after `ms`; rejects on abort or when a newer getUpdates takes over. */
function waitForUpdate(state: FakeState, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener("abort", onAbort);
      if (state.activePoll === onConflict) state.activePoll = undefined;
    };
    const done = () => {
      cleanup();
      resolve();
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason instanceof Error ? signal.reason : new DOMException("The operation was aborted", "AbortError"));
    };
    const onConflict = (err: Error) => {
      cleanup();
      reject(err);
    };
    const timer = setTimeout(done, Math.max(0, ms));
    const unsubscribe = state.onUpdate(done);
    signal.addEventListener("abort", onAbort);
    state.activePoll = onConflict;
    if (signal.aborted) onAbort();
  });
}

async function getUpdates({ state, params, signal }: MethodContext): Promise<Update[]> {
  if (state.webhookUrl !== "") {
    throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
  }
  const offset = params.int("offset");
  const limit = Math.min(100, Math.max(1, params.int("limit") ?? 100));
  const timeout = Math.max(0, params.int("timeout") ?? 0);
  const allowed = params.json<string[]>("allowed_updates", "can't parse allowed updates");
  if (allowed !== undefined) {
    if (!Array.isArray(allowed)) throw badRequest("can't parse allowed updates");
    state.allowedUpdates = allowed.length > 0 ? allowed : undefined;
  }
  // Confirm: everything below offset is forgotten; a negative offset keeps the last -offset updates.
  if (offset !== undefined && offset < 0) state.updates = state.updates.slice(offset);
  else if (offset !== undefined && offset > 0) state.updates = state.updates.filter((u) => u.update_id >= offset);
  // Only one getUpdates may wait at a time: the older one is terminated with 409.
  state.activePoll?.(new ApiError(409, CONFLICT_OTHER_POLL));

  const deadline = Date.now() + timeout * 1000;
  for (;;) {
    const ready = deliverable(state, limit);
    if (ready.length > 0 || Date.now() >= deadline) return ready;
    await waitForUpdate(state, deadline - Date.now(), signal);
  }
}

function deleteWebhook({ state, params }: MethodContext): true {
  state.webhookUrl = "";
  if (params.bool("drop_pending_updates") === true) state.updates = [];
  return true;
}

function setWebhook({ state, params }: MethodContext): true {
  const url = params.string("url") ?? "";
  if (url !== "" && !/^https:\/\//i.test(url)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  state.webhookUrl = url;
  if (params.bool("drop_pending_updates") === true) state.updates = [];
  return true;
}

function getWebhookInfo({ state }: MethodContext) {
  return { url: state.webhookUrl, has_custom_certificate: false, pending_update_count: state.updates.length };
}

type Scope = Record<string, unknown>;

function commandSlot(params: MethodContext["params"]): string {
  const scope = params.json<Scope>("scope", "can't parse BotCommandScope JSON object");
  const type = scope?.["type"];
  const known = ["default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators", "chat_member"];
  if (scope !== undefined && (typeof type !== "string" || !known.includes(type))) throw badRequest("wrong scope specified");
  const lang = params.string("language_code");
  if (lang !== undefined && !/^[a-z]{2}$/.test(lang)) throw badRequest("invalid language code specified");
  return commandsKey(scope, lang);
}

function setMyCommands({ state, params }: MethodContext): true {
  const commands = params.json<BotCommand[]>("commands", "can't parse commands JSON object");
  if (!Array.isArray(commands)) throw badRequest("commands must be an array");
  if (commands.length > 100) throw badRequest("too many commands specified");
  for (const c of commands) {
    if (typeof c?.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest("BOT_COMMAND_INVALID");
    if (typeof c.description !== "string" || c.description.trim() === "" || c.description.length > 256) {
      throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
  }
  const key = commandSlot(params);
  if (commands.length === 0) state.commands.delete(key);
  else state.commands.set(key, commands.map((c) => ({ command: c.command, description: c.description })));
  return true;
}

function getMyCommands({ state, params }: MethodContext): BotCommand[] {
  return structuredClone(state.commands.get(commandSlot(params)) ?? []);
}

function deleteMyCommands({ state, params }: MethodContext): true {
  state.commands.delete(commandSlot(params));
  return true;
}

function answerCallbackQuery({ state, params }: MethodContext): true {
  const id = params.string("callback_query_id", "query is too old and response timeout expired or query ID is invalid") as string;
  // Each query can be answered once; unknown or already-answered ids fail like in Telegram.
  if (!state.openCallbackQueries.delete(id)) {
    throw badRequest("query is too old and response timeout expired or query ID is invalid");
  }
  const answer: (typeof state.callbackAnswers)[number] = { callback_query_id: id };
  const text = params.string("text");
  if (text !== undefined) {
    if (text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    answer.text = text;
  }
  const showAlert = params.bool("show_alert");
  if (showAlert !== undefined) answer.show_alert = showAlert;
  const url = params.string("url");
  if (url !== undefined) answer.url = url;
  const cacheTime = params.int("cache_time");
  if (cacheTime !== undefined) answer.cache_time = cacheTime;
  state.callbackAnswers.push(answer);
  return true;
}

export const botMethods: MethodTable = {
  getMe,
  getUpdates,
  deleteWebhook,
  setWebhook,
  getWebhookInfo,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  answerCallbackQuery,
};
