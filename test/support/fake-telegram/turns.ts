/**
 * The fake hosts many users' calls on one thread (in `npm run load`, the load script's): work on a
 * big body (a 20 MB upload or download) goes this many bytes at a time and then gives the other
 * calls a turn, as real Telegram does not keep everyone waiting while one user sends a big file.
 */
export const STEP_BYTES = 1024 * 1024;

/** Lets whatever else is ready (other calls' I/O) run before going on. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
