import type { LastResult, ScheduleNotice, ScheduleView } from "../jobs/index.js";
import { reasonText } from "./drive-texts.js";
import { formatBytes, formatDate, formatDateIn, formatHour } from "./format.js";
import { raw, type Translate as T } from "./html.js";

/** How often and when, in words: "every Sunday at 03:00". */
export function whenText(t: T, s: Pick<ScheduleView, "frequency" | "hour" | "weekday">): string {
  const time = formatHour(s.hour);
  if (s.frequency === "weekly") return t("schedule-when-weekly", { day: raw(t(`weekday-${s.weekday}`)), time });
  return t(`schedule-when-${s.frequency}`, { time });
}

/** The schedule part of the ☁️ Drive menu: the schedule, the next run, the last run and its result. */
export function scheduleStatusLines(t: T, view: ScheduleView | null, defaultZone: string): string[] {
  if (!view) return [t("schedule-status-none", { zone: defaultZone })];
  const lines = [t("schedule-status", { when: raw(whenText(t, view)), zone: view.timezone })];
  if (view.paused) lines.push(t("schedule-status-paused"));
  else if (view.nextRunAt) lines.push(t("schedule-status-next", { date: formatDateIn(view.nextRunAt, view.timezone) }));
  const last = view.lastResult;
  lines.push(last ? t("schedule-status-last", { date: formatDateIn(last.at, view.timezone), result: raw(resultText(t, last)) }) : t("schedule-status-last-none"));
  return lines;
}

function resultText(t: T, r: LastResult): string {
  if (r.status === "uploaded" || r.status === "unchanged") return t(`schedule-result-${r.status}`);
  return t(`schedule-result-${r.status}`, { reason: raw(reasonText(t, r.code)) });
}

/** A scheduler notice in the user's language (the keyboard is chosen in schedule-notices.ts). */
export function noticeText(t: T, notice: ScheduleNotice, backupDates: ReadonlyMap<string, Date>): string {
  const safe = t("drive-backup-safe");
  switch (notice.kind) {
    case "uploaded": {
      const size = formatBytes(notice.size);
      const first =
        notice.trigger === "retry"
          ? t("notice-retry-uploaded", { size })
          : notice.webViewLink
            ? t("notice-uploaded-link", { size, link: notice.webViewLink })
            : t("notice-uploaded", { size });
      return notice.reused ? `${first}\n${t("notice-was-there")}` : first;
    }
    case "unchanged":
      return t("notice-unchanged");
    case "failed": {
      const lines = [t("notice-failed", { attempts: notice.attempts, reason: raw(reasonText(t, notice.code)) }), safe];
      if (notice.backupId) lines.push(t("notice-try-now"));
      return lines.join("\n");
    }
    case "needs_reconnect":
      return `${t(notice.schedulePaused ? "notice-needs-reconnect-paused" : "notice-needs-reconnect")}\n${safe}`;
    case "drive_full": {
      const s = notice.storage;
      const full =
        s?.usedBytes !== undefined && s.limitBytes !== undefined && s.backupBytes !== undefined
          ? t("notice-drive-full", { used: formatBytes(s.usedBytes), limit: formatBytes(s.limitBytes), size: formatBytes(s.backupBytes) })
          : t("notice-drive-full-nosizes");
      return `${full}\n${safe}`;
    }
    case "needs_attention":
      return `${t("notice-needs-attention", { reason: raw(reasonText(t, notice.code)) })}\n${safe}`;
    case "overdue": {
      const when = raw(t(`schedule-period-${notice.frequency}`));
      return notice.lastSuccessAt
        ? t("notice-overdue", { date: formatDate(notice.lastSuccessAt), when })
        : t("notice-overdue-never", { date: formatDate(notice.since), when });
    }
    case "self_check":
      return [
        t("notice-self-check"),
        ...notice.problems.map((p) => {
          const date = backupDates.get(p.backupId);
          return t(`notice-self-check-${p.kind}`, { date: date ? formatDate(date) : "—" });
        }),
      ].join("\n");
  }
}
