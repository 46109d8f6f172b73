/**
 * Why a private copy could not be made or opened. Each code is one user-facing message
 * (the bot maps codes to locale keys); `message` is for logs and never holds a secret.
 */
export type PrivacyErrorCode =
  /** The bytes are not an age file (no `age-encryption.org/v1` header, or a header that is not age's). */
  | "not_age"
  /** An age file we cannot open: another format version, ASCII armor, or a scrypt work factor above age's limit. */
  | "unsupported"
  /** The key or passphrase given does not open this file. `needs` tells which kind would. */
  | "wrong_key"
  /** The file ends early: inside its header, or before its last STREAM chunk (or that chunk is damaged). */
  | "truncated"
  /** The file was changed: its header MAC or a STREAM chunk before the last fails authentication. */
  | "tampered"
  /** The text given as a secret key holds no valid `AGE-SECRET-KEY-1…` line. */
  | "invalid_identity"
  /** The pasted public key is not an `age1…` X25519 recipient. */
  | "invalid_recipient"
  /** A passphrase shorter than PASSPHRASE_MIN_LENGTH or longer than PASSPHRASE_MAX_LENGTH. */
  | "weak_passphrase"
  /** Passphrase mode needs TOKEN_ENCRYPTION_KEY on the server to keep the passphrase; it is not set. */
  | "no_server_key"
  /** "I saved it" for a generated key that is not the one waiting (or none is). */
  | "no_pending_key";

export class PrivacyError extends Error {
  constructor(
    readonly code: PrivacyErrorCode,
    message: string = code,
    /** For `wrong_key`: what the file was encrypted to, so the bot can ask for the right secret. */
    readonly needs?: "identity" | "passphrase",
  ) {
    super(message);
    this.name = "PrivacyError";
  }
}

export function isPrivacyError(err: unknown, code?: PrivacyErrorCode): err is PrivacyError {
  return err instanceof PrivacyError && (code === undefined || err.code === code);
}
