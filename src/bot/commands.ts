import type { Api } from "grammy";
import type { I18n } from "@grammyjs/i18n";
import { SUPPORTED_LOCALES } from "../users/user-settings.js";

export const COMMANDS = ["start", "files", "save", "backup", "restore", "github", "drive", "language", "help", "cancel"] as const;

/** Registers the command menu in every supported language (English also as the default). */
export async function registerCommands(api: Api, i18n: I18n<never>): Promise<void> {
  const list = (locale: string) => COMMANDS.map((command) => ({ command, description: i18n.t(locale, `cmd-${command}`) }));
  await api.setMyCommands(list("en"));
  for (const locale of SUPPORTED_LOCALES) await api.setMyCommands(list(locale), { language_code: locale });
}
