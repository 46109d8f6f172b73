import type { Context, MiddlewareFn } from "grammy";

/**
 * Counts the updates the bot is handling right now (queued behind another update of the
 * same chat included), so a shutdown can wait for them and say how many it left undone.
 */
export class UpdatesInFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  /** Install first, before `sequentialize`, so an update waiting for its turn counts too. */
  readonly middleware: MiddlewareFn<Context> = async (_ctx, next) => {
    this.count++;
    try {
      await next();
    } finally {
      this.count--;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  };

  /** Resolves once no update is being handled. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
