import { availableParallelism } from "node:os";

/** Work that holds a core for a while: one at a time per user, a few at once for the process. */
export type HeavyJobKind = "backup" | "verify" | "restore" | "import" | "upload";

/** The user already has a heavy job running or waiting; `running` names it. */
export class HeavyJobBusyError extends Error {
  constructor(readonly running: HeavyJobKind) {
    super(`a ${running} job is already running for this user`);
    this.name = "HeavyJobBusyError";
  }
}

/** Told while a job waits: its place in line (1 = next), and 0 once its turn has come. */
export type PositionListener = (position: number) => void;

interface Waiter {
  start: () => void;
  onPosition?: PositionListener;
}

/**
 * Fair scheduling of heavy jobs (create, verify, restore, import, Drive uploads): a user has
 * at most one at a time (a second is refused with HeavyJobBusyError, not run twice), at most
 * `slots` run at once for the whole process, and the rest wait in FIFO order. Knows nothing
 * of Telegram; the bot turns positions and refusals into messages.
 */
export class HeavyJobs {
  readonly slots: number;
  private active = 0;
  private readonly line: Waiter[] = [];
  private readonly byUser = new Map<number, HeavyJobKind>();
  private idleWaiters: Array<() => void> = [];

  constructor(opts: { slots?: number } = {}) {
    this.slots = Math.max(1, opts.slots ?? availableParallelism());
  }

  /** What the user has running or waiting, if anything. */
  runningFor(userId: number): HeavyJobKind | undefined {
    return this.byUser.get(userId);
  }

  get stats(): { running: number; waiting: number } {
    return { running: this.active, waiting: this.line.length };
  }

  /** Resolves once no job runs or waits (a shutdown, a test waiting for background work). */
  idle(): Promise<void> {
    if (this.byUser.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Claims the user's one heavy job at once (throws HeavyJobBusyError synchronously when one
   * is running or waiting), waits for a free slot in line, runs `work` and frees both.
   */
  run<T>(userId: number, kind: HeavyJobKind, work: () => Promise<T>, onPosition?: PositionListener): Promise<T> {
    const running = this.byUser.get(userId);
    if (running !== undefined) throw new HeavyJobBusyError(running);
    this.byUser.set(userId, kind);
    return this.whenFree(onPosition)
      .then(work)
      .finally(() => {
        this.byUser.delete(userId);
        this.release();
        if (this.byUser.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
  }

  private whenFree(onPosition?: PositionListener): Promise<void> {
    if (this.active < this.slots && this.line.length === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.line.push({ start: resolve, onPosition });
      onPosition?.(this.line.length);
    });
  }

  private release(): void {
    this.active--;
    while (this.active < this.slots && this.line.length > 0) {
      const next = this.line.shift()!;
      this.active++;
      next.onPosition?.(0);
      next.start();
      this.line.forEach((w, i) => w.onPosition?.(i + 1));
    }
  }
}
