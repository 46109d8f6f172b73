import { classifyDriveError, DriveError } from "./drive-errors.js";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Delay before the second try; doubles each time (with jitter), at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for here: the error goes up (a scheduler may wait). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** How long to wait before try number `attempt + 1`: Google's Retry-After when it gave one, else backoff. */
export function retryDelay(err: DriveError, attempt: number, policy: RetryPolicy): number {
  if (err.detail.retryAfterMs !== undefined) return err.detail.retryAfterMs;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return exp / 2 + Math.random() * (exp / 2);
}

/**
 * Runs `fn` until it succeeds, retrying transient DriveErrors only (everything is classified
 * by classifyDriveError). `beforeRetry` runs before each new try (e.g. to refresh a token).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  hooks: { beforeRetry?: (err: DriveError) => void | Promise<void>; signal?: AbortSignal } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (raw) {
      const err = classifyDriveError(raw);
      if (!err.transient || attempt >= policy.attempts) throw err;
      const wait = retryDelay(err, attempt, policy);
      if (wait > policy.maxRetryAfterMs) throw err;
      await delay(wait, hooks.signal);
      await hooks.beforeRetry?.(err);
    }
  }
}
