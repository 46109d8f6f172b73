import { Counter, Gauge, type Registry } from "prom-client";

export type RunResult = "uploaded" | "unchanged" | "retrying" | "failed" | "needs_user" | "interrupted" | "ok" | "problems" | "error";
export type UploadResult = "uploaded" | "reused" | "failed";

/**
 * Prometheus metrics of the scheduler, on the app's registry (Events.registry, served on /metrics).
 * Several schedulers on one registry (tests run two instances in one process) share the metrics.
 */
export class SchedulerMetrics {
  readonly runs: Counter<"job" | "result">;
  readonly uploads: Counter<"trigger" | "result">;

  constructor(registry: Registry, oldestOverdueSeconds: () => Promise<number>) {
    this.runs = reuse(registry, "codevault_scheduled_runs_total", () =>
      new Counter({
        name: "codevault_scheduled_runs_total",
        help: "Scheduler job runs by job name and result",
        labelNames: ["job", "result"],
        registers: [registry],
      }),
    );
    this.uploads = reuse(registry, "codevault_drive_uploads_total", () =>
      new Counter({
        name: "codevault_drive_uploads_total",
        help: "Drive upload tries made by the scheduler, by trigger (scheduled, retry) and result",
        labelNames: ["trigger", "result"],
        registers: [registry],
      }),
    );
    reuse(registry, "codevault_scheduler_oldest_overdue_seconds", () =>
      new Gauge({
        name: "codevault_scheduler_oldest_overdue_seconds",
        help: "How long the oldest due scheduler job has been waiting to start (0: none)",
        registers: [registry],
        async collect() {
          this.set(await oldestOverdueSeconds());
        },
      }),
    );
  }
}

function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}
