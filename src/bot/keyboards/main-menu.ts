import { InlineKeyboard } from "grammy";
import { cb } from "../callback-data.js";

type T = (key: string, vars?: Record<string, string | number>) => string;

export function mainMenuKeyboard(t: T): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("menu-files"), cb.menu("files"))
    .text(t("menu-save"), cb.menu("save"))
    .row()
    .text(t("menu-backups"), cb.menu("backups"))
    .text(t("menu-restore"), cb.menu("restore"))
    .row()
    .text(t("menu-drive"), cb.menu("drive"))
    .text(t("menu-language"), cb.menu("language"))
    .row()
    .text(t("menu-privacy"), cb.menu("privacy"))
    .text(t("menu-help"), cb.menu("help"));
}

export function homeButton(t: T): InlineKeyboard {
  return new InlineKeyboard().text(t("btn-home"), cb.menu("home"));
}
