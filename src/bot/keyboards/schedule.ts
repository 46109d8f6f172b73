import { InlineKeyboard } from "grammy";
import type { ScheduleNotice, ScheduleView } from "../../jobs/index.js";
import { cb } from "../callback-data.js";
import { formatHour } from "../format.js";
import type { Translate as T } from "../html.js";

/** 🗓 Schedule: how often, then (with a schedule) the time, the time zone and the quiet ✅ line. */
export function scheduleMenuKeyboard(t: T, view: ScheduleView | null): InlineKeyboard {
  const kb = new InlineKeyboard()
    .text(t("btn-schedule-daily"), cb.scheduleFrequency("daily"))
    .text(t("btn-schedule-weekly"), cb.scheduleFrequency("weekly"))
    .row()
    .text(t("btn-schedule-monthly"), cb.scheduleFrequency("monthly"));
  if (view) {
    kb.text(t("btn-schedule-off"), cb.scheduleFrequency("off")).row();
    kb.text(t("btn-schedule-hour", { time: formatHour(view.hour) }), cb.scheduleHours).row();
    kb.text(t("btn-schedule-zone", { zone: view.timezone }), cb.scheduleZone).row();
    kb.text(t(view.successMessage ? "btn-schedule-quiet-on" : "btn-schedule-quiet-off"), cb.scheduleQuiet).row();
  } else kb.row();
  return kb.text(t("btn-drive-menu"), cb.menu("drive"));
}

/** Weekly: the day (Sunday first, as cron counts). */
export function weekdayKeyboard(t: T): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (let day = 0; day < 7; day++) {
    kb.text(t(`weekday-${day}`), cb.scheduleWeekday(day));
    if (day % 3 === 2) kb.row();
  }
  return kb.row().text(t("btn-back"), cb.scheduleMenu);
}

/** 24 hours, six to a row; the current one marked. */
export function hourKeyboard(t: T, current: number): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (let hour = 0; hour < 24; hour++) {
    kb.text(hour === current ? `• ${formatHour(hour)}` : formatHour(hour), cb.scheduleHour(hour));
    if (hour % 6 === 5) kb.row();
  }
  return kb.text(t("btn-back"), cb.scheduleMenu);
}

/** Under a scheduler notice: 🔁 Try now after a failure, 🔗 Reconnect after a revoked grant, else the Drive menu. */
export function noticeKeyboard(t: T, notice: ScheduleNotice): InlineKeyboard | undefined {
  const kb = new InlineKeyboard();
  if (notice.kind === "failed" && notice.backupId) kb.text(t("btn-schedule-try-now"), cb.scheduleTryNow(notice.backupId)).row();
  if (notice.kind === "needs_reconnect") kb.text(t("btn-drive-reconnect"), cb.driveConnect).row();
  if (notice.kind === "uploaded" || notice.kind === "unchanged") return undefined;
  return kb.text(t("btn-drive-menu"), cb.menu("drive"));
}
