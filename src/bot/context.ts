import type { Context, SessionFlavor } from "grammy";
import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { HtmlTranslateFlavor } from "./html.js";

/** Chat state that is not worth a collection of its own; stored in MongoDB. */
export interface SessionData {
  /** The page of /files the user last looked at, so "back" returns there. */
  filesPage: number;
  /** The page of "My backups" the user last looked at. */
  backupsPage: number;
  /** Backups ticked in multi-delete mode (ids; the service re-checks ownership). */
  selectedBackups: string[];
  /**
   * The next message is a key, a passphrase or a public key for this step (privacy menu, opening
   * an encrypted backup). Read before any conversation, so a secret never enters a conversation's
   * stored replay log; only what is awaited is kept here, never the secret.
   */
  awaiting?: AwaitedInput;
}

export type AwaitedInput =
  | { kind: "recipient" }
  | { kind: "passphrase" }
  | { kind: "age-secret"; fileId: string; fileName: string; needs: "identity" | "passphrase" };

export function initialSession(): SessionData {
  return { filesPage: 0, backupsPage: 0, selectedBackups: [] };
}

/** i18n as the bot uses it: `t` returns HTML and escapes every string variable (see html.ts). */
export type BotI18nFlavor = Omit<I18nFlavor, "t" | "translate"> & HtmlTranslateFlavor;

/** Context inside a conversation: a fresh object with only the plugins we install there. */
export type InnerContext = Context & BotI18nFlavor;

/** Context in the main middleware tree. */
export type BotContext = ConversationFlavor<Context & SessionFlavor<SessionData> & BotI18nFlavor>;

export type BotConversation = Conversation<BotContext, InnerContext>;
