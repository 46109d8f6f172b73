import { InlineKeyboard } from "grammy";
import { ScheduleError, type ScheduleService } from "../../jobs/index.js";
import { cb } from "../callback-data.js";
import type { BotConversation, InnerContext } from "../context.js";
import { remind } from "./remind.js";

export const SCHEDULE_ZONE = "schedule-zone";

/** Asks for the schedule's time zone as an IANA name; an unknown name is asked again, /cancel keeps the old one. */
export function scheduleZoneConversation(deps: { schedules: ScheduleService }) {
  return async function scheduleZone(conversation: BotConversation, ctx: InnerContext) {
    const userId = ctx.from!.id;
    const current = await conversation.external(async () => (await deps.schedules.get(userId))?.timezone ?? null);
    if (!current) {
      await ctx.reply(ctx.t("schedule-none"));
      return;
    }
    await ctx.reply(ctx.t("schedule-zone-ask", { zone: current }));
    for (;;) {
      const answer = await conversation.waitFor("message:text", { otherwise: remind("edit-expect-text") });
      const text = answer.message.text.trim();
      if (text.startsWith("/")) await conversation.halt({ next: true });
      const saved = await conversation.external(async () => {
        const view = await deps.schedules.get(userId);
        if (!view) return { ok: false as const, reason: "none" as const };
        try {
          const next = await deps.schedules.set(userId, { frequency: view.frequency, hour: view.hour, weekday: view.weekday, timezone: text });
          return { ok: true as const, zone: next!.timezone };
        } catch (err) {
          if (err instanceof ScheduleError && err.field === "timezone") return { ok: false as const, reason: "invalid" as const };
          throw err;
        }
      });
      if (saved.ok) {
        await answer.reply(answer.t("schedule-zone-saved", { zone: saved.zone }), {
          reply_markup: new InlineKeyboard().text(answer.t("btn-schedule"), cb.scheduleMenu),
        });
        return;
      }
      if (saved.reason === "none") {
        await answer.reply(answer.t("schedule-none"));
        return;
      }
      await answer.reply(answer.t("schedule-zone-invalid", { zone: text.slice(0, 64) }));
    }
  };
}
