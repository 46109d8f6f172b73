/**
 * Faults the next matching requests get instead of an answer.
 * - status: an HTTP error with Google's error body (reason, Retry-After).
 * - drop: the connection is destroyed; for an upload PUT, after `afterBytes` of its body arrived
 *   (the server keeps what it received, in whole 256 KiB blocks, as Google does).
 * - hold: the request waits, unanswered, until `until` resolves, then is served as usual; one
 *   whose client gave up meanwhile (the connection closed) is dropped without effect.
 *   `onHeld` is called when it starts waiting.
 */
export type Fault =
  | { kind: "status"; status: number; reason?: string; message?: string; retryAfter?: number }
  | { kind: "drop"; afterBytes?: number }
  | { kind: "hold"; until: Promise<void>; onHeld?: () => void };

export interface FaultRule {
  fault: Fault;
  /** How many matching requests get it. */
  times: number;
  /** Only requests whose path (without query) contains this string or matches this RegExp. */
  path?: string | RegExp;
  method?: string;
  /** Only uploads that carry data (PUT with a body), not session status queries. */
  withBody?: boolean;
  /** Only requests without a body (a resumable session's status query). */
  withoutBody?: boolean;
  /** Let this many matching requests through first. */
  after?: number;
}

export class Faults {
  private rules: FaultRule[] = [];
  /** How many faults were served. */
  served = 0;

  /** Fails the next `times` requests (matching `path`/`method`, if given) with `fault`. */
  add(fault: Fault, opts: Omit<FaultRule, "fault" | "times"> & { times?: number } = {}): void {
    this.rules.push({ ...opts, fault, times: opts.times ?? 1, after: opts.after ?? 0 });
  }

  clear(): void {
    this.rules = [];
  }

  take(method: string, path: string, hasBody: boolean): Fault | undefined {
    const rule = this.rules.find(
      (r) =>
        r.times > 0 &&
        (!r.method || r.method === method) &&
        (!r.withBody || hasBody) &&
        (!r.withoutBody || !hasBody) &&
        (r.path === undefined || (typeof r.path === "string" ? path.includes(r.path) : r.path.test(path))),
    );
    if (!rule) return undefined;
    if (rule.after) {
      rule.after -= 1;
      return undefined;
    }
    rule.times -= 1;
    this.rules = this.rules.filter((r) => r.times > 0);
    this.served += 1;
    return rule.fault;
  }
}

/** Google's JSON error body for the Drive API. */
export function driveErrorBody(status: number, reason: string, message: string) {
  return { error: { code: status, message, errors: [{ domain: domainOf(reason), reason, message }] } };
}

function domainOf(reason: string): string {
  return /Limit|quota/i.test(reason) ? "usageLimits" : "global";
}

export const DEFAULT_REASONS: Record<number, [string, string]> = {
  400: ["badRequest", "Bad Request"],
  401: ["authError", "Invalid Credentials"],
  403: ["forbidden", "Forbidden"],
  404: ["notFound", "File not found."],
  429: ["rateLimitExceeded", "Rate Limit Exceeded"],
  500: ["backendError", "Backend Error"],
  502: ["backendError", "Bad Gateway"],
  503: ["backendError", "Service Unavailable"],
};
