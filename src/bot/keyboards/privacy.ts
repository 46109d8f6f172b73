import { InlineKeyboard } from "grammy";
import type { PrivacyStatus } from "../../privacy/privacy-settings.js";
import { cb, recipientPart } from "../callback-data.js";
import type { Translate as T } from "../html.js";

/** 🔒 Privacy: the ways to hold the key, off when on, the chat-copies toggle. */
export function privacyMenuKeyboard(t: T, status: PrivacyStatus, passphraseAvailable: boolean): InlineKeyboard {
  const kb = new InlineKeyboard().text(t("btn-privacy-generate"), cb.privacyGenerate).row().text(t("btn-privacy-paste"), cb.privacyPaste).row();
  if (passphraseAvailable) kb.text(t("btn-privacy-passphrase"), cb.privacyPassphrase).row();
  if (status.mode !== "off") {
    kb.text(t(status.chatCopies ? "btn-privacy-chat-off" : "btn-privacy-chat-on"), cb.privacyChatCopies).row();
    kb.text(t("btn-privacy-off"), cb.privacyOff).row();
  }
  return kb.text(t("btn-home"), cb.menu("home"));
}

/** Under the key file: "I saved it", naming the key it is for. */
export function keySavedKeyboard(t: T, recipient: string): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-privacy-saved"), cb.privacySaved(recipientPart(recipient)));
}

export function privacyBackKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-privacy-menu"), cb.menu("privacy")).text(t("btn-home"), cb.menu("home"));
}
