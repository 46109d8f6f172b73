import type {
  BotCommand,
  Chat,
  InlineKeyboardMarkup,
  Message,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";
import type { FakeApiError } from "./errors.js";

/** Anything a bot may pass as `reply_markup` (kept verbatim for tests). */
export type AnyReplyMarkup = Record<string, unknown>;

/** A file known to the fake: uploaded by the bot or sent by a fake user. */
export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  file_name: string;
  mime_type?: string;
  bytes: Uint8Array;
}

/** One message in a private chat, sent either by the bot or by the user. */
export interface MessageRecord {
  fromBot: boolean;
  /** The Telegram `Message` object as it currently is (after edits). */
  message: Message;
  /** Text/caption exactly as the bot sent it (before parse_mode markup was removed). */
  rawText?: string;
  rawCaption?: string;
  parseMode?: string;
  /** Everything the bot passed as reply_markup, including reply keyboards (Telegram only echoes inline ones). */
  replyMarkup?: AnyReplyMarkup;
  file?: StoredFile;
  edited: boolean;
  deleted: boolean;
  method: string;
}

/** What tests see about a message the bot sent; a snapshot taken when you ask. */
export interface SentMessage {
  message_id: number;
  chat_id: number;
  /** Which API method produced it ("sendMessage", "sendDocument"). */
  method: string;
  date: number;
  /** Text as the user sees it (HTML/MarkdownV2 markup removed), like Telegram's `Message.text`. */
  text?: string;
  /** Text exactly as the bot sent it, markup included. */
  rawText?: string;
  caption?: string;
  rawCaption?: string;
  parse_mode?: string;
  reply_markup?: AnyReplyMarkup;
  document?: { file_id: string; file_unique_id: string; file_name: string; mime_type?: string; file_size: number; bytes: Uint8Array };
  edited: boolean;
  deleted: boolean;
  /** The Telegram `Message` object the bot got back (current state). */
  message: Message;
}

export interface ChatRecord {
  user: User;
  chat: Chat.PrivateChat;
  nextMessageId: number;
  messages: Map<number, MessageRecord>;
  blocked: boolean;
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** Result or error as returned to the bot. */
  ok?: boolean;
  error_code?: number;
  description?: string;
}

export type Failure = FakeApiError | { network: true };

const clone = <T>(v: T): T => structuredClone(v);

export class FakeState {
  readonly chats = new Map<number, ChatRecord>();
  readonly files = new Map<string, StoredFile>();
  readonly filesByPath = new Map<string, StoredFile>();
  /** Bot-sent message records in send order. */
  readonly sentLog: MessageRecord[] = [];
  /** Unconfirmed updates (getUpdates drops those below `offset`). */
  updates: Update[] = [];
  nextUpdateId = 1;
  allowedUpdates: string[] | undefined;
  readonly commands = new Map<string, BotCommand[]>();
  readonly callbackAnswers: CallbackAnswer[] = [];
  /** Callback query ids issued by pressButton and not yet answered. */
  readonly openCallbackQueries = new Set<string>();
  readonly failures = new Map<string, Failure[]>();
  readonly calls: ApiCall[] = [];
  /** File paths downloaded through /file/bot<token>/<path>, oldest first. */
  readonly downloads: string[] = [];
  readonly chatActions: { chat_id: number; action: string }[] = [];
  webhookUrl = "";
  private fileCounter = 0;
  private callbackCounter = 0;
  private readonly updateListeners = new Set<() => void>();
  /** Ends the currently waiting getUpdates with 409 when another one arrives. */
  activePoll: ((err: Error) => void) | undefined;

  constructor(
    readonly token: string,
    readonly me: UserFromGetMe,
  ) {}

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  // ---- users & chats -------------------------------------------------------

  ensureChat(user: User): ChatRecord {
    let rec = this.chats.get(user.id);
    if (rec === undefined) {
      const chat: Chat.PrivateChat = { id: user.id, type: "private", first_name: user.first_name };
      if (user.username !== undefined) chat.username = user.username;
      if (user.last_name !== undefined) chat.last_name = user.last_name;
      rec = { user, chat, nextMessageId: 1, messages: new Map(), blocked: false };
      this.chats.set(user.id, rec);
    }
    return rec;
  }

