import type { Events } from "../events.js";
import type { JobStore } from "./job-store.js";
import { JOB, type BackupJobData, type Notify } from "./job-types.js";
import { FREQUENCIES, overdueAfterMs } from "./schedule-rules.js";

/**
 * Never silent: a schedule with no successful upload for twice its period (counted from the last
 * success, or from when it was set) tells its user once. The claim on data.overdueNotifiedAt is
 * atomic, so two bot processes send one message; a success clears it.
 */
export async function checkOverdue(deps: { store: JobStore; notify: Notify; events: Events }, now = new Date()): Promise<number> {
  let told = 0;
  for (const frequency of FREQUENCIES) {
    const cutoff = new Date(now.getTime() - overdueAfterMs(frequency));
    const due = {
      name: JOB.backup,
      "data.frequency": frequency,
      "data.overdueNotifiedAt": null,
      $or: [{ "data.lastSuccessAt": { $lt: cutoff } }, { "data.lastSuccessAt": null, "data.since": { $lt: cutoff } }],
    };
    for (const doc of await deps.store.collection.find(due).toArray()) {
      const claim = await deps.store.collection.updateOne({ _id: doc._id, "data.overdueNotifiedAt": null }, { $set: { "data.overdueNotifiedAt": now } });
      if (claim.modifiedCount !== 1) continue;
      const data = doc.data as BackupJobData;
      try {
        await deps.notify(data.userId, {
          kind: "overdue",
          frequency,
          since: data.since,
          ...(data.lastSuccessAt ? { lastSuccessAt: data.lastSuccessAt } : {}),
        });
        told++;
        deps.events.emit("schedule_overdue", "warn", { userId: data.userId, frequency });
      } catch (err) {
        // Not told: let the next check try again.
        await deps.store.collection.updateOne({ _id: doc._id }, { $set: { "data.overdueNotifiedAt": null } });
        deps.events.emit("schedule_notice_failed", "warn", { userId: data.userId, kind: "overdue", err: (err as Error).message });
      }
    }
  }
  return told;
}
