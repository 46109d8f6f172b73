import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import type { Logger } from "./logger.js";

export type Severity = "debug" | "info" | "warn" | "error";
export type EventFields = Record<string, string | number | boolean | null | undefined>;

/**
 * One place where the app says "this happened": a structured log line plus a
 * Prometheus counter `codevault_events_total{event, severity}`. Fields must be
 * ids, counts and sizes, never file contents or tokens.
 */
export class Events {
  readonly registry: Registry;
  private readonly counter: Counter<"event" | "severity">;

  constructor(private readonly logger: Logger, opts: { defaultMetrics?: boolean } = {}) {
    this.registry = new Registry();
    this.counter = new Counter({
      name: "codevault_events_total",
      help: "Things that happened in codevault, by event name and severity",
      labelNames: ["event", "severity"],
      registers: [this.registry],
    });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: "codevault_" });
  }

  emit(name: string, severity: Severity, fields: EventFields = {}): void {
    this.counter.inc({ event: name, severity });
    this.logger[severity]({ event: name, ...fields }, name);
  }

  /** How many times an event was emitted (all severities); for tests and the CLI. */
  async count(name: string): Promise<number> {
    const metric = await this.counter.get();
    return metric.values.filter((v) => v.labels.event === name).reduce((sum, v) => sum + v.value, 0);
  }
}

export type EmitEvent = Events["emit"];
