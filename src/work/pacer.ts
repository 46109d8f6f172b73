/**
 * Keeps a long loop on the main thread from holding the event loop: the loop asks
 * `pacer.due()` between steps and, when its time slice is used up, `await pacer.yield()`
 * lets timers, I/O and other users' updates run before it goes on (setImmediate: after
 * the I/O that is waiting). Steps stay synchronous and cheap to check, so a loop of
 * 10,000 small steps yields only every few milliseconds, not 10,000 times.
 *
 * Issue 11: no synchronous stretch over 50 ms while creating, verifying, restoring or
 * importing a large archive. The default slice is 3 ms: a light action waits for the event loop
 * once per MongoDB round trip (7–9 of them), so each wait should be short. Measured 2026-12-06:
 * restore and import times in `npm run bench` did not change against 10 ms slices; the bot's
 * event-loop delay max during `npm run load`'s heavy jobs went from 68 to 47 ms.
 *
 * While foreground work is under way (an update being answered, `foreground.ts`), a yield also
 * pauses for GIVE_WAY_MS: the heavy loop then holds at most about half of the main thread, and a
 * user's next step finds the thread free instead of behind the next slice.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { foreground } from "./foreground.js";

export const DEFAULT_SLICE_MS = 3;
export const GIVE_WAY_MS = 3;

export class Pacer {
  readonly #sliceMs: number;
  #since = performance.now();

  constructor(sliceMs = DEFAULT_SLICE_MS) {
    this.#sliceMs = sliceMs;
  }

  /** True when the current slice is used up: the caller should `await yield()` before the next step. */
  due(): boolean {
    return performance.now() - this.#since >= this.#sliceMs;
  }

  /** Lets the event loop run (and foreground work, if any, a little longer), then starts a new slice. */
  async yield(): Promise<void> {
    await nextTurn();
    if (foreground.busy) await sleep(GIVE_WAY_MS);
    this.#since = performance.now();
  }

  /** `yield()` when due; otherwise nothing (no turn of the event loop is spent). */
  async pace(): Promise<void> {
    if (this.due()) await this.yield();
  }
}

/**
 * Work written once as a generator that `yield`s between steps can run both ways:
 * `runSteps` all at once (a synchronous API, tests), `runStepsPaced` yielding to the
 * event loop whenever `pacer` says so.
 */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function runStepsPaced<T>(steps: Generator<void, T>, pacer: Pacer): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pacer.pace();
  }
}
