import { ObjectId, type Collection, type Document } from "mongodb";
import type { Job } from "agenda";
import { JOB } from "./job-types.js";

/**
 * Our own reads and writes on Agenda's job documents, limited to `data.*` (and `disabled` for a
 * pause): Agenda's own state saves ($set of lockedAt, nextRunAt, failCount, …) never touch those
 * fields, so neither side overwrites the other while a job runs.
 */
export class JobStore {
  constructor(readonly collection: Collection<Document>) {}

  /** Sets `data.<key>` for each key, in the database and on the job in memory (the backoff reads it there). */
  async setData(job: Job<unknown>, fields: Record<string, unknown>): Promise<void> {
    const $set: Document = {};
    const data = (job.attrs.data ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields)) {
      $set[`data.${key}`] = value;
      setPath(data, key, value);
    }
    await this.collection.updateOne({ _id: new ObjectId(String(job.attrs._id)) }, { $set });
  }

  /**
   * One-off uploads that ended without a copy (tries ran out, or the user must act) stay a while,
   * so 🔁 Try now finds the key they used; after that they are removed. Returns how many.
   */
  async removeFinishedOneOffs(endedBefore: Date): Promise<number> {
    const res = await this.collection.deleteMany({
      name: JOB.uploadRetry,
      nextRunAt: null,
      lockedAt: null,
      "data.lastResult.status": { $in: ["failed", "needs_user"] },
      "data.lastResult.at": { $lt: endedBefore },
    });
    return res.deletedCount;
  }

  /** The schedule document of a user (drive-backup), if any. */
  schedule(userId: number): Promise<Document | null> {
    return this.collection.findOne({ name: JOB.backup, "data.userId": userId });
  }
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  let at = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof at[part] !== "object" || at[part] === null) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts.at(-1)!] = value;
}
