import { Composer } from "grammy";
import type { BackupService } from "../../backups/backup-service.js";
import type { DriveService } from "../../drive/drive-service.js";
import type { ScheduleChoice, ScheduleService, ScheduleView } from "../../jobs/index.js";
import type { UserSettings } from "../../users/user-settings.js";
import { cb, FREQUENCY_BY_LETTER, patterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { SCHEDULE_ZONE } from "../conversations/schedule-zone.js";
import { driveMenuKeyboard } from "../keyboards/drive.js";
import { hourKeyboard, scheduleMenuKeyboard, weekdayKeyboard } from "../keyboards/schedule.js";
import { driveStatusText } from "../drive-texts.js";
import { raw } from "../html.js";
import { ownedBackup } from "../owned.js";
import { scheduleStatusLines, whenText } from "../schedule-texts.js";
import { rememberLocale } from "../remember-locale.js";

export interface ScheduleFeatureDeps {
  schedules: ScheduleService;
  drive: DriveService;
  backups: BackupService;
  settings: UserSettings;
  defaultTimezone: string;
}

/**
 * 🗓 Schedule under ☁️ Drive: Daily / Weekly (a day) / Monthly (the 1st) / ⛔ Off, the hour, the
 * time zone (typed, in a conversation), the quiet ✅ line; and 🔁 Try now under a failure notice.
 */
export function scheduleFeature(deps: ScheduleFeatureDeps): Composer<BotContext> {
  const { schedules } = deps;
  const composer = new Composer<BotContext>();

  async function show(ctx: BotContext, view: ScheduleView | null, first?: string) {
    const lines = [ctx.t("schedule-title"), ""];
    if (first) lines.push(first, "");
    lines.push(...scheduleStatusLines(ctx.t, view, deps.defaultTimezone), "", ctx.t("schedule-explain"));
    await ctx.editMessageText(lines.join("\n"), { reply_markup: scheduleMenuKeyboard(ctx.t, view) });
  }

  /** A schedule needs a connected Drive; one already set (perhaps paused) can always be changed. */
  async function driveReady(ctx: BotContext, view: ScheduleView | null): Promise<boolean> {
    if (view) return true;
    const status = await deps.drive.status(ctx.from!.id);
    if (status.availability === "ready" && status.connected) return true;
    await ctx.answerCallbackQuery({ text: ctx.t("schedule-need-drive"), show_alert: true });
    await ctx.editMessageText(driveStatusText(ctx.t, status), { reply_markup: driveMenuKeyboard(ctx.t, status) });
    return false;
  }

  async function save(ctx: BotContext, choice: ScheduleChoice) {
    const userId = ctx.from!.id;
    await rememberLocale(ctx, deps.settings);
    const view = await schedules.set(userId, choice);
    await ctx.answerCallbackQuery();
    const first = view ? ctx.t("schedule-saved", { when: raw(whenText(ctx.t, view)), zone: view.timezone }) : ctx.t("schedule-turned-off");
    await show(ctx, view, first);
  }

  composer.callbackQuery(cb.scheduleMenu, async (ctx) => {
    const view = await schedules.get(ctx.from.id);
    if (!(await driveReady(ctx, view))) return;
    await ctx.answerCallbackQuery();
    await show(ctx, view);
  });

  composer.callbackQuery(patterns.scheduleFrequency, async (ctx) => {
    const frequency = FREQUENCY_BY_LETTER[ctx.match[1] as keyof typeof FREQUENCY_BY_LETTER];
    const view = await schedules.get(ctx.from.id);
    if (frequency === "off") return save(ctx, { frequency });
    if (!(await driveReady(ctx, view))) return;
    if (frequency === "weekly") {
      await ctx.answerCallbackQuery();
      return ctx.editMessageText(ctx.t("schedule-pick-day"), { reply_markup: weekdayKeyboard(ctx.t) });
    }
    await save(ctx, { frequency, hour: view?.hour, weekday: view?.weekday });
  });

  composer.callbackQuery(patterns.scheduleWeekday, async (ctx) => {
    const view = await schedules.get(ctx.from.id);
    if (!(await driveReady(ctx, view))) return;
    await save(ctx, { frequency: "weekly", weekday: Number(ctx.match[1]), hour: view?.hour });
  });

  composer.callbackQuery(cb.scheduleHours, async (ctx) => {
    const view = await schedules.get(ctx.from.id);
    if (!view) return ctx.answerCallbackQuery({ text: ctx.t("schedule-none"), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("schedule-pick-hour", { zone: view.timezone }), { reply_markup: hourKeyboard(ctx.t, view.hour) });
  });

  composer.callbackQuery(patterns.scheduleHour, async (ctx) => {
    const view = await schedules.get(ctx.from.id);
    if (!view) return ctx.answerCallbackQuery({ text: ctx.t("schedule-none"), show_alert: true });
    await save(ctx, { frequency: view.frequency, weekday: view.weekday, hour: Number(ctx.match[1]) });
  });

  composer.callbackQuery(cb.scheduleZone, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(SCHEDULE_ZONE);
  });

  composer.callbackQuery(cb.scheduleQuiet, async (ctx) => {
    const view = await schedules.get(ctx.from.id);
    if (!view) return ctx.answerCallbackQuery({ text: ctx.t("schedule-none"), show_alert: true });
    await schedules.setSuccessMessage(ctx.from.id, !view.successMessage);
    await ctx.answerCallbackQuery({ text: ctx.t(view.successMessage ? "schedule-quiet-now-off" : "schedule-quiet-now-on") });
    await show(ctx, await schedules.get(ctx.from.id));
  });

  composer.callbackQuery(patterns.scheduleTryNow, async (ctx) => {
    const backup = await ownedBackup(ctx, deps.backups, ctx.match[1]);
    if (!backup) return;
    const status = await deps.drive.status(ctx.from.id);
    if (status.availability !== "ready" || !status.connected) {
      await ctx.answerCallbackQuery();
      await ctx.reply(driveStatusText(ctx.t, status), { reply_markup: driveMenuKeyboard(ctx.t, status) });
      return;
    }
    await schedules.tryNow(ctx.from.id, backup.id);
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t("schedule-try-now-started"));
  });

  return composer;
}
