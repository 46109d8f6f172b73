import type { ResponseParameters } from "grammy/types";

/** The body Telegram sends for a failed call: `{ ok: false, error_code, description, parameters? }`. */
export interface TelegramErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

/** An injected or computed API failure. `error_code` is also used as the HTTP status, like Telegram does. */
export interface FakeApiError {
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

/** Thrown by method implementations; the handler turns it into Telegram's error shape. */
export class ApiError extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = "ApiError";
  }

  toBody(): TelegramErrorBody {
    const body: TelegramErrorBody = { ok: false, error_code: this.error_code, description: this.description };
    if (this.parameters !== undefined) body.parameters = this.parameters;
    return body;
  }
}

/**
 * Thrown by the handler to simulate a dropped connection (`failNext(method, { network: true })`).
 * The in-process fetch rejects with `TypeError("fetch failed")`; the HTTP server destroys the socket.
 */
export class FakeNetworkError extends Error {
  constructor(method: string) {
    super(`fake-telegram: simulated network failure in ${method}`);
    this.name = "FakeNetworkError";
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
export const notFound = (): ApiError => new ApiError(404, "Not Found");
export const unauthorized = (): ApiError => new ApiError(401, "Unauthorized");
export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);
