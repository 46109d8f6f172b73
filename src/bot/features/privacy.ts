import { Composer, InputFile } from "grammy";
import { PASSPHRASE_MAX_LENGTH, PASSPHRASE_MIN_LENGTH } from "../../privacy/age-keys.js";
import { isPrivacyError } from "../../privacy/privacy-errors.js";
import type { PrivacyStatus } from "../../privacy/privacy-settings.js";
import type { PrivateCopies } from "../../privacy/private-copies.js";
import { cb, patterns, recipientPart } from "../callback-data.js";
import type { AwaitedInput, BotContext } from "../context.js";
import { clip } from "../format.js";
import { plainText, type Translate as T } from "../html.js";
import { keySavedKeyboard, privacyBackKeyboard, privacyMenuKeyboard } from "../keyboards/privacy.js";

const alert = (text: string) => ({ text: clip(plainText(text), 200), show_alert: true });

/** The message for a PrivacyError code (one key per code, in the locales). */
export function privacyErrorText(t: T, code: string): string {
  return t(`privacy-error-${code}`, { min: String(PASSPHRASE_MIN_LENGTH), max: String(PASSPHRASE_MAX_LENGTH) });
}

function statusText(t: T, s: PrivacyStatus): string {
  const lines = [t("privacy-title"), "", t("privacy-explain"), ""];
  if (s.mode === "recipient") lines.push(t(s.keySource === "generated" ? "privacy-status-generated" : "privacy-status-pasted", { recipient: s.recipient ?? "" }));
  else lines.push(t(s.mode === "passphrase" ? "privacy-status-passphrase" : "privacy-status-off"));
  if (s.mode !== "off") lines.push(t(s.chatCopies ? "privacy-status-chat-on" : "privacy-status-chat-off"));
  if (s.keyPending) lines.push(t("privacy-status-pending"));
  return lines.join("\n");
}

/**
 * 🔒 Privacy: "my key" (a generated identity whose secret is sent once, as a file, and deleted
 * from the chat once the user says they saved it; or their own pasted `age1…`), a passphrase
 * (kept sealed; the menu says the server could decrypt), off, and the chat-copies toggle.
 * The key, passphrase or public key the user types is read by `privacyInput` (secret-input.ts).
 */
