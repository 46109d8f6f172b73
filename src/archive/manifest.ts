import { createHash } from "node:crypto";
import { z } from "zod";
import { runSteps, runStepsPaced, type Pacer } from "../work/pacer.js";

export const MANIFEST_NAME = "metadata.json";
export const MANIFEST_VERSION = "1.0";

/** One file as listed in metadata.json (field names follow the format codevault replaces). */
export interface ManifestFile {
  file_name: string;
  programming_language: string;
  note: string;
  tags: string[];
  version: number;
  created_at: string;
  updated_at: string;
  size: number;
  sha256: string;
  /** Entry name inside the ZIP when it differs from file_name (older versions in a history backup). */
  path?: string;
  /** True for an older version kept by a history backup. */
  history?: boolean;
}

export interface Manifest {
  version: string;
  backup_id: string;
  backup_type: string;
  created_at: string;
  user_id: number;
  total_files: number;
  total_size: number;
  files: ManifestFile[];
  /** Present on the parts of a split backup: part i of n (1-based). */
  part?: number;
  total_parts?: number;
}

/** Everything of a manifest but its files: known only once they have all been written. */
export type ManifestHeader = Omit<Manifest, "files">;

/**
 * metadata.json as `JSON.stringify(manifest, null, 2)` writes it, in pieces, so a
 * writer can serialize each file as it goes and keep only text, not objects:
 * `manifestHead(h) + manifestFileText(f1, 0) + manifestFileText(f2, 1) + … + manifestTail(h, n)`
 * is byte for byte that JSON (key order: the header's fields up to total_size, files, then part/total_parts).
 */
export function manifestHead(header: ManifestHeader): string {
  const [head] = splitEmpty(header);
  return head;
}

/** The `index`-th entry of the files array (with the comma that separates it from the previous one). */
export function manifestFileText(file: ManifestFile, index: number): string {
  return `${index > 0 ? "," : ""}\n    ${JSON.stringify(file, null, 2).replaceAll("\n", "\n    ")}`;
}

/** Closes the files array (of `count` entries) and the object. */
export function manifestTail(header: ManifestHeader, count: number): string {
  const [, tail] = splitEmpty(header);
  return count > 0 ? `\n  ${tail}` : tail;
}

/** JSON of the header with an empty files array, cut inside `[]`: ["…\"files\": [", "]…}"]. */
function splitEmpty(header: ManifestHeader): [string, string] {
  const { part, total_parts, ...fields } = header;
  const shape: Manifest = { ...fields, files: [] };
  if (part !== undefined) shape.part = part;
  if (total_parts !== undefined) shape.total_parts = total_parts;
  const json = JSON.stringify(shape, null, 2);
  // String values cannot hold a raw newline, so this is the top-level key.
  const at = json.indexOf('\n  "files": []') + '\n  "files": ['.length;
  return [json.slice(0, at), json.slice(at)];
}

/**
 * Reading is lenient: unknown fields are ignored, missing optional ones get
 * defaults, and the older format whose entries carry the body in `code` is accepted.
 */
const fileSchema = z
  .object({
    file_name: z.string().min(1),
    programming_language: z.string().optional(),
    language: z.string().optional(),
    note: z.string().nullish(),
    description: z.string().nullish(),
    tags: z.array(z.string()).nullish(),
    version: z.coerce.number().int().positive().optional(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    size: z.coerce.number().int().nonnegative().optional(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/i).optional(),
    path: z.string().optional(),
    history: z.boolean().optional(),
    code: z.string().optional(),
  })
  .loose();

const manifestSchema = z
  .object({
    version: z.union([z.string(), z.number()]).optional(),
    backup_id: z.union([z.string(), z.number()]).optional(),
    backup_type: z.string().optional(),
    created_at: z.string().optional(),
    user_id: z.union([z.number(), z.string()]).optional(),
    part: z.number().int().positive().optional(),
    total_parts: z.number().int().positive().optional(),
    // Checked file by file (parseManifestSteps): 10,000 files take ~150 ms in one piece.
    files: z.array(z.unknown()),
  })
  .loose();

export interface ParsedManifestFile extends ManifestFile {
  /** The body, for the older format that embeds it instead of a ZIP entry. */
  code?: string;
}

export interface ParsedManifest {
  backupType?: string;
  createdAt?: string;
  part?: number;
  totalParts?: number;
  files: ParsedManifestFile[];
}

export function parseManifest(text: string): ParsedManifest | undefined {
  return runSteps(parseManifestSteps(text));
}

/** `parseManifest` for a busy event loop: the files are checked in steps that yield whenever `pacer` says so. */
export function parseManifestPaced(text: string, pacer: Pacer): Promise<ParsedManifest | undefined> {
  return runStepsPaced(parseManifestSteps(text), pacer);
}

/** Files checked between two chances to yield. */
const FILES_PER_STEP = 100;

function* parseManifestSteps(text: string): Generator<void, ParsedManifest | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  yield;
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  const files: ParsedManifestFile[] = [];
  for (const [i, raw] of m.files.entries()) {
    if (i % FILES_PER_STEP === FILES_PER_STEP - 1) yield;
    const file = fileSchema.safeParse(raw);
    if (!file.success) return undefined;
    const f = file.data;
    files.push({
      file_name: f.file_name,
      programming_language: f.programming_language ?? f.language ?? "",
      note: f.note ?? f.description ?? "",
      tags: f.tags ?? [],
      version: f.version ?? 1,
      created_at: f.created_at ?? "",
      updated_at: f.updated_at ?? "",
      size: f.size ?? (f.code !== undefined ? Buffer.byteLength(f.code) : 0),
      sha256: f.sha256?.toLowerCase() ?? "",
      path: f.path,
      history: f.history,
      code: f.code,
    });
  }
  return {
    backupType: m.backup_type,
    createdAt: m.created_at,
    part: m.part,
    totalParts: m.total_parts,
    files,
  };
}

/** The ZIP entry that holds a manifest file's body. */
export function entryNameOf(file: Pick<ManifestFile, "file_name" | "path">): string {
  return file.path ?? file.file_name;
}

/** Whether an entry's bytes are the ones a manifest file lists (size and sha256). */
export function matchesManifest(file: Pick<ManifestFile, "size" | "sha256">, data: Buffer): boolean {
  return data.length === file.size && createHash("sha256").update(data).digest("hex") === file.sha256;
}
