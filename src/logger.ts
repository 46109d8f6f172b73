import { pino, type Logger } from "pino";

export type { Logger };

const REDACTED = "[redacted]";

/**
 * Secrets that can hide inside any string (an error message, a stack, a URL):
 * a bot token (`123456789:AA...`), the `bot<token>` segment of Bot API and file
 * URLs, and the value of an Authorization header or a Bearer/Basic credential.
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\/bot[^/\s"'?#]+/g, `/bot${REDACTED}`],
  [/\b\d{3,}:[A-Za-z0-9_-]{30,}/g, REDACTED],
  [/((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic|token)\s+)?[^\s"',;}]+/gi, `$1${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]+=*/g, `$1 ${REDACTED}`],
];
/** Keys whose whole value is a secret, whatever their case or nesting. */
const SECRET_KEYS = /^(authorization|proxy-authorization|cookie|set-cookie|x-telegram-bot-api-secret-token)$/i;

/** `text` with every secret pattern replaced by "[redacted]". */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A copy of a log argument with every string scrubbed, at any depth: error
 * messages and stacks too (errors stay errors, so pino still serializes them).
 */
function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (value instanceof Error) {
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Error & Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(value)) {
      copy[key] = SECRET_KEYS.test(key) ? REDACTED : scrubValue((value as unknown as Record<string, unknown>)[key], depth + 1);
    }
    if (value.cause !== undefined) copy.cause = scrubValue(value.cause, depth + 1);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  // Only plain objects are rebuilt; others (ObjectId, Date, Buffer, URL) keep their own JSON form.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value instanceof URL ? scrubSecrets(value.href) : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEYS.test(key) ? REDACTED : scrubValue(v, depth + 1);
  return out;
}

/**
 * Structured JSON logs that cannot carry a secret, by construction: every
 * argument of every log call (message, fields, errors with their message and
 * stack) is scrubbed of bot tokens and Authorization values before pino sees
 * it, and fields that hold secrets or a user's code are redacted by path.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: "codevault" },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => scrubValue(arg)) as Parameters<typeof method>);
        },
      },
      formatters: {
        // Child-logger bindings and anything a mixin adds do not pass through logMethod.
        bindings: (bindings) => scrubValue(bindings) as Record<string, unknown>,
        log: (object) => scrubValue(object) as Record<string, unknown>,
      },
      redact: {
        paths: [
          "token",
          "*.token",
          "botToken",
          "*.botToken",
          "content",
          "*.content",
          "code",
          "*.code",
          "accessToken",
          "refreshToken",
          "*.accessToken",
          "*.refreshToken",
          "authorization",
          "*.authorization",
          "Authorization",
          "*.Authorization",
          "headers.authorization",
          "*.headers.authorization",
        ],
        censor: REDACTED,
      },
    },
    destination,
  );
}
