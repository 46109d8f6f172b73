import type { Transformer } from "grammy";

/** Bot API methods whose text or caption the bot writes (all of it HTML, see html.ts). */
const FORMATTED_METHODS = new Set(["sendMessage", "editMessageText", "sendDocument", "editMessageCaption", "sendPhoto", "copyMessage"]);

/**
 * Sets `parse_mode: "HTML"` on every formatted call that does not name its own, so handlers
 * never repeat it. Installed on the bot's Api and, through the conversations plugin, on the
 * Api each conversation builds (grammY does not carry transformers over to it).
 *
 * Our own because @grammyjs/parse-mode 2.x no longer has a parse-mode transformer (only
 * fmt/FormattedString), and 1.x stamps parse_mode onto every method, getUpdates included.
 */
export function htmlParseMode(): Transformer {
  return (prev, method, payload, signal) => {
    if (!FORMATTED_METHODS.has(method) || !payload || "parse_mode" in payload) return prev(method, payload, signal);
    return prev(method, { ...payload, parse_mode: "HTML" } as typeof payload, signal);
  };
}
