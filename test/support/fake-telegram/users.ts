import type { InlineKeyboardButton, MessageEntity, Update, User } from "grammy/types";
import { documentOf, guessMime } from "./methods-files.js";
import type { ChatRecord, FakeState, MessageRecord, SentMessage } from "./state.js";

/**
 * A Telegram user talking to the bot in a private chat (chat id = user id).
 * Every action stores the user's message in the chat, queues the Update for
 * getUpdates AND returns it, so in-process tests can `await bot.handleUpdate(update)`.
 * (Don't do both for the same update: a polling bot would handle it a second time.)
 */
export interface FakeUser {
  readonly id: number;
  readonly info: User;
  readonly chatId: number;
  /** Text message; `/commands` get bot_command entities (the one at offset 0 included). */
  sendText(text: string, opts?: { replyTo?: number }): Update;
  /**
   * Document message; the bytes become downloadable via getFile + /file/bot<token>/<file_path>.
   * The fake keeps a copy, or with `shareBytes` the bytes themselves (then don't change them afterwards):
   * for a big file sent again and again, as `npm run load` sends its corpus ZIP.
   */
  sendDocument(bytes: Uint8Array, fileName: string, opts?: { mimeType?: string; caption?: string; shareBytes?: boolean }): Update;
  /** Presses an inline button: a callback_query with that message. Any callback data may be forged. */
  pressButton(messageOrId: SentMessage | number, callbackData: string): Update;
  /** Finds the button with this exact text (or matching regex) in the message's inline keyboard and presses it. */
  pressButtonByText(messageOrId: SentMessage | number, text: string | RegExp): Update;
  /** Blocks the bot: further sends to this chat fail with 403 "Forbidden: bot was blocked by the user". */
  block(): void;
  unblock(): void;
}

export function commandEntities(text: string, botUsername: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const re = /(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,})?)(?=$|\s)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const cmd = m[2] as string;
    const at = cmd.indexOf("@");
    if (at !== -1 && cmd.slice(at + 1).toLowerCase() !== botUsername.toLowerCase()) continue;
    entities.push({ type: "bot_command", offset: m.index + (m[1] as string).length, length: cmd.length });
  }
  return entities;
}

export function createUser(state: FakeState, info: User): FakeUser {
  const chat = (): ChatRecord => state.ensureChat(info);
  chat();

  const userMessage = (body: Record<string, unknown>, replyTo?: number) => {
    const c = chat();
    const message: Record<string, unknown> = { from: structuredClone(info), ...body };
    if (replyTo !== undefined) {
      const replied = c.messages.get(replyTo);
      if (replied === undefined) throw new Error(`fake-telegram: no message ${replyTo} to reply to in chat ${c.chat.id}`);
      message["reply_to_message"] = structuredClone(replied.message);
    }
    const rec = state.addMessage(c.chat.id, { fromBot: false, method: "user", message, edited: false, deleted: false } as never);
    return state.pushUpdate({ message: structuredClone(rec.message) as never });
  };

  const findMessage = (messageOrId: SentMessage | number): MessageRecord => {
    const id = typeof messageOrId === "number" ? messageOrId : messageOrId.message_id;
    const rec = chat().messages.get(id);
    if (rec === undefined) throw new Error(`fake-telegram: no message ${id} in chat ${info.id}`);
    if (rec.deleted) throw new Error(`fake-telegram: message ${id} in chat ${info.id} was deleted; its buttons cannot be pressed`);
    return rec;
  };

  const user: FakeUser = {
    id: info.id,
    info,
    chatId: info.id,
    sendText(text, opts) {
      const body: Record<string, unknown> = { text };
      const entities = commandEntities(text, state.me.username);
      if (entities.length > 0) body["entities"] = entities;
      return userMessage(body, opts?.replyTo);
    },
    sendDocument(bytes, fileName, opts) {
      const file = state.storeFile(bytes, fileName, opts?.mimeType ?? guessMime(fileName) ?? "application/octet-stream", { share: opts?.shareBytes === true });
      const body: Record<string, unknown> = { document: documentOf(file) };
      if (opts?.caption !== undefined) body["caption"] = opts.caption;
      return userMessage(body);
    },
    pressButton(messageOrId, callbackData) {
      const rec = findMessage(messageOrId);
      return state.pushUpdate({
        callback_query: {
          id: state.newCallbackQueryId(),
          from: structuredClone(info),
          message: structuredClone(rec.message) as never,
          chat_instance: `-${info.id}000`,
          data: callbackData,
        },
      });
    },
    pressButtonByText(messageOrId, text) {
      const rec = findMessage(messageOrId);
      const rows = (rec.message.reply_markup?.inline_keyboard ?? []) as InlineKeyboardButton[][];
      const buttons = rows.flat();
      const button = buttons.find((b) => (typeof text === "string" ? b.text === text : text.test(b.text)));
      if (button === undefined) {
        throw new Error(`fake-telegram: no button ${String(text)} in message ${rec.message.message_id}; buttons: ${buttons.map((b) => JSON.stringify(b.text)).join(", ")}`);
      }
      if (!("callback_data" in button) || typeof button.callback_data !== "string") {
        throw new Error(`fake-telegram: button ${JSON.stringify(button.text)} has no callback_data`);
      }
      return user.pressButton(rec.message.message_id, button.callback_data);
    },
    block() {
      chat().blocked = true;
    },
    unblock() {
      chat().blocked = false;
    },
  };
  return user;
}
