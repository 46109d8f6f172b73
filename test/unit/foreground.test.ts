/**
 * Heavy loops give way to foreground work (issue 11): while an update is being answered, a paced
 * loop pauses after each slice, so the user's next steps run before the loop's next slice instead
 * of one step per slice. Counted in slices and turns, not timed.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { Foreground, foreground } from "../../src/work/foreground.js";
import { Pacer } from "../../src/work/pacer.js";

/** A heavy loop (1 ms slices) runs until a user's 30 event-loop turns are done; returns the slices it used meanwhile. */
async function slicesWhileUserWaits(asForeground: boolean): Promise<number> {
  let userDone = false;
  const leave = asForeground ? foreground.enter() : () => {};
  const user = (async () => {
    try {
      for (let i = 0; i < 30; i++) await nextTurn();
    } finally {
      leave();
      userDone = true;
    }
  })();
  const pacer = new Pacer(1);
  let slices = 0;
  for (let steps = 0; !userDone && steps < 5_000_000; steps++) {
    if (pacer.due()) {
      slices++;
      await pacer.yield();
    }
  }
  await user;
  return slices;
}

describe("foreground work and paced loops", () => {
  afterEach(() => expect(foreground.busy).toBe(false));

  it("a paced loop gives the user's turns room while the user is foreground work", async () => {
    const background = await slicesWhileUserWaits(false);
    const asForeground = await slicesWhileUserWaits(true);
    // Without: the user gets one turn per slice. With: its turns run while the loop pauses.
    expect(background).toBeGreaterThanOrEqual(20);
    expect(asForeground).toBeLessThanOrEqual(5);
  });

  it("counts each piece of work once and sets a waiting caller's count aside during long work", async () => {
    const fg = new Foreground();
    const leave = fg.enter();
    expect(fg.busy).toBe(true);
    let busyInside: boolean | undefined;
    await fg.aside(async () => {
      busyInside = fg.busy;
    });
    expect(busyInside).toBe(false);
    expect(fg.busy).toBe(true);
    await expect(fg.aside(async () => Promise.reject(new Error("failed")))).rejects.toThrow("failed");
    expect(fg.busy).toBe(true);
    leave();
    leave();
    expect(fg.busy).toBe(false);
    const other = fg.enter();
    expect(fg.busy).toBe(true);
    other();
  });
});
