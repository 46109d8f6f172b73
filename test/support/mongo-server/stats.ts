/**
 * Per-command time, for finding what makes other connections wait:
 * `MONGO_TEST_SERVER_STATS=1 npm run test:mongo` prints a table to stderr when it stops. A
 * command's time is from its request to its reply, other connections' turns included (turns.ts);
 * how long the thread was held at a stretch shows as the event-loop delay on the first line.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

export class CommandStats {
  private readonly loop = monitorEventLoopDelay({ resolution: 1 });

  constructor() {
    this.loop.enable();
  }

  private readonly rows = new Map<string, { count: number; totalMs: number; maxMs: number; over10: number }>();

  record(command: string, collection: unknown, ms: number): void {
    const key = typeof collection === "string" ? `${command} ${collection}` : command;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { count: 0, totalMs: 0, maxMs: 0, over10: 0 }));
    row.count++;
    row.totalMs += ms;
    row.maxMs = Math.max(row.maxMs, ms);
    if (ms >= 10) row.over10++;
  }

  /** One line per command and collection, most total time first. */
  report(): string {
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    const loop = this.loop;
    const lines = [
      `event-loop delay p50 / p99 / p99.9 / max: ${ms(loop.percentile(50))} / ${ms(loop.percentile(99))} / ${ms(loop.percentile(99.9))} / ${ms(loop.max)} ms`,
      "command collection: count, total ms, max ms, runs of 10 ms or more",
    ];
    const sorted = [...this.rows].sort((a, b) => b[1].totalMs - a[1].totalMs);
    for (const [key, r] of sorted) {
      lines.push(`${key}: ${r.count}, ${r.totalMs.toFixed(0)}, ${r.maxMs.toFixed(1)}, ${r.over10}`);
    }
    return lines.join("\n");
  }
}
