import type { Context, MiddlewareFn } from "grammy";
import type { I18nFlavor } from "@grammyjs/i18n";

/**
 * Every message the bot sends is HTML (parse_mode is set once, as an API transformer).
 * So text from a user or an archive must be escaped on its way in, and that is the
 * default here: a translation's string variables and the `html` template's values are
 * escaped unless they are marked as markup we built ourselves with `raw()`.
 */

/** Markup the bot built itself (a translation, a code block): interpolated as it is. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** Marks already-built HTML (e.g. another translation) so it is not escaped a second time. */
export function raw(markup: string): Html {
  return new Html(markup);
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes & < > and both quotes, so the text is safe in HTML content and in attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export type MessageValue = string | number | Html;
export type MessageVars = Record<string, MessageValue>;

function escapeValue(value: MessageValue): string | number {
  if (value instanceof Html) return value.markup;
  return typeof value === "number" ? value : escapeHtml(value);
}

/** Variables for a translation: strings escaped, numbers as they are, `raw()` markup unwrapped. */
export function escapeVars(vars: MessageVars | undefined): Record<string, string | number> | undefined {
  return vars && Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, escapeValue(value)]));
}

/** Template tag for markup built in code: every `${value}` is escaped unless it is `raw()`. */
export function html(strings: TemplateStringsArray, ...values: MessageValue[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? String(escapeValue(values[i]!)) : ""), "");
}

/** `ctx.t` as the bot uses it: returns HTML; string variables are escaped unless `raw()`. */
export type Translate = (key: string, vars?: MessageVars) => string;

export interface HtmlTranslateFlavor {
  t: Translate;
  translate: Translate;
}

/**
 * Installed right after the i18n plugin (in the main tree and inside conversations):
 * wraps its `t` so every variable passes through `escapeHtml` — one path for all messages.
 */
export function escapingTranslate<C extends Context>(): MiddlewareFn<C> {
  return async (ctx, next) => {
    const translate = (ctx as unknown as I18nFlavor).translate;
    const t: Translate = (key, vars) => translate(key, escapeVars(vars));
    const c = ctx as unknown as HtmlTranslateFlavor;
    c.t = t;
    c.translate = t;
    await next();
  };
}

/** A code block for a file preview; the language becomes a class name, so it is escaped too. */
export function codeBlock(content: string, language: string): string {
  return html`<pre><code class="language-${language}">${content}</code></pre>`;
}

const DECODED: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** Our HTML as the user reads it (tags removed, entities decoded): for places without parse mode, like alerts. */
export function plainText(markup: string): string {
  return markup.replace(/<[^>]*>/g, "").replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => DECODED[e]!);
}

/** The length Telegram counts (text after entities are parsed). */
export function visibleLength(markup: string): number {
  return plainText(markup).length;
}
