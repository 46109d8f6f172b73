/**
 * RestorePlanner: archive files + the current library → what a restore would do.
 * Pure: no I/O, so the preview and the apply step compute the same plan
 * (planRestorePaced only lets the event loop run between steps).
 */
import { fileNameKey } from "../files/text.js";
import { runSteps, runStepsPaced, type Pacer } from "../work/pacer.js";

export interface IncomingFile {
  name: string;
  sha256: string;
  size: number;
  updatedAt?: Date;
}

export interface CurrentFile {
  fileName: string;
  sha256: string;
  size: number;
  updatedAt: Date;
  version: number;
}

export interface Rejected {
  name: string;
  reason: string;
}

export interface Conflict<F extends IncomingFile, C extends CurrentFile = CurrentFile> {
  incoming: F;
  current: C;
}

export interface RestorePlan<F extends IncomingFile, C extends CurrentFile = CurrentFile> {
  /** Names the library does not have (or has deleted). */
  new: F[];
  /** Same name, same sha256: skipped silently. */
  unchanged: F[];
  /**
   * Same name, different content — or a name that differs from a library file's
   * only in case or Unicode form (`README.md` vs `readme.md`), which would overwrite
   * it when a backup is extracted on macOS or Windows: the user decides.
   */
  conflicts: Conflict<F, C>[];
  rejected: Rejected[];
}

export function planRestore<F extends IncomingFile, C extends CurrentFile>(
  incoming: F[],
  library: C[],
  rejected: Rejected[] = [],
): RestorePlan<F, C> {
  return runSteps(planSteps(incoming, library, rejected));
}

/** `planRestore` for a busy event loop: the same plan, in steps that yield whenever `pacer` says so. */
export function planRestorePaced<F extends IncomingFile, C extends CurrentFile>(
  incoming: F[],
  library: C[],
  rejected: Rejected[],
  pacer: Pacer,
): Promise<RestorePlan<F, C>> {
  return runStepsPaced(planSteps(incoming, library, rejected), pacer);
}

/** Files planned between two chances to yield (10,000 take ~5–20 ms, more on a busy machine). */
const FILES_PER_STEP = 500;

function* planSteps<F extends IncomingFile, C extends CurrentFile>(incoming: F[], library: C[], rejected: Rejected[]): Generator<void, RestorePlan<F, C>> {
  const current = new Map(library.map((f) => [f.fileName, f]));
  const twins = new Map(library.map((f) => [fileNameKey(f.fileName), f]));
  const plan: RestorePlan<F, C> = { new: [], unchanged: [], conflicts: [], rejected: [...rejected] };
  for (const [i, file] of incoming.entries()) {
    if (i % FILES_PER_STEP === FILES_PER_STEP - 1) yield;
    const existing = current.get(file.name) ?? twins.get(fileNameKey(file.name));
    if (!existing) plan.new.push(file);
    else if (existing.sha256 === file.sha256 && existing.fileName === file.name) plan.unchanged.push(file);
    else plan.conflicts.push({ incoming: file, current: existing });
  }
  return plan;
}

export type ConflictAction = "replace" | "skip" | "rename";

export interface Decision {
  action: ConflictAction;
  /** For rename: the name to save under. */
  renameTo?: string;
}

/**
 * The decision for one conflict: its own (an own property only, so a file named
 * "constructor" or "__proto__" never finds Object's), else the default for all.
 */
export function decisionFor(perFile: Readonly<Record<string, Decision>> | undefined, name: string, fallback: ConflictAction): Decision {
  return perFile && Object.hasOwn(perFile, name) ? perFile[name]! : { action: fallback };
}

/**
 * "app.py" → "app (restored).py", then "app (restored 2).py", … until the name is
 * free in `taken` (the library plus names already chosen in this restore).
 */
export function suggestRename(name: string, taken: ReadonlySet<string>): string {
  const slash = name.lastIndexOf("/");
  const dot = name.lastIndexOf(".");
  const hasExt = dot > slash + 1;
  const stem = hasExt ? name.slice(0, dot) : name;
  const ext = hasExt ? name.slice(dot) : "";
  for (let i = 1; ; i++) {
    const candidate = `${stem} (restored${i === 1 ? "" : ` ${i}`})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The first line that differs between two texts (1-based), for the conflict card. */
export function firstDifference(current: string, incoming: string): { line: number; current: string; incoming: string } | undefined {
  const a = current.split("\n");
  const b = incoming.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return { line: i + 1, current: a[i] ?? "", incoming: b[i] ?? "" };
  }
  return undefined;
}
