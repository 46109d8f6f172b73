import { botMethods } from "./methods-bot.js";
import { fileMethods } from "./methods-files.js";
import { messageMethods } from "./methods-messages.js";
import type { Params } from "./params.js";
import type { FakeState } from "./state.js";

/** What a Bot API method implementation receives. `signal` aborts when the client goes away. */
export interface MethodContext {
  state: FakeState;
  params: Params;
  signal: AbortSignal;
}

/** Returns the `result` of a successful call, or throws `ApiError`. */
export type MethodImpl = (ctx: MethodContext) => unknown;
export type MethodTable = Record<string, MethodImpl>;

const table = new Map<string, MethodImpl>();
for (const group of [botMethods, messageMethods, fileMethods]) {
  // Telegram matches method names case-insensitively.
  for (const [name, impl] of Object.entries(group)) table.set(name.toLowerCase(), impl);
}

export function findMethod(name: string): MethodImpl | undefined {
  return table.get(name.toLowerCase());
}

export function supportedMethods(): string[] {
  return [botMethods, messageMethods, fileMethods].flatMap((g) => Object.keys(g));
}