  addMessage(chatId: number, rec: Omit<MessageRecord, "message"> & { message: Omit<Message, "message_id" | "date" | "chat"> }): MessageRecord {
    const chat = this.chats.get(chatId);
    if (chat === undefined) throw new Error(`fake-telegram: no chat ${chatId}`);
    const message_id = chat.nextMessageId++;
    const message = { message_id, date: this.now(), chat: clone(chat.chat), ...rec.message } as Message;
    const full: MessageRecord = { ...rec, message };
    chat.messages.set(message_id, full);
    if (full.fromBot) this.sentLog.push(full);
    return full;
  }

  findMessage(chatId: number, messageId: number): MessageRecord | undefined {
    return this.chats.get(chatId)?.messages.get(messageId);
  }

  // ---- files -------------------------------------------------------------

  /**
   * Keeps a copy of `bytes`, or with `share` the bytes themselves: for bytes nothing else will
   * change (an upload's body; a big file a test sends again and again), where a 20 MB copy is a
   * stretch in which the fake answers no one else. Stored bytes are never changed by the fake.
   */
  storeFile(bytes: Uint8Array, fileName: string, mimeType?: string, opts: { share?: boolean } = {}): StoredFile {
    const n = ++this.fileCounter;
    const dot = fileName.lastIndexOf(".");
    const ext = dot > 0 ? fileName.slice(dot).replace(/[^.\w-]/g, "") : "";
    const file: StoredFile = {
      file_id: `BQACAgIAAxkBAAIfake${n.toString().padStart(6, "0")}`,
      file_unique_id: `AgADfake${n}`,
      file_path: `documents/file_${n}${ext}`,
      file_name: fileName,
      bytes: opts.share === true ? bytes : new Uint8Array(bytes),
    };
    if (mimeType !== undefined) file.mime_type = mimeType;
    this.files.set(file.file_id, file);
    this.filesByPath.set(file.file_path, file);
    return file;
  }

  // ---- updates -------------------------------------------------------------

  pushUpdate(body: Omit<Update, "update_id">): Update {
    const update = { update_id: this.nextUpdateId++, ...body } as Update;
    this.updates.push(clone(update));
    for (const l of [...this.updateListeners]) l();
    return update;
  }

  onUpdate(listener: () => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  newCallbackQueryId(): string {
    const id = `${Date.now()}${++this.callbackCounter}`;
    this.openCallbackQueries.add(id);
    return id;
  }

  // ---- failures --------------------------------------------------------------

  takeFailure(method: string): Failure | undefined {
    const queue = this.failures.get(method.toLowerCase());
    const f = queue?.shift();
    if (queue !== undefined && queue.length === 0) this.failures.delete(method.toLowerCase());
    return f;
  }

  // ---- views for tests -------------------------------------------------------

  snapshot(rec: MessageRecord): SentMessage {
    const m = rec.message as Message & { text?: string; caption?: string };
    const out: SentMessage = {
      message_id: m.message_id,
      chat_id: m.chat.id,
      method: rec.method,
      date: m.date,
      edited: rec.edited,
      deleted: rec.deleted,
      message: clone(rec.message),
    };
    if (m.text !== undefined) out.text = m.text;
    if (rec.rawText !== undefined) out.rawText = rec.rawText;
    if (m.caption !== undefined) out.caption = m.caption;
    if (rec.rawCaption !== undefined) out.rawCaption = rec.rawCaption;
    if (rec.parseMode !== undefined) out.parse_mode = rec.parseMode;
    if (rec.replyMarkup !== undefined) out.reply_markup = clone(rec.replyMarkup);
    if (rec.file !== undefined) {
      const f = rec.file;
      out.document = {
        file_id: f.file_id,
        file_unique_id: f.file_unique_id,
        file_name: f.file_name,
        file_size: f.bytes.byteLength,
        bytes: new Uint8Array(f.bytes),
      };
      if (f.mime_type !== undefined) out.document.mime_type = f.mime_type;
    }
    return out;
  }
}

/** Telegram only echoes inline keyboards in `Message.reply_markup`. */
export function inlineOnly(markup: AnyReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  if (markup !== undefined && Array.isArray(markup["inline_keyboard"])) return clone(markup) as unknown as InlineKeyboardMarkup;
  return undefined;
}

export function commandsKey(scope: Record<string, unknown> | undefined, languageCode: string | undefined): string {
  const s = scope ?? { type: "default" };
  const parts = [String(s["type"] ?? "default")];
  if (s["chat_id"] !== undefined) parts.push(`chat=${String(s["chat_id"])}`);
  if (s["user_id"] !== undefined) parts.push(`user=${String(s["user_id"])}`);
  return `${parts.join(",")}|${languageCode ?? ""}`;
}
