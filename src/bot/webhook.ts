import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { Update } from "grammy/types";
import type { Events } from "../events.js";
import type { BotContext } from "./context.js";

/** Which updates were already taken (db/webhook-updates.ts); the bot only asks. */
export interface UpdateClaims {
  claim(botId: number, updateId: number): Promise<"run" | "answered" | "taken">;
  answered(botId: number, updateId: number): Promise<void>;
}

/** Telegram's updates are small; anything larger is not one. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Seconds Telegram is asked to wait before sending again an update another call still holds. */
const RETRY_AFTER_SECONDS = 10;

/**
 * The webhook: Telegram posts an update; the answer never waits for long work.
 * - Heavy jobs (create, verify, import, Drive upload) start in the background and their handler
 *   returns at once (heavy-work.ts); anything else still running after `answerMs` (a restore
 *   conversation's apply step, a Telegram 429) is answered 200 by grammY's `onTimeout` and
 *   finishes in the background, under the same per-user lock and in-flight count.
 * - An update Telegram sends again (same update_id: its first call got no 2xx in time) runs once:
 *   the first call claims it (UpdateClaims, shared by every process); a repeat of an answered one
 *   is answered 200 and skipped, a repeat while the first call is still within its answer time
 *   is answered 503 so Telegram asks again later (a process that died before answering is taken
 *   over then). The secret is checked before anything is claimed.
 */
export function webhookHandler(
  bot: Bot<BotContext>,
  opts: { secret: string; answerMs: number; claims: UpdateClaims; events: Events },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const handle = webhookCallback(bot, "callback", {
    secretToken: opts.secret,
    onTimeout: () => opts.events.emit("webhook_answered_early", "warn", { afterMs: opts.answerMs }),
    timeoutMilliseconds: opts.answerMs,
  });
  return async (req, res) => {
    const header = req.headers["x-telegram-bot-api-secret-token"];
    if (typeof header !== "string" || !sameSecret(header, opts.secret)) {
      res.writeHead(401, { "content-type": "application/json" }).end('"unauthorized"');
      return;
    }
    const update = parseUpdate(await readBody(req));
    if (!update) {
      res.writeHead(400).end();
      return;
    }
    await bot.init();
    const botId = bot.botInfo.id;
    const claim = await opts.claims.claim(botId, update.update_id);
    if (claim !== "run") {
      opts.events.emit("webhook_update_repeated", "info", { updateId: update.update_id, claim });
      if (claim === "answered") res.writeHead(200).end();
      else res.writeHead(503, { "retry-after": String(RETRY_AFTER_SECONDS) }).end();
      return;
    }
    // Resolves when the update is handled, or after answerMs with the update going on in the background.
    await handle(update, () => {}, header);
    await opts.claims.answered(botId, update.update_id).catch((err: Error) =>
      opts.events.emit("webhook_claim_failed", "warn", { updateId: update.update_id, error: err.message }),
    );
    res.writeHead(200).end();
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseUpdate(body: string | undefined): Update | undefined {
  if (body === undefined) return undefined;
  try {
    const update = JSON.parse(body) as Update;
    return typeof update === "object" && update !== null && Number.isSafeInteger(update.update_id) ? update : undefined;
  } catch {
    return undefined;
  }
}
