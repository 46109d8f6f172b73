import type { User } from "grammy/types";
import { badRequest, forbidden } from "./errors.js";
import type { Params } from "./params.js";
import type { AnyReplyMarkup, ChatRecord, FakeState, MessageRecord } from "./state.js";

/** Shared helpers for the message methods: target chat, reply_markup, comparisons. */

export const INLINE_BUTTON_KINDS = [
  "callback_data", "url", "web_app", "login_url", "switch_inline_query",
  "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
  "copy_text", "callback_game", "pay",
];

/** The chat a send method targets; private chats exist only for users created with `fake.user()`. */
export function targetChat(state: FakeState, params: Params, opts: { sending: boolean }): ChatRecord {
  const chatId = params.chatId();
  const chat = state.chats.get(chatId);
  if (chat === undefined) throw badRequest("chat not found");
  if (opts.sending && chat.blocked) throw forbidden("bot was blocked by the user");
  return chat;
}

export function botAsUser(state: FakeState): User {
  const u: User = { id: state.me.id, is_bot: true, first_name: state.me.first_name, username: state.me.username };
  return u;
}

/** Parses and validates `reply_markup` like Telegram (callback_data 1-64 bytes, one action per button). */
export function replyMarkup(params: Params): AnyReplyMarkup | undefined {
  const markup = params.json<unknown>("reply_markup", "can't parse reply keyboard markup JSON object");
  if (markup === undefined) return undefined;
  if (typeof markup !== "object" || markup === null || Array.isArray(markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const m = markup as AnyReplyMarkup;
  if ("inline_keyboard" in m) {
    const rows = m["inline_keyboard"];
    if (!Array.isArray(rows)) throw badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays");
    for (const row of rows) {
      if (!Array.isArray(row)) throw badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays");
      for (const button of row as unknown[]) validateInlineButton(button);
    }
  } else if (!("keyboard" in m) && !("remove_keyboard" in m) && !("force_reply" in m)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  return m;
}

function validateInlineButton(button: unknown): void {
  if (typeof button !== "object" || button === null) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  const b = button as Record<string, unknown>;
  if (typeof b["text"] !== "string") throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  if (b["text"] === "") throw badRequest("inline keyboard button text is empty"); // wording is the fake's own
  const kinds = INLINE_BUTTON_KINDS.filter((k) => b[k] !== undefined);
  if (kinds.length === 0) throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  if (b["callback_data"] !== undefined) {
    const data = b["callback_data"];
    if (typeof data !== "string") throw badRequest("can't parse inline keyboard button: Field \"callback_data\" must be of type String");
    const bytes = new TextEncoder().encode(data).length;
    if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
  if (typeof b["url"] === "string" && !/^(https?|tg):\/\/\S+$/i.test(b["url"])) throw badRequest("BUTTON_URL_INVALID");
}

/** `reply_parameters` / legacy `reply_to_message_id`, returned as the replied message. */
export function replyTarget(params: Params, chat: ChatRecord): MessageRecord | undefined {
  const rp = params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>(
    "reply_parameters",
    "can't parse reply parameters JSON object",
  );
  const id = rp?.message_id ?? params.int("reply_to_message_id");
  if (id === undefined) return undefined;
  const rec = chat.messages.get(Number(id));
  if (rec === undefined || rec.deleted) {
    if (rp?.allow_sending_without_reply === true || params.bool("allow_sending_without_reply") === true) return undefined;
    throw badRequest("message to be replied not found");
  }
  return rec;
}

/** JSON with sorted keys, to compare markups the way Telegram compares content. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

/** Finds a bot message to edit: missing → "message to edit not found", user's → "message can't be edited". */
export function messageToEdit(state: FakeState, params: Params): MessageRecord {
  if (params.has("inline_message_id")) throw badRequest("fake-telegram does not support inline messages (inline_message_id)");
  const chat = targetChat(state, params, { sending: false });
  const id = params.int("message_id", "message identifier is not specified");
  const rec = chat.messages.get(id as number);
  if (rec === undefined || rec.deleted) throw badRequest("message to edit not found");
  if (!rec.fromBot) throw badRequest("message can't be edited");
  return rec;
}
