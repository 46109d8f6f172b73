/** Deciding whether bytes are a text/code file we can keep, and checking names. */
import { isUtf8 } from "node:buffer";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Whether bytes are a text file we keep: no NUL byte anywhere and valid UTF-8. The whole file is
 * looked at (a NUL after the first few KB is as binary as one at the start); nothing is decoded.
 */
export function isText(bytes: Uint8Array): boolean {
  return !bytes.includes(0) && isUtf8(bytes);
}

/** The text of a file, or undefined when it is binary (see isText). */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (!isText(bytes)) return undefined;
  const text = utf8.decode(bytes);
  // A byte-order mark is an encoding detail, not content.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export const MAX_FILE_NAME_LENGTH = 255;

/**
 * Characters no file name may hold: C0 and C1 controls, DEL, the backslash,
 * ":" (NTFS reads `a.txt:stream` as a hidden stream of a.txt), bidi controls
 * (U+061C, U+200E/F, U+202A–E, U+2066–9: they make a name read as another
 * one) and invisible characters (soft hyphen, zero-width space/joiners,
 * word joiner, BOM) that make two different names look the same.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\\:\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/** Names Windows reserves for devices, with or without an extension (`CON`, `aux.txt`, `com1.log`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/** A name as the library stores it: Unicode NFC (macOS sends NFD, everyone else NFC). */
export function normalizeFileName(name: string): string {
  return name.normalize("NFC");
}

/**
 * Two names that one common file system would take for the same file (case-
 * insensitive APFS/NTFS, NFC vs NFD): equal keys. The library never holds two
 * live names with the same key, so a backup extracts without overwriting.
 */
export function fileNameKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

/**
 * Why a file name cannot be used, or undefined when it is fine: the one rule for
 * saving, restoring and importing. Names may hold folders (`src/app.py`) but
 * never climb out of them, look like absolute paths, or use anything that
 * extracts differently on Windows, macOS or Linux (see FORBIDDEN, reserved
 * device names, segments ending in a dot or a space). Check the NFC form.
 */
export function fileNameProblem(name: string): "empty" | "too_long" | "invalid" | undefined {
  if (name.trim() === "") return "empty";
  if (name.length > MAX_FILE_NAME_LENGTH) return "too_long";
  if (FORBIDDEN.test(name)) return "invalid";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "invalid";
  for (const s of name.split("/")) {
    if (s === "" || s === "." || s === ".." || s !== s.trim() || s.endsWith(".")) return "invalid";
    if (WINDOWS_RESERVED.test(s)) return "invalid";
  }
  return undefined;
}
