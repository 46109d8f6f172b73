import { describe, expect, it } from "vitest";
import { backupsToPrune, isoWeek, recentToPrune, type RetentionCandidate } from "../../src/backups/retention.js";

/** One backup a day at noon UTC, from `first` to `last` (inclusive), id = the date. */
function daily(first: string, last: string): RetentionCandidate[] {
  const out: RetentionCandidate[] = [];
  for (let t = Date.parse(`${first}T12:00:00Z`); t <= Date.parse(`${last}T12:00:00Z`); t += 86_400_000) {
    const createdAt = new Date(t);
    out.push({ id: createdAt.toISOString().slice(0, 10), createdAt });
  }
  return out;
}

const kept = (all: RetentionCandidate[], pruned: string[]) =>
  all
    .map((b) => b.id)
    .filter((id) => !pruned.includes(id))
    .sort();

describe("retention of full backups", () => {
  const year = daily("2024-01-01", "2025-03-31"); // 2025-03-31 is a Monday

  it("keeps the newest backup of each of the last N ISO weeks", () => {
    const pruned = backupsToPrune(year, { keepLast: 1, daily: 0, weekly: 3, monthly: 0 });
    // Monday 31 March (week 14), Sunday 30 March (the newest of week 13), Sunday 23 March (week 12).
    expect(kept(year, pruned)).toEqual(["2025-03-23", "2025-03-30", "2025-03-31"]);
  });

  it("keeps the newest backup of each of the last N months", () => {
    const pruned = backupsToPrune(year, { keepLast: 1, daily: 0, weekly: 0, monthly: 4 });
    expect(kept(year, pruned)).toEqual(["2024-12-31", "2025-01-31", "2025-02-28", "2025-03-31"]);
  });

  it("combines the last N, days, weeks and months, and never prunes 🏆", () => {
    const rated = year.map((b) => (b.id === "2024-02-10" ? { ...b, rating: "excellent" } : b));
    const pruned = backupsToPrune(rated, { keepLast: 2, daily: 3, weekly: 2, monthly: 2 });
    expect(kept(rated, pruned)).toEqual(["2024-02-10", "2025-02-28", "2025-03-29", "2025-03-30", "2025-03-31"]);
  });

  it("names ISO weeks across a year boundary", () => {
    expect(isoWeek(new Date("2024-12-30T12:00:00Z"))).toBe("2025-W01");
    expect(isoWeek(new Date("2021-01-03T12:00:00Z"))).toBe("2020-W53");
  });
});

describe("retention of emergency backups and imported archives", () => {
  const month = daily("2025-03-01", "2025-03-31");
  const now = new Date("2025-03-31T18:00:00Z");

  it("keeps the newest N and every one of the last D days", () => {
    expect(kept(month, recentToPrune(month, { keepLast: 3, keepDays: 0 }, now))).toEqual(["2025-03-29", "2025-03-30", "2025-03-31"]);
    expect(kept(month, recentToPrune(month, { keepLast: 1, keepDays: 5 }, now))).toEqual([
      "2025-03-27",
      "2025-03-28",
      "2025-03-29",
      "2025-03-30",
      "2025-03-31",
    ]);
    const rated = month.map((b) => (b.id === "2025-03-02" ? { ...b, rating: "excellent" } : b));
    expect(kept(rated, recentToPrune(rated, { keepLast: 1, keepDays: 0 }, now))).toEqual(["2025-03-02", "2025-03-31"]);
  });
});
