/**
 * Archives with a root metadata.json: our own backups (bodies in ZIP entries)
 * and the older format (bodies in the manifest's `code`).
 */
import { entryNameOf, type ParsedManifestFile } from "./manifest.js";
import type { Pacer } from "../work/pacer.js";
import { decodeText } from "../files/text.js";
import { sha256Hex } from "../files/content-hash.js";
import { Admission, cleanTags, entryText, isIgnoredEntry, libraryName, parseDate, readEntryAsync, textOf, toArchiveFile, type EntryText } from "./archive-entries.js";
import { ArchiveError, type ArchiveFile, type ImportLimits, type LoadedArchive, type OpenedArchive } from "./archive-types.js";

/** JSON strings may hold lone surrogates, which are not text and would not survive UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A manifest file that will be imported, in manifest order. */
interface Wanted {
  file: ParsedManifestFile;
  /** file_name in NFC: the library name. */
  name: string;
  /** Body from `code` (older format); otherwise the ZIP entry's text. */
  code?: string;
}

/** What the manifest expects of one ZIP entry. */
interface EntryCheck {
  /** sha256 values manifest files give for this entry. */
  sha256: { value: string; file: string }[];
  /** Its text is imported (so it must be text). */
  keep: boolean;
}

/** Yields to the event loop between files whenever `pacer` says so (archive-loader.ts). */
export async function loadManifestArchive(opened: Required<OpenedArchive>, lim: ImportLimits, pacer: Pacer): Promise<LoadedArchive> {
  const { entries, manifestEntry, manifestBytes, manifest } = opened;
  const format = manifest.files.some((f) => f.code !== undefined) ? "legacy_manifest" : "codevault";

  // 1. From the manifest alone: what is imported, what is rejected, what each entry must satisfy.
  const fileEntries = new Map(entries.filter((e) => !e.isDirectory).map((e) => [e.name, e]));
  const checks = new Map<string, EntryCheck>();
  const wanted: Wanted[] = [];
  const admission = new Admission(lim);
  /** ZIP entries whose text a manifest file takes: each may be taken once, or one entry could become thousands of files. */
  const used = new Set<string>();
  let writeCount = 0;
  let writeBytes = 0;
  for (const file of manifest.files) {
    await pacer.pace();
    const entryName = entryNameOf(file);
    const entry = fileEntries.get(entryName);
    const hasCode = file.code !== undefined;
    // A name from the JSON, never seen by the ZIP layer: it alone decides the
    // library name; an unusable one is rejected and its entry path is no fallback.
    const { name, reason: badName } = libraryName(file.file_name);

    // Integrity: each body the manifest points at is there and matches its sha256.
    if (hasCode) {
      if (file.sha256 && sha256Hex(file.code!) !== file.sha256) {
        throw new ArchiveError("checksum_mismatch", "sha256 of `code` does not match the manifest", file.file_name);
      }
    } else if (!entry && !badName) {
      // (A rejected name needs no entry: "../../x" could never be one.)
      throw new ArchiveError("manifest_missing_file", "Manifest lists a file the archive does not hold", entryName);
    }
    let check = entry && checks.get(entryName);
    if (entry && !check) checks.set(entryName, (check = { sha256: [], keep: false })); // next to `code`: read for integrity only
    if (check && !hasCode && file.sha256) check.sha256.push({ value: file.sha256, file: file.file_name });

    const size = hasCode ? Buffer.byteLength(file.code!) : (entry?.size ?? 0);
    let reason = badName ?? admission.refusal(name, hasCode ? undefined : entry, !!file.history);
    if (!reason && !hasCode && used.has(entryName)) reason = "duplicate_entry";
    if (!reason && admission.tooLarge(size)) reason = "too_large";
    if (reason) {
      admission.reject(file.history ? entryName : file.file_name, reason);
      continue;
    }
    // The limits apply to what will be written (history versions and `code` bodies included), not only to ZIP entries.
    writeCount++;
    writeBytes += size;
    if (writeCount > lim.maxEntries) {
      throw new ArchiveError("too_many_entries", `Manifest lists more than ${lim.maxEntries} files to restore`, undefined, { limit: lim.maxEntries });
    }
    if (writeBytes > lim.maxTotalBytes) {
      throw new ArchiveError("total_too_large", `Manifest files add up to more than ${lim.maxTotalBytes} bytes`, file.file_name);
    }
    if (!file.history) admission.take(name);
    if (!hasCode) {
      used.add(entryName);
      check!.keep = true;
    }
    wanted.push({ file, name, code: file.code });
  }

  // 2. Read every entry once, in archive order: any damage refuses the whole archive.
  //    Each entry is hashed at most once: the manifest check and the imported file share the digest.
  const bodies = new Map<string, EntryText>();
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    await pacer.pace();
    const data = entry === manifestEntry ? manifestBytes : await readEntryAsync(entry);
    const check = checks.get(entry.name);
    if (!check) {
      if (entry !== manifestEntry && !isIgnoredEntry(entry.name)) admission.reject(entry.name, "not_in_manifest");
      continue;
    }
    const digest = check.sha256.length || check.keep ? sha256Hex(data) : undefined;
    if (check.sha256.length) {
      const wrong = check.sha256.find((s) => s.value !== digest);
      if (wrong) throw new ArchiveError("checksum_mismatch", `sha256 of ${JSON.stringify(wrong.file)} does not match the manifest`, entry.name);
    }
    if (check.keep) {
      const body = entryText(data, digest);
      if (body === undefined) throw new ArchiveError("not_text", "Listed file is not UTF-8 text", entry.name);
      bodies.set(entry.name, body);
    }
  }

  const files: ArchiveFile[] = [];
  const history: { file: ParsedManifestFile; version: ArchiveFile }[] = [];
  for (const { file, name, code } of wanted) {
    await pacer.pace();
    let body: EntryText;
    if (code !== undefined) {
      const text = LONE_SURROGATE.test(code) ? undefined : decodeText(Buffer.from(code, "utf8"));
      if (text === undefined) throw new ArchiveError("not_text", "Manifest `code` is not text", file.file_name);
      body = textOf(text);
    } else {
      body = bodies.get(entryNameOf(file))!;
    }
    const archiveFile = toArchiveFile(name, body, {
      language: file.programming_language,
      tags: cleanTags(file.tags),
      note: file.note,
      createdAt: parseDate(file.created_at),
      updatedAt: parseDate(file.updated_at),
    });
    if (file.history) history.push({ file, version: archiveFile });
    else files.push(archiveFile);
  }
  attachHistory(files, history, admission);

  const loaded: LoadedArchive = { format, files, rejected: admission.rejected };
  if (manifest.backupType) loaded.backupType = manifest.backupType;
  if (manifest.createdAt) loaded.createdAt = manifest.createdAt;
  if (manifest.part !== undefined && manifest.totalParts !== undefined && manifest.part <= manifest.totalParts) {
    loaded.part = { index: manifest.part, total: manifest.totalParts };
  }
  return loaded;
}

/**
 * Earlier versions go with their file, oldest first; one whose file is not in
 * `files` (rejected, or not in the archive) is rejected as history_version.
 */
function attachHistory(files: ArchiveFile[], history: { file: ParsedManifestFile; version: ArchiveFile }[], admission: Admission): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  history.sort((a, b) => (a.file.version ?? 0) - (b.file.version ?? 0));
  for (const { file, version } of history) {
    const latest = byName.get(version.name);
    if (!latest) {
      admission.reject(entryNameOf(file), "history_version");
      continue;
    }
    (latest.history ??= []).push(version);
  }
}
