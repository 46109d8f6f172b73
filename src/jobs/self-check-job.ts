import type { Job } from "agenda";
import type { Events } from "../events.js";
import type { JobStore } from "./job-store.js";
import { JOB, type Notify, type SelfChecker } from "./job-types.js";
import type { SchedulerMetrics } from "./scheduler-metrics.js";
import { RunInterrupted } from "./upload-job.js";

export interface SelfCheckSummary {
  at: Date;
  users: number;
  withProblems: number;
  errors: number;
  pruned: number;
}

/**
 * The weekly self-check: for each user the checker names, run its check (verify, Drive md5,
 * server retention) and tell the user about problems it found. One user's error does not stop
 * the others; the summary is kept on the job document.
 */
export async function runSelfCheck(
  job: Job<unknown>,
  deps: { checker: SelfChecker; notify: Notify; store: JobStore; metrics: SchedulerMetrics; events: Events; signal: AbortSignal },
): Promise<SelfCheckSummary> {
  const users = await deps.checker.users();
  const summary: SelfCheckSummary = { at: new Date(), users: users.length, withProblems: 0, errors: 0, pruned: 0 };
  for (const userId of users) {
    if (deps.signal.aborted) break;
    try {
      const result = await deps.checker.check(userId, { touch: () => job.touch(), signal: deps.signal });
      summary.pruned += result.pruned ?? 0;
      if (result.problems.length > 0) {
        summary.withProblems++;
        await deps.notify(userId, { kind: "self_check", problems: result.problems }).catch((err: Error) =>
          deps.events.emit("schedule_notice_failed", "warn", { userId, kind: "self_check", err: err.message }),
        );
      }
    } catch (err) {
      summary.errors++;
      deps.events.emit("self_check_error", "warn", { userId, err: (err as Error).message });
    }
    await job.touch();
  }
  if (deps.signal.aborted) throw new RunInterrupted(); // checked again from the start after the restart
  await deps.store.setData(job, { lastResult: summary });
  deps.events.emit("self_check_done", "info", { users: summary.users, withProblems: summary.withProblems, errors: summary.errors, pruned: summary.pruned });
  deps.metrics.runs.inc({ job: JOB.selfCheck, result: summary.withProblems + summary.errors > 0 ? "problems" : "ok" });
  return summary;
}
