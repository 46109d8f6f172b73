import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import { Composer, type Context, type MiddlewareFn } from "grammy";
import { escapingTranslate } from "./html.js";
import { isLocale, type Locale, type UserSettings } from "../users/user-settings.js";

export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

/** Telegram's language_code ("he", "iw", "en-US", "pt-br") → one of our locales. */
export function localeFromTelegram(code: string | undefined): Locale | undefined {
  const base = code?.toLowerCase().split("-")[0];
  if (base === "iw") return "he";
  return isLocale(base) ? base : undefined;
}

/**
 * The user's saved choice wins, then their Telegram language, then the default.
 * The same negotiator serves the main tree and conversations, which have no session.
 */
export function createI18n(opts: { defaultLocale: Locale; settings: UserSettings }): I18n<Context> {
  return new I18n<Context>({
    defaultLocale: opts.defaultLocale,
    directory: LOCALES_DIR,
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: async (ctx) => {
      if (!ctx.from) return opts.defaultLocale;
      return (await opts.settings.getLocale(ctx.from.id)) ?? localeFromTelegram(ctx.from.language_code) ?? opts.defaultLocale;
    },
  });
}

/**
 * The i18n plugin followed by the escaping `t` (html.ts): installed once in the main tree
 * and once inside conversations, which build a fresh context with only their own plugins.
 */
export function translations(i18n: I18n<Context>): Composer<Context> {
  const composer = new Composer<Context>();
  // The plugin's middleware adds the I18nFlavor it is typed to require; escapingTranslate narrows `t`.
  composer.use(i18n.middleware() as unknown as MiddlewareFn<Context>);
  composer.use(escapingTranslate());
  return composer;
}
