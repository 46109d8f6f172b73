/**
 * Work somebody is waiting on right now: the bot counts each update while it is handled. Long
 * loops on the main thread (a backup, a restore: `Pacer`) give way while there is some, so a
 * user's reply does not queue behind another user's archive slice after slice (issue 11).
 *
 * One per process, like the event loop it shares out. Knows nothing of Telegram.
 */
export class Foreground {
  #count = 0;

  /** True while some foreground work is under way. */
  get busy(): boolean {
    return this.#count > 0;
  }

  /** Counts one piece of foreground work until the returned function is called (at most once). */
  enter(): () => void {
    this.#count++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#count--;
    };
  }

  /**
   * Runs long work that foreground work is waiting for (a restore inside the update that asked for
   * it) as background work: the caller's count is set aside meanwhile, so the work is not slowed
   * down on its own behalf.
   */
  async aside<T>(work: () => Promise<T>): Promise<T> {
    this.#count--;
    try {
      return await work();
    } finally {
      this.#count++;
    }
  }
}

export const foreground = new Foreground();
