import type { Context } from "grammy";
import { FileError, type FileErrorCode, type SaveStatus } from "../files/file-types.js";
import type { FileLibrary, SaveLookup } from "../files/file-library.js";
import { decodeText } from "../files/text.js";
import { DownloadTooLargeError, downloadTelegramFile, TELEGRAM_DOWNLOAD_LIMIT, type FetchLike } from "./telegram-files.js";

/**
 * What happened when a user tried to save something. Only plain JSON values:
 * conversations persist these in their replay log.
 */
export type SaveOutcome =
  | { kind: "saved"; id: string; fileName: string; language: string; version: number; size: number; status: SaveStatus }
  | { kind: "binary"; fileName: string }
  | { kind: "too_large"; fileName: string }
  | { kind: "zip"; fileName: string }
  | { kind: "invalid"; code: FileErrorCode };

export interface DownloadOptions {
  apiRoot: string;
  fetch: FetchLike;
}

export async function saveText(
  files: FileLibrary,
  userId: number,
  input: { fileName: string; content: string; tags?: string[]; note?: string },
  early?: SaveLookup,
): Promise<SaveOutcome> {
  try {
    const { file, status } = await files.save(userId, input, early);
    return { kind: "saved", id: file.id, fileName: file.fileName, language: file.language, version: file.version, size: file.size, status };
  } catch (err) {
    if (err instanceof FileError) return { kind: "invalid", code: err.code };
    throw err;
  }
}

/** Saves the document of the current message (downloaded through the Bot API). */
export async function saveDocument(
  ctx: Context,
  files: FileLibrary,
  download: DownloadOptions,
  overrides: { fileName?: string; tags?: string[]; note?: string } = {},
): Promise<SaveOutcome> {
  const document = ctx.message?.document;
  if (!document) throw new Error("saveDocument needs a message with a document");
  return saveDocumentBytes(files, ctx.from!.id, document, ctx.message?.caption, () => downloadTelegramFile(ctx, download), overrides);
}

/**
 * The part of saving a document that needs no Bot API call (so conversations can run it
 * inside `external()` after fetching the file path outside it).
 */
export async function saveDocumentBytes(
  files: FileLibrary,
  userId: number,
  document: { file_name?: string; mime_type?: string; file_size?: number },
  captionText: string | undefined,
  fetchBytes: () => Promise<Buffer>,
  overrides: { fileName?: string; tags?: string[]; note?: string } = {},
): Promise<SaveOutcome> {
  const fileName = overrides.fileName ?? document.file_name ?? "untitled.txt";
  if (/\.zip$/i.test(fileName) || document.mime_type === "application/zip") return { kind: "zip", fileName };
  if ((document.file_size ?? 0) > TELEGRAM_DOWNLOAD_LIMIT) return { kind: "too_large", fileName };
  // The library is asked about the name while the bytes download (two round trips less per save).
  const early = files.lookUpForSave(userId, fileName);
  let bytes: Buffer;
  try {
    bytes = await fetchBytes();
  } catch (err) {
    if (err instanceof DownloadTooLargeError) return { kind: "too_large", fileName };
    throw err;
  }
  const content = decodeText(bytes);
  if (content === undefined) return { kind: "binary", fileName };
  const caption = parseCaption(captionText ?? "");
  return saveText(files, userId, {
    fileName,
    content,
    tags: overrides.tags ?? caption.tags,
    note: overrides.note ?? caption.note,
  }, early);
}

/** "#util #cli parses flags" → tags [util, cli], note "parses flags". Undefined parts keep what the file had. */
export function parseCaption(caption: string): { tags?: string[]; note?: string } {
  const words = caption.trim().split(/\s+/).filter(Boolean);
  const tags = words.filter((w) => w.startsWith("#"));
  const note = words.filter((w) => !w.startsWith("#")).join(" ");
  return { tags: tags.length ? tags : undefined, note: note || undefined };
}
