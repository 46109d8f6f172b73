import { createHash } from "node:crypto";

/** A version's content hash (hex SHA-256 of its UTF-8 bytes): what "unchanged" means, for saves and restores alike. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
