/** Every way reading an archive can fail, as a stable code callers can branch on. */
export type ZipErrorCode =
  | "not_zip"
  | "truncated"
  | "corrupt"
  | "encrypted"
  | "unsupported_method"
  | "unsafe_path"
  | "too_many_entries"
  | "entry_too_large"
  | "total_too_large"
  | "size_mismatch"
  | "crc_mismatch"
  | "duplicate_name"
  | "invalid_name_encoding";

export class ZipError extends Error {
  override readonly name = "ZipError";
  readonly code: ZipErrorCode;
  /** Name of the offending entry (as decoded, possibly unsafe — escape before showing). */
  readonly entryName?: string;
  /** The message without the entry name (`message` adds it once), for callers that name the entry themselves. */
  readonly detail: string;
  /** The limit that was passed (too_many_entries: the most entries allowed), for the user's message. */
  readonly limit?: number;

  constructor(code: ZipErrorCode, message: string, entryName?: string, limit?: number) {
    super(entryName === undefined ? message : `${message}: ${JSON.stringify(entryName)}`);
    this.code = code;
    this.detail = message;
    if (entryName !== undefined) this.entryName = entryName;
    if (limit !== undefined) this.limit = limit;
  }
}

export function isZipError(err: unknown, code?: ZipErrorCode): err is ZipError {
  return err instanceof ZipError && (code === undefined || err.code === code);
}
