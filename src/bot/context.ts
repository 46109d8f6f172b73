import type { Context, SessionFlavor } from "grammy";
import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";

/** Chat state that is not worth a collection of its own; stored in MongoDB. */
export interface SessionData {
  /** The page of /files the user last looked at, so "back" returns there. */
  filesPage: number;
  /** The page of "My backups" the user last looked at. */
  backupsPage: number;
  /** Backups ticked in multi-delete mode (ids; the service re-checks ownership). */
  selectedBackups: string[];
}

export function initialSession(): SessionData {
  return { filesPage: 0, backupsPage: 0, selectedBackups: [] };
}

/** Context inside a conversation: a fresh object with only the plugins we install there. */
export type InnerContext = Context & I18nFlavor;

/** Context in the main middleware tree. */
export type BotContext = ConversationFlavor<Context & SessionFlavor<SessionData> & I18nFlavor>;

export type BotConversation = Conversation<BotContext, InnerContext>;
