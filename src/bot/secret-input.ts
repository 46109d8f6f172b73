import { Composer } from "grammy";
import type { PrivateCopies } from "../privacy/private-copies.js";
import type { BotContext } from "./context.js";
import { ageSecretInput, type EncryptedRestoreDeps } from "./features/encrypted-restore.js";
import { privacyInput } from "./features/privacy.js";

/**
 * Answers the bot asked for that are (or may be) secrets: a passphrase, a secret key, a public
 * key. Installed before the conversations on purpose: @grammyjs/conversations keeps every update
 * a conversation sees in its state in MongoDB, and these messages must never be stored. The step
 * (session.awaiting) ends with its answer, with /cancel, any other command, or any button.
 */
export function secretInput(deps: EncryptedRestoreDeps & { privacy: PrivateCopies }): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(async (ctx, next) => {
    const awaiting = ctx.session.awaiting;
    if (!awaiting) return next();
    const text = ctx.message?.text;
    if (ctx.callbackQuery || text?.startsWith("/")) {
      delete ctx.session.awaiting;
      if (/^\/cancel(@\w+)?$/.test(text ?? "")) return ctx.reply(ctx.t("cancel-done"));
      return next();
    }
    if (await privacyInput(ctx, awaiting, deps.privacy)) return;
    if (await ageSecretInput(ctx, awaiting, deps)) return;
    return next();
  });
  return composer;
}
