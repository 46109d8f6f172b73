/**
 * Per-command time on the server's thread, for finding what makes other connections wait:
 * `MONGO_TEST_SERVER_STATS=1 npm run test:mongo` prints a table to stderr when it stops.
 */
export class CommandStats {
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
    const lines = ["command collection: count, total ms, max ms, runs of 10 ms or more"];
    const sorted = [...this.rows].sort((a, b) => b[1].totalMs - a[1].totalMs);
    for (const [key, r] of sorted) {
      lines.push(`${key}: ${r.count}, ${r.totalMs.toFixed(0)}, ${r.maxMs.toFixed(1)}, ${r.over10}`);
    }
    return lines.join("\n");
  }
}
