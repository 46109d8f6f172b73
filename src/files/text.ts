/** Deciding whether bytes are a text/code file we can keep, and checking names. */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of a file, or undefined when it is binary (NUL bytes or not UTF-8). */
export function decodeText(bytes: Uint8Array): string | undefined {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return undefined;
  try {
    const text = utf8.decode(bytes);
    // A byte-order mark is an encoding detail, not content.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

export const MAX_FILE_NAME_LENGTH = 255;

/**
 * Why a file name cannot be used, or undefined when it is fine. Names may hold
 * folders (`src/app.py`) but never climb out of them or look like absolute paths.
 */
export function fileNameProblem(name: string): "empty" | "too_long" | "invalid" | undefined {
  if (name.trim() === "") return "empty";
  if (name.length > MAX_FILE_NAME_LENGTH) return "too_long";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return "invalid";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "invalid";
  const segments = name.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".." || s !== s.trim())) return "invalid";
  return undefined;
}
