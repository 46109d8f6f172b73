/**
 * Small secrets the server must keep but never show (a private-copy passphrase, later
 * Drive tokens), sealed with TOKEN_ENCRYPTION_KEY: AES-256-GCM, a fresh 96-bit nonce per
 * seal, the key's id stored beside the ciphertext, and a context string bound in as
 * associated data, so a sealed value only opens where it was sealed (one user's
 * passphrase cannot be moved onto another user's document).
 *
 * TOKEN_ENCRYPTION_KEY holds 32 random bytes as base64 or hex (`openssl rand -base64 32`).
 * Several keys, comma-separated, rotate: the first seals, all of them open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export interface SealedSecret {
  v: 1;
  alg: "A256GCM";
  /** Which key sealed it (a hash of the key, not the key). */
  kid: string;
  /** base64 of the 12-byte nonce, the ciphertext and the 16-byte tag. */
  iv: string;
  ct: string;
  tag: string;
}

export type SecretBoxErrorCode = "bad_key" | "unknown_key" | "tampered";

export class SecretBoxError extends Error {
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SecretBoxError";
  }
}

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The 32-byte keys in a TOKEN_ENCRYPTION_KEY value (base64 or hex, comma-separated). */
export function parseEncryptionKeys(raw: string): Buffer[] {
  const keys = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^[0-9a-f]{64}$/i.test(s) ? Buffer.from(s, "hex") : Buffer.from(s, "base64")));
  if (keys.length === 0 || keys.some((k) => k.length !== KEY_BYTES)) {
    throw new SecretBoxError("bad_key", "TOKEN_ENCRYPTION_KEY should hold 32 random bytes as base64 or hex (openssl rand -base64 32)");
  }
  return keys;
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update("codevault secret-box key id\0").update(key).digest("hex").slice(0, 16);
}

export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly current: { kid: string; key: Buffer };

  /** `keys[0]` seals; every key opens what it sealed. */
  constructor(keys: Buffer[]) {
    if (keys.length === 0 || keys.some((k) => k.length !== KEY_BYTES)) throw new SecretBoxError("bad_key", "a secret box needs 32-byte keys");
    this.keys = new Map(keys.map((k) => [keyId(k), Buffer.from(k)]));
    this.current = { kid: keyId(keys[0]!), key: Buffer.from(keys[0]!) };
  }

  /** The id of the key that seals now (what a sealed secret's `kid` is when it needs no re-sealing). */
  get currentKid(): string {
    return this.current.kid;
  }

  static fromEnv(raw: string): SecretBox {
    return new SecretBox(parseEncryptionKeys(raw));
  }

  seal(plaintext: string, context: string): SealedSecret {
    const iv = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return { v: 1, alg: "A256GCM", kid: this.current.kid, iv: iv.toString("base64"), ct: ct.toString("base64"), tag: cipher.getAuthTag().toString("base64") };
  }

  open(sealed: SealedSecret, context: string): string {
    const key = this.keys.get(sealed.kid);
    if (!key) throw new SecretBoxError("unknown_key", `sealed with key ${sealed.kid}, which TOKEN_ENCRYPTION_KEY does not hold`);
    const iv = Buffer.from(sealed.iv, "base64");
    const tag = Buffer.from(sealed.tag, "base64");
    if (sealed.v !== 1 || sealed.alg !== "A256GCM" || iv.length !== NONCE_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretBoxError("tampered", "not a sealed secret of this format");
    }
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(sealed.ct, "base64")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretBoxError("tampered", "the sealed secret fails authentication (changed, or sealed for another context)");
    }
  }
}
