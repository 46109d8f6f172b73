import type { Context } from "grammy";

type AnswerOptions = Parameters<Context["answerCallbackQuery"]>[0];

/**
 * Answers a button press (stops its spinner, or shows a short notice) while `work` runs instead of
 * before it: one Telegram round trip less before the user sees the result. The answer is asked for
 * first, and both have settled when this returns; a failure of either is the handler's, as before.
 */
export async function answerWhile(ctx: Context, work: () => Promise<unknown>, answer?: AnswerOptions): Promise<void> {
  await Promise.all([ctx.answerCallbackQuery(answer), work()]);
}
