import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";
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
export function createI18n<C extends Context>(opts: { defaultLocale: Locale; settings: UserSettings }): I18n<C> {
  return new I18n<C>({
    defaultLocale: opts.defaultLocale,
    directory: LOCALES_DIR,
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: async (ctx) => {
      if (!ctx.from) return opts.defaultLocale;
      return (await opts.settings.getLocale(ctx.from.id)) ?? localeFromTelegram(ctx.from.language_code) ?? opts.defaultLocale;
    },
  });
}
