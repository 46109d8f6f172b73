import type { Context, MiddlewareFn, StorageAdapter } from "grammy";
import type { SavedLocales } from "./i18n.js";

/**
 * Storage whose next read of a key can start early: `prefetch(key)` begins the read, and the
 * plugin's own read of that key later in the same update takes its result. The bot handles one
 * user's updates one at a time (sequentialize), so that read belongs to the same update.
 */
export class PrefetchingStorage<T> implements StorageAdapter<T> {
  private readonly early = new Map<string, Promise<T | undefined>>();

  constructor(private readonly inner: StorageAdapter<T>) {}

  /** Starts reading `key`; the returned function drops the result if no one took it. */
  prefetch(key: string): () => void {
    const read = Promise.resolve(this.inner.read(key));
    read.catch(() => undefined); // the plugin that takes it gets the error; an untaken one must not crash the process
    this.early.set(key, read);
    return () => {
      if (this.early.get(key) === read) this.early.delete(key);
    };
  }

  read(key: string): Promise<T | undefined> {
    const read = this.early.get(key);
    if (read === undefined) return Promise.resolve(this.inner.read(key));
    this.early.delete(key);
    return read;
  }

  async write(key: string, value: T): Promise<void> {
    this.early.delete(key);
    await this.inner.write(key, value);
  }

  async delete(key: string): Promise<void> {
    this.early.delete(key);
    await this.inner.delete(key);
  }
}

/**
 * Before a handler runs, every update reads the user's saved language (i18n), session and
 * conversation state, each in its own plugin, one after another: three MongoDB round trips in a
 * row on every button press. Started here together, they take one; the plugins then find their
 * results waiting. Results no plugin took are dropped when the update ends.
 */
export function prefetchChatState(opts: {
  key: (ctx: Context) => string | undefined;
  stores: Array<{ prefetch(key: string): () => void }>;
  locales: SavedLocales;
}): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const key = opts.key(ctx);
    if (key === undefined) return next();
    void opts.locales.of(ctx);
    const untaken = opts.stores.map((store) => store.prefetch(key));
    try {
      await next();
    } finally {
      for (const drop of untaken) drop();
    }
  };
}