export function privacyFeature(deps: { privacy: PrivateCopies }): Composer<BotContext> {
  const { privacy } = deps;
  const composer = new Composer<BotContext>();

  async function showMenu(ctx: BotContext, edit: boolean, extra: string[] = []) {
    const status = await privacy.status(ctx.from!.id);
    const text = [statusText(ctx.t, status), ...extra].join("\n\n");
    const options = { reply_markup: privacyMenuKeyboard(ctx.t, status, privacy.passphraseAvailable) };
    if (edit) await ctx.editMessageText(text, options);
    else await ctx.reply(text, options);
  }

  composer.command("privacy", (ctx) => showMenu(ctx, false));
  composer.callbackQuery(cb.menu("privacy"), async (ctx) => {
    await ctx.answerCallbackQuery();
    await showMenu(ctx, true);
  });

  composer.callbackQuery(cb.privacyGenerate, async (ctx) => {
    await ctx.answerCallbackQuery();
    const key = await privacy.generateKey(ctx.from.id);
    // The secret exists only in this message (and the user's copy of it); the server keeps the public half.
    await ctx.replyWithDocument(new InputFile(Buffer.from(key.keyFileText, "utf8"), key.keyFileName), {
      caption: ctx.t("privacy-key-caption", { file: key.keyFileName }),
      reply_markup: keySavedKeyboard(ctx.t, key.recipient),
    });
  });

  composer.callbackQuery(patterns.privacySaved, async (ctx) => {
    const userId = ctx.from.id;
    const before = await privacy.status(userId);
    const pending = before.pendingRecipient;
    // Whatever happens next, the message with a secret key goes.
    await ctx.deleteMessage().catch(() => {});
    if (!pending || recipientPart(pending) !== ctx.match[1]) return ctx.answerCallbackQuery(alert(ctx.t("privacy-key-stale")));
    await privacy.confirmKey(userId, pending);
    await ctx.answerCallbackQuery();
    const lines = [ctx.t("privacy-key-confirmed")];
    if (before.mode !== "off") lines.push(ctx.t("privacy-new-copies-only"));
    await ctx.reply(lines.join("\n"), { reply_markup: privacyBackKeyboard(ctx.t) });
  });

  composer.callbackQuery(cb.privacyPaste, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.exitAll();
    ctx.session.awaiting = { kind: "recipient" };
    await ctx.reply(ctx.t("privacy-paste-ask"));
  });

  composer.callbackQuery(cb.privacyPassphrase, async (ctx) => {
    if (!privacy.passphraseAvailable) return ctx.answerCallbackQuery(alert(ctx.t("privacy-passphrase-unavailable")));
    await ctx.answerCallbackQuery();
    await ctx.conversation.exitAll();
    ctx.session.awaiting = { kind: "passphrase" };
    await ctx.reply(ctx.t("privacy-passphrase-ask", { min: PASSPHRASE_MIN_LENGTH }));
  });

  composer.callbackQuery(cb.privacyOff, async (ctx) => {
    const before = await privacy.status(ctx.from.id);
    await ctx.answerCallbackQuery();
    await privacy.turnOff(ctx.from.id);
    await showMenu(ctx, true, before.mode === "off" ? [] : [ctx.t("privacy-off-done"), ctx.t("privacy-new-copies-only")]);
  });

  composer.callbackQuery(cb.privacyChatCopies, async (ctx) => {
    const status = await privacy.status(ctx.from.id);
    if (status.mode === "off") return ctx.answerCallbackQuery(alert(ctx.t("privacy-chat-needs-mode")));
    await ctx.answerCallbackQuery();
    await privacy.setChatCopies(ctx.from.id, !status.chatCopies);
    await showMenu(ctx, true, [ctx.t(status.chatCopies ? "privacy-chat-off-done" : "privacy-chat-on-done")]);
  });

  return composer;
}

/**
 * The public key or passphrase the privacy menu asked for. The passphrase's message is deleted
 * before anything else; so is a secret key pasted where the public key belongs. Returns false
 * when the message is not an answer to this step (it then goes on to the other handlers).
 */
export async function privacyInput(ctx: BotContext, awaiting: AwaitedInput, privacy: PrivateCopies): Promise<boolean> {
  const text = ctx.message?.text;
  if (text === undefined || (awaiting.kind !== "recipient" && awaiting.kind !== "passphrase")) return false;
  const userId = ctx.from!.id;
  const before = await privacy.status(userId);
  const secret = awaiting.kind === "passphrase" || /AGE-SECRET-KEY-/i.test(text);
  const deleted = secret ? await ctx.deleteMessage().then(() => true, () => false) : true;
  const notDeleted = deleted ? [] : [ctx.t("privacy-delete-yourself")];
  try {
    const status = awaiting.kind === "passphrase" ? await privacy.usePassphrase(userId, text) : await privacy.useRecipient(userId, text);
    delete ctx.session.awaiting;
    const lines = [awaiting.kind === "passphrase" ? ctx.t("privacy-passphrase-set") : ctx.t("privacy-recipient-set", { recipient: status.recipient ?? "" })];
    if (before.mode !== "off") lines.push(ctx.t("privacy-new-copies-only"));
    await ctx.reply([...lines, ...notDeleted].join("\n"), { reply_markup: privacyBackKeyboard(ctx.t) });
  } catch (err) {
    if (!isPrivacyError(err)) throw err;
    // Still waiting: the user may try again (or /cancel).
    await ctx.reply([privacyErrorText(ctx.t, err.code), ...notDeleted, ctx.t("age-restore-try-again")].join("\n"));
  }
  return true;
}
