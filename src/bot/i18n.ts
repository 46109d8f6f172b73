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
 * The user's saved language, read from MongoDB once per update: the main tree's i18n, the i18n a
 * conversation installs again and the early reads of chat-state-prefetch.ts share that one read.
 * A choice saved during the update is applied with `ctx.i18n.useLocale` (features/language.ts).
 */
export class SavedLocales {
  private readonly byUpdate = new WeakMap<object, Promise<Locale | undefined>>();

  constructor(private readonly settings: UserSettings) {}

  of(ctx: Context): Promise<Locale | undefined> {
    const userId = ctx.from?.id;
    if (userId === undefined) return Promise.resolve(undefined);
    let read = this.byUpdate.get(ctx.update);
    if (read === undefined) {
      read = this.settings.getLocale(userId);
      read.catch(() => undefined); // i18n awaits it and reports the error; an early read must not crash the process
      this.byUpdate.set(ctx.update, read);
    }
    return read;
  }
}

/**
 * The user's saved choice wins, then their Telegram language, then the default.
 * The same negotiator serves the main tree and conversations, which have no session.
 */
export function createI18n(opts: { defaultLocale: Locale; locales: SavedLocales }): I18n<Context> {
  return new I18n<Context>({
    defaultLocale: opts.defaultLocale,
    directory: LOCALES_DIR,
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: async (ctx) => {
      if (!ctx.from) return opts.defaultLocale;
      return (await opts.locales.of(ctx)) ?? localeFromTelegram(ctx.from.language_code) ?? opts.defaultLocale;
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
