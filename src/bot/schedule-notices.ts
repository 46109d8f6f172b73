import type { Api } from "grammy";
import type { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { BackupService } from "../backups/backup-service.js";
import type { Notify, ScheduleNotice } from "../jobs/index.js";
import type { Locale, UserSettings } from "../users/user-settings.js";
import { escapeVars, type Translate } from "./html.js";
import { noticeKeyboard } from "./keyboards/schedule.js";
import { noticeText } from "./schedule-texts.js";

export interface NoticeDeps {
  api: Api;
  i18n: I18n<Context>;
  settings: UserSettings;
  backups: BackupService;
  defaultLocale: Locale;
}

/**
 * The scheduler's `notify`, provided by the bot: each notice becomes one message in the user's
 * language (their saved choice, else the default), with 🔁 Try now or 🔗 Reconnect where they
 * help. The scheduler decides when to tell; this only words it. A send that fails throws, so the
 * scheduler can log it (and the overdue check tries again next time).
 */
export function scheduleNotifier(deps: NoticeDeps): Notify {
  return async (userId: number, notice: ScheduleNotice) => {
    const locale = (await deps.settings.getLocale(userId)) ?? deps.defaultLocale;
    const t: Translate = (key, vars) => deps.i18n.t(locale, key, escapeVars(vars));
    const dates = new Map<string, Date>();
    if (notice.kind === "self_check") {
      for (const p of notice.problems) {
        const backup = await deps.backups.get(userId, p.backupId);
        if (backup) dates.set(p.backupId, backup.createdAt);
      }
    }
    const keyboard = noticeKeyboard(t, notice);
    await deps.api.sendMessage(userId, noticeText(t, notice, dates), {
      link_preview_options: { is_disabled: true },
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
  };
}
