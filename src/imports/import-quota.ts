import type { Collection, Db } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";
import type { Events } from "../events.js";
import { DEFAULT_IMPORTS_PER_HOUR, HOUR_MS, importCapError } from "../work/fair-limits.js";

/** One archive brought in from outside: a ZIP the user sent, or a /github repository. */
export type ImportKind = "zip" | "github";

interface ImportDoc {
  userId: number;
  kind: ImportKind;
  at: Date;
}

/**
 * Imports per user per hour (ZIPs sent and /github downloads together), counted in MongoDB so
 * every bot process sees the same count; entries expire after the hour (TTL index). An import
 * counts when it starts, before anything is downloaded: it is the download and the analysis
 * that cost, whatever the archive turns out to hold.
 */
export class ImportQuota {
  readonly perHour: number;
  private readonly events: Events;
  private readonly log: Collection<ImportDoc>;
  private readonly now: () => Date;

  constructor(deps: { db: Db; events: Events; clock?: () => Date; perHour?: number }) {
    this.log = deps.db.collection<ImportDoc>(COLLECTIONS.importLog);
    this.now = deps.clock ?? (() => new Date());
    this.perHour = deps.perHour ?? DEFAULT_IMPORTS_PER_HOUR;
    this.events = deps.events;
  }

  /** Counts one import of the user's, or throws LimitError `imports_per_hour` (nothing counted). */
  async claim(userId: number, kind: ImportKind): Promise<void> {
    const now = this.now();
    const recent = await this.log
      .find({ userId, at: { $gt: new Date(now.getTime() - HOUR_MS) } }, { projection: { at: 1 } })
      .toArray();
    const over = importCapError(
      recent.map((d) => d.at),
      now,
      this.perHour,
    );
    if (over) {
      this.events.emit("import_cap_reached", "warn", { userId, kind, ...over.details });
      throw over;
    }
    await this.log.insertOne({ userId, kind, at: now });
  }
}
