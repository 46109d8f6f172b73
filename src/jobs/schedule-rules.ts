import { canonicalTimeZone, isTimeZone } from "./time-zones.js";

/** The rules of a schedule, in one place: what a user may choose and the calendar cron it becomes. */

export const FREQUENCIES = ["daily", "weekly", "monthly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const DEFAULT_HOUR = 3;
/** 0 = Sunday … 6 = Saturday (cron's numbering). */
export const DEFAULT_WEEKDAY = 0;

export interface ScheduleChoice {
  frequency: Frequency | "off";
  /** 0-23 in the schedule's time zone; default 3 (03:00). */
  hour?: number;
  /** Weekly only: 0 = Sunday … 6 = Saturday; default Sunday. */
  weekday?: number;
  /** An IANA name; default the server's DEFAULT_TIMEZONE (or the zone the schedule already has). */
  timezone?: string;
  /** The quiet ✅ line after a successful scheduled run; default on (or what the schedule already has). */
  successMessage?: boolean;
}

export interface ScheduleRule {
  frequency: Frequency;
  hour: number;
  weekday: number;
  timezone: string;
}

export class ScheduleError extends Error {
  constructor(readonly field: "frequency" | "hour" | "weekday" | "timezone") {
    super(`invalid schedule ${field}`);
    this.name = "ScheduleError";
  }
}

/** Validates a choice (filling defaults) into a rule; throws ScheduleError naming the bad field. */
export function toRule(choice: ScheduleChoice & { frequency: Frequency }, defaults: { timezone: string }): ScheduleRule {
  if (!FREQUENCIES.includes(choice.frequency)) throw new ScheduleError("frequency");
  const hour = choice.hour ?? DEFAULT_HOUR;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new ScheduleError("hour");
  const weekday = choice.weekday ?? DEFAULT_WEEKDAY;
  if (!Number.isInteger(weekday) || weekday < 0 || weekday > 6) throw new ScheduleError("weekday");
  const timezone = choice.timezone ?? defaults.timezone;
  if (!isTimeZone(timezone)) throw new ScheduleError("timezone");
  return { frequency: choice.frequency, hour, weekday, timezone: canonicalTimeZone(timezone) };
}

/** Calendar crons, not "every 30 days": daily `0 3 * * *`, weekly `0 3 * * 0`, monthly (the 1st) `0 3 1 * *`. */
export function cronFor(rule: Pick<ScheduleRule, "frequency" | "hour" | "weekday">): string {
  switch (rule.frequency) {
    case "daily":
      return `0 ${rule.hour} * * *`;
    case "weekly":
      return `0 ${rule.hour} * * ${rule.weekday}`;
    case "monthly":
      return `0 ${rule.hour} 1 * *`;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The schedule's period; a month counts as 31 days (the longest), so "overdue" never fires early. */
export function periodMs(frequency: Frequency): number {
  return frequency === "daily" ? DAY_MS : frequency === "weekly" ? 7 * DAY_MS : 31 * DAY_MS;
}

/** A schedule with no successful upload for this long is overdue and the user is told (once). */
export function overdueAfterMs(frequency: Frequency): number {
  return 2 * periodMs(frequency);
}
