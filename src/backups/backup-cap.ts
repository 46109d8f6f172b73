import { ObjectId } from "mongodb";
import type { BackupUsage } from "../work/fair-limits.js";
import type { BackupDoc, BackupType } from "./backup-types.js";
import { backupsToPrune, recentToPrune, type RetentionCandidate, type RetentionRules } from "./retention.js";

/** The kinds retention prunes, each under its own rule (see retention.ts). */
export const PRUNABLE: readonly BackupType[] = ["full_backup", "emergency", "imported_zip", "github_repo_zip"];

type Stored = Pick<BackupDoc, "_id" | "type" | "createdAt" | "rating">;

/** The ids retention prunes among `docs` of `type` (ids in `protect` excepted). Pure. */
export function toPruneOfKind(type: BackupType, docs: Stored[], protect: readonly string[], rules: RetentionRules, now: Date): string[] {
  const candidates: RetentionCandidate[] = docs
    .filter((d) => d.type === type)
    .map((d) => ({ id: d._id.toHexString(), createdAt: d.createdAt, rating: d.rating }));
  const ids =
    type === "full_backup" ? backupsToPrune(candidates, rules.full) : recentToPrune(candidates, type === "emergency" ? rules.emergency : rules.imported, now);
  return ids.filter((id) => !protect.includes(id));
}

/**
 * What a user keeps (count, stored bytes) once a new backup of `type` is written and its kind
 * rotates, as retention does right after the write; the new backup itself is not counted. Pure:
 * so the cap counts what rotation frees, and retention-managed backups rotate rather than being refused.
 */
export function keptAfterRotation(docs: (Stored & { zipSize: number })[], type: BackupType, protect: readonly string[], rules: RetentionRules, now: Date): BackupUsage {
  const incoming = { _id: new ObjectId(), type, createdAt: now };
  const rotated = new Set(PRUNABLE.includes(type) ? toPruneOfKind(type, [...docs, incoming], [...protect, incoming._id.toHexString()], rules, now) : []);
  const stay = docs.filter((d) => !rotated.has(d._id.toHexString()));
  return { count: stay.length, bytes: stay.reduce((sum, d) => sum + d.zipSize, 0) };
}
