import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs. Anything that could carry a secret or a user's code is
 * redacted by path as a second line of defence; the first is never logging it.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: "codevault" },
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
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
