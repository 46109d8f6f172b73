import { BotError, type Context } from "grammy";
import type { HeavyJobKind, HeavyJobs, PositionListener } from "../work/heavy-jobs.js";
import type { BotContext } from "./context.js";
import type { HtmlTranslateFlavor } from "./html.js";

type TalkingContext = Context & HtmlTranslateFlavor;

/**
 * "⏳ You're number N in line", sent once when a job has to wait and edited as the line
 * moves, then "▶️ Your turn". Telegram failing here must not fail the job: it is only news.
 */
export function lineMessage(ctx: TalkingContext): PositionListener {
  const chatId = ctx.chat?.id;
  let messageId: number | undefined;
  let chain = Promise.resolve();
  return (position) => {
    if (chatId === undefined) return;
    chain = chain
      .then(async () => {
        const text = position === 0 ? ctx.t("heavy-your-turn") : ctx.t("heavy-queued", { position });
        if (messageId === undefined) messageId = (await ctx.api.sendMessage(chatId, text)).message_id;
        else await ctx.api.editMessageText(chatId, messageId, text);
      })
      .catch(() => {});
  };
}

/**
 * Heavy work for a handler: claimed at once (a second job of the same user throws
 * HeavyJobBusyError into the error boundary, which says "one thing at a time"), then run in
 * the background so the update is answered now and the user's next updates are not held
 * up behind it (they are handled in order per chat). The job sends its own result; a
 * failure reaches the bot's one error reporter as if the handler had thrown it.
 */
export type StartHeavy = (ctx: BotContext, kind: HeavyJobKind, work: () => Promise<unknown>) => void;

export function heavyStarter(jobs: HeavyJobs, report: (err: BotError<BotContext>) => Promise<void>): StartHeavy {
  return (ctx, kind, work) => {
    // The failure is told inside the job, so the user's next heavy job waits until they have heard.
    const reported = async () => {
      try {
        await work();
      } catch (error) {
        await report(new BotError(error, ctx));
      }
    };
    jobs.run(ctx.from!.id, kind, reported, lineMessage(ctx)).catch(() => {}); // the reporter never throws
  };
}
