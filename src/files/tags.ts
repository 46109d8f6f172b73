import { FileError } from "./file-types.js";

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;
export const MAX_NOTE_LENGTH = 1000;

/**
 * Tags as typed by a user ("#python, util  #python") → ["python", "util"].
 * Letters, digits and _ - . : are kept (`repo:name` is a tag we set ourselves).
 */
export function normalizeTags(raw: string | string[]): string[] {
  const words = (Array.isArray(raw) ? raw : [raw]).flatMap((s) => s.split(/[\s,]+/));
  const tags: string[] = [];
  for (const word of words) {
    const tag = word
      .replace(/^#+/, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_.:-]/gu, "")
      .slice(0, MAX_TAG_LENGTH);
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  if (tags.length > MAX_TAGS) throw new FileError("too_many_tags");
  return tags;
}

export function normalizeNote(note: string): string {
  const trimmed = note.trim();
  if (trimmed.length > MAX_NOTE_LENGTH) throw new FileError("note_too_long");
  return trimmed;
}
