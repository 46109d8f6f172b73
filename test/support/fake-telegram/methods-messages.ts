import type { Message } from "grammy/types";
import { badRequest } from "./errors.js";
import { renderText } from "./formatting.js";
import {
  botAsUser,
  messageToEdit,
  NOT_MODIFIED,
  replyMarkup,
  replyTarget,
  stableJson,
  targetChat,
} from "./markup.js";
import type { MethodContext, MethodTable } from "./methods.js";
import { inlineOnly, type ChatRecord, type MessageRecord } from "./state.js";

/** sendMessage, edit*, deleteMessage, sendChatAction. */

export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;

type Mutable = Record<string, unknown>;

/** Builds the message body common to all bot sends (from, reply_markup, reply_to_message). */
export function baseBotMessage({ state, params }: MethodContext, chat: ChatRecord): { body: Mutable; markup: Mutable | undefined } {
  const markup = replyMarkup(params);
  const replied = replyTarget(params, chat);
  const body: Mutable = { from: botAsUser(state) };
  if (replied !== undefined) body["reply_to_message"] = structuredClone(replied.message);
  const inline = inlineOnly(markup);
  if (inline !== undefined) body["reply_markup"] = inline;
  return { body, markup };
}

export function renderCaption(raw: string | undefined, parseMode: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const caption = renderText(raw, parseMode);
  if (caption.length > MAX_CAPTION) throw badRequest("message caption is too long");
  return caption;
}

function sendMessage(ctx: MethodContext): Message {
  const { state, params } = ctx;
  const chat = targetChat(state, params, { sending: true });
  const raw = params.string("text", "message text is empty") as string;
  const parseMode = params.string("parse_mode");
  const text = renderText(raw, parseMode);
  if (text.trim() === "") throw badRequest("message text is empty");
  if (text.length > MAX_TEXT) throw badRequest("message is too long");
  const { body, markup } = baseBotMessage(ctx, chat);
  body["text"] = text;
  const rec: Omit<MessageRecord, "message"> & { message: Mutable } = {
    fromBot: true,
    method: "sendMessage",
    message: body,
    rawText: raw,
    edited: false,
    deleted: false,
  };
  if (parseMode !== undefined) rec.parseMode = parseMode;
  if (markup !== undefined) rec.replyMarkup = markup;
  return structuredClone(state.addMessage(chat.chat.id, rec as never).message);
}

/** Applies new content + markup; refuses a no-op edit like Telegram does. */
function applyEdit(
  ctx: MethodContext,
  rec: MessageRecord,
  change: { field?: "text" | "caption"; value?: string; raw?: string; parseMode?: string | undefined },
): Message {
  const markup = replyMarkup(ctx.params);
  const msg = rec.message as unknown as Mutable;
  const sameContent =
    change.field === undefined ||
    (msg[change.field] === change.value &&
      (change.field === "text" ? rec.rawText : rec.rawCaption) === change.raw &&
      rec.parseMode === change.parseMode);
  const sameMarkup = stableJson(inlineOnly(markup) ?? null) === stableJson(inlineOnly(rec.replyMarkup) ?? null);
  if (sameContent && sameMarkup) throw badRequest(NOT_MODIFIED);
  if (change.field !== undefined) {
    msg[change.field] = change.value;
    if (change.field === "text") rec.rawText = change.raw;
    else rec.rawCaption = change.raw;
    if (change.parseMode !== undefined) rec.parseMode = change.parseMode;
    else delete rec.parseMode;
  }
  // Like Telegram: an edit without reply_markup removes the inline keyboard.
  const inline = inlineOnly(markup);
  if (inline !== undefined) msg["reply_markup"] = inline;
  else delete msg["reply_markup"];
  if (markup !== undefined) rec.replyMarkup = markup;
  else delete rec.replyMarkup;
  msg["edit_date"] = ctx.state.now();
  rec.edited = true;
  return structuredClone(rec.message);
}

function editMessageText(ctx: MethodContext): Message {
  const rec = messageToEdit(ctx.state, ctx.params);
  const raw = ctx.params.string("text", "text must be non-empty") as string;
  const parseMode = ctx.params.string("parse_mode");
  const text = renderText(raw, parseMode);
  if (text.trim() === "") throw badRequest("text must be non-empty");
  if (text.length > MAX_TEXT) throw badRequest("message is too long");
  if ((rec.message as { text?: string }).text === undefined) throw badRequest("there is no text in the message to edit");
  return applyEdit(ctx, rec, { field: "text", value: text, raw, parseMode });
}

function editMessageCaption(ctx: MethodContext): Message {
  const rec = messageToEdit(ctx.state, ctx.params);
  if ((rec.message as { text?: string }).text !== undefined) throw badRequest("there is no caption in the message to edit");
  const raw = ctx.params.string("caption") ?? "";
  const parseMode = ctx.params.string("parse_mode");
  const caption = renderCaption(raw, parseMode) ?? "";
  return applyEdit(ctx, rec, { field: "caption", value: caption, raw, parseMode });
}

function editMessageReplyMarkup(ctx: MethodContext): Message {
  const rec = messageToEdit(ctx.state, ctx.params);
  return applyEdit(ctx, rec, {});
}

function deleteMessage({ state, params }: MethodContext): true {
  const chat = targetChat(state, params, { sending: false });
  const id = params.int("message_id", "message identifier is not specified") as number;
  const rec = chat.messages.get(id);
  if (rec === undefined || rec.deleted) throw badRequest("message to delete not found");
  rec.deleted = true;
  return true;
}

const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
  "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

function sendChatAction({ state, params }: MethodContext): true {
  const chat = targetChat(state, params, { sending: true });
  const action = params.string("action", "wrong parameter action in request") as string;
  if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
  state.chatActions.push({ chat_id: chat.chat.id, action });
  return true;
}

export const messageMethods: MethodTable = {
  sendMessage,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  sendChatAction,
};
