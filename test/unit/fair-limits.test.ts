import { describe, expect, it } from "vitest";
import { backupCapError, HOUR_MS, importCapError, LimitError } from "../../src/work/fair-limits.js";

const cap = { maxBackups: 3, maxBytes: 1000 };

describe("the backup cap rule", () => {
  it("lets a backup in while count and bytes stay within the cap, the cap itself included", () => {
    expect(backupCapError({ count: 0, bytes: 0 }, 0, cap)).toBeUndefined();
    expect(backupCapError({ count: 2, bytes: 600 }, 400, cap)).toBeUndefined();
  });

  it("refuses one backup too many, or one byte too many, with the numbers for the message", () => {
    const byCount = backupCapError({ count: 3, bytes: 10 }, 0, cap);
    expect(byCount).toBeInstanceOf(LimitError);
    expect(byCount).toMatchObject({ code: "backups_full", details: { count: 3, bytes: 10, maxBackups: 3, maxBytes: 1000 } });
    expect(backupCapError({ count: 2, bytes: 600 }, 401, cap)).toMatchObject({ code: "backups_full", details: { count: 2, bytes: 600 } });
    // Already over in bytes (e.g. emergency backups past the cap): even a backup of unknown size waits.
    expect(backupCapError({ count: 1, bytes: 1200 }, 0, cap)).toMatchObject({ code: "backups_full" });
  });
});

describe("the imports-per-hour rule", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

  it("allows imports while fewer than the limit started in the last hour; older ones do not count", () => {
    expect(importCapError([], now, 2)).toBeUndefined();
    expect(importCapError([ago(10)], now, 2)).toBeUndefined();
    expect(importCapError([ago(61), ago(90), ago(5)], now, 2)).toBeUndefined();
    expect(importCapError([new Date(now.getTime() - HOUR_MS)], now, 1)).toBeUndefined(); // exactly an hour ago has left the window
  });

  it("refuses the next one and says when one leaves the window", () => {
    expect(importCapError([ago(10), ago(45)], now, 2)).toMatchObject({ code: "imports_per_hour", details: { max: 2, minutes: 15 } });
    // Over the limit (a lower limit after a restart): it takes the one whose leaving makes room.
    expect(importCapError([ago(50), ago(40), ago(30)], now, 2)).toMatchObject({ details: { minutes: 20 } });
    expect(importCapError([ago(0)], now, 1)).toMatchObject({ details: { minutes: 60 } });
    expect(importCapError([new Date(now.getTime() - HOUR_MS + 1000)], now, 1)).toMatchObject({ details: { minutes: 1 } });
  });
});
