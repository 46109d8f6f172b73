import { autoRetry } from "@grammyjs/auto-retry";
import type { Api, Transformer } from "grammy";

/**
 * What every Api the bot talks through gets: the bot's own and the one each conversation
 * builds (grammY does not carry transformers over to it, so create-bot installs these twice).
 */
export function installApiTransformers(api: Api): void {
  api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  api.config.use(htmlParseMode());
  api.config.use(ignoreNotModified());
}

/** Bot API methods whose text or caption the bot writes (all of it HTML, see html.ts). */
const FORMATTED_METHODS = new Set(["sendMessage", "editMessageText", "sendDocument", "editMessageCaption", "sendPhoto", "copyMessage"]);

/**
 * Sets `parse_mode: "HTML"` on every formatted call that does not name its own, so handlers
 * never repeat it. Our own because @grammyjs/parse-mode 2.x no longer has a parse-mode
 * transformer (only fmt/FormattedString), and 1.x stamps parse_mode onto every method.
 */
export function htmlParseMode(): Transformer {
  return (prev, method, payload, signal) => {
    if (!FORMATTED_METHODS.has(method) || !payload || "parse_mode" in payload) return prev(method, payload, signal);
    return prev(method, { ...payload, parse_mode: "HTML" } as typeof payload, signal);
  };
}

const EDIT_METHODS = new Set(["editMessageText", "editMessageCaption", "editMessageReplyMarkup"]);

/**
 * The same button pressed twice edits a message into what it already shows; Telegram
 * refuses that with "message is not modified". The message already says what it should,
 * so that answer counts as success — here, once, instead of in every handler.
 */
export function ignoreNotModified(): Transformer {
  return async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (!res.ok && EDIT_METHODS.has(method) && res.error_code === 400 && res.description.includes("message is not modified")) {
      return { ok: true, result: true } as unknown as typeof res;
    }
    return res;
  };
}
