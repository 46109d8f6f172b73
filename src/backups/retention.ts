/**
 * Which server-side backups to keep. Each kind has its own rule, so one kind never
 * pushes another out (an emergency backup taken before a restore used to count
 * against the full backups and prune the very backup being restored):
 * - full backups: the newest `keepLast`, plus the newest backup of each of the last
 *   `daily` days, `weekly` ISO weeks and `monthly` months that have one (like
 *   restic's forget policy);
 * - emergency backups, imported ZIPs and GitHub archives (each kind on its own):
 *   the newest `keepLast`, plus every one younger than `keepDays` days.
 * 🏆-rated backups are always kept. Pure: takes the list, returns the ids to prune.
 */
export interface RetentionPolicy {
  keepLast: number;
  daily: number;
  weekly: number;
  monthly: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 10, daily: 7, weekly: 4, monthly: 12 };

/** For emergency backups and archives that came from outside: the newest N, and all of the last D days. */
export interface KeepRule {
  keepLast: number;
  keepDays: number;
}

export interface RetentionRules {
  full: RetentionPolicy;
  emergency: KeepRule;
  /** Applied to imported ZIPs and to GitHub archives, each kind counted on its own. */
  imported: KeepRule;
}

export const DEFAULT_RETENTION_RULES: RetentionRules = {
  full: DEFAULT_RETENTION,
  emergency: { keepLast: 5, keepDays: 30 },
  imported: { keepLast: 20, keepDays: 180 },
};

export interface RetentionCandidate {
  id: string;
  createdAt: Date;
  rating?: string;
}

export function backupsToPrune(backups: RetentionCandidate[], policy: RetentionPolicy): string[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const keep = new Set<string>();
  newestFirst.slice(0, policy.keepLast).forEach((b) => keep.add(b.id));
  keepOnePer(newestFirst, policy.daily, (d) => d.toISOString().slice(0, 10), keep);
  keepOnePer(newestFirst, policy.weekly, isoWeek, keep);
  keepOnePer(newestFirst, policy.monthly, (d) => d.toISOString().slice(0, 7), keep);
  for (const b of newestFirst) if (b.rating === "excellent") keep.add(b.id);
  return newestFirst.filter((b) => !keep.has(b.id)).map((b) => b.id);
}

export function recentToPrune(backups: RetentionCandidate[], rule: KeepRule, now: Date): string[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const since = now.getTime() - rule.keepDays * 86_400_000;
  return newestFirst
    .filter((b, i) => i >= rule.keepLast && b.createdAt.getTime() < since && b.rating !== "excellent")
    .map((b) => b.id);
}

function keepOnePer(newestFirst: RetentionCandidate[], count: number, bucketOf: (d: Date) => string, keep: Set<string>) {
  const seen = new Set<string>();
  for (const b of newestFirst) {
    if (seen.size >= count) return;
    const bucket = bucketOf(b.createdAt);
    if (seen.has(bucket)) continue;
    seen.add(bucket);
    keep.add(b.id);
  }
}

/** "2025-W03" (ISO 8601 week, UTC). */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
