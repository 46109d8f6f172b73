import { autoRetry } from "@grammyjs/auto-retry";
import { HttpError, type Api, type Transformer } from "grammy";

/**
 * What every Api the bot talks through gets: the bot's own and the one each conversation
 * builds (grammY does not carry transformers over to it, so create-bot installs these twice).
 */
export function installApiTransformers(api: Api, opts: { networkRetryDelaysMs?: readonly number[] } = {}): void {
  // Installed first, so it sits closest to the network: auto-retry handles 429 and 5xx, and hands
  // network errors on (left to itself it would retry them without end, holding the update).
  api.config.use(boundedNetworkRetry(opts.networkRetryDelaysMs));
  api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  api.config.use(htmlParseMode());
  api.config.use(ignoreNotModified());
}

/** Waits between network retries: three more tries over ~7 s, then the error is the caller's. */
export const NETWORK_RETRY_DELAYS_MS = [1000, 2000, 4000] as const;

/**
 * Telegram unreachable (a network error, no answer at all): the call is tried again a few times,
 * then fails, so an update does not hang for hours while Telegram is away; the error boundary
 * logs it and the chat's next update is handled. A call whose signal was aborted is not retried.
 */
export function boundedNetworkRetry(delaysMs: readonly number[] = NETWORK_RETRY_DELAYS_MS): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        const delay = delaysMs[attempt];
        if (!(err instanceof HttpError) || delay === undefined || signal?.aborted) throw err;
        await pause(delay, signal);
        if (signal?.aborted) throw err;
      }
    }
  };
}

/** grammY's transformer signal (an abort-controller shim type) and the built-in one alike. */
interface AbortLike {
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Waits `ms`, or less if the signal is aborted meanwhile (a stop does not wait for a retry). */
function pause(ms: number, signal: AbortLike | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Bot API methods whose text or caption the bot writes (all of it HTML, see html.ts). */
const FORMATTED_METHODS = new Set(["sendMessage", "editMessageText", "sendDocument", "editMessageCaption", "sendPhoto", "copyMessage"]);

/**
 * Sets `parse_mode: "HTML"` on every formatted call that does not name its own, so handlers
 * never repeat it. Our own because @grammyjs/parse-mode 2.x no longer has a parse-mode
 * transformer (only fmt/FormattedString), and 1.x stamps parse_mode onto every method.
 */
export function htmlParseMode(): Transformer {
  return (prev, method, payload, signal) => {
    if (!FORMATTED_METHODS.has(method) || !payload || "parse_mode" in payload) return prev(method, payload, signal);
    return prev(method, { ...payload, parse_mode: "HTML" } as typeof payload, signal);
  };
}

const EDIT_METHODS = new Set(["editMessageText", "editMessageCaption", "editMessageReplyMarkup"]);

/**
 * The same button pressed twice edits a message into what it already shows; Telegram
 * refuses that with "message is not modified". The message already says what it should,
 * so that answer counts as success — here, once, instead of in every handler.
 */
export function ignoreNotModified(): Transformer {
  return async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (!res.ok && EDIT_METHODS.has(method) && res.error_code === 400 && res.description.includes("message is not modified")) {
      return { ok: true, result: true } as unknown as typeof res;
    }
    return res;
  };
}
