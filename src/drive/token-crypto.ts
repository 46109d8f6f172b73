import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** Tokens at rest: AES-256-GCM ciphertext with its nonce, tag and the id of the key that sealed it. */
export interface SealedSecret {
  v: 1;
  /** Which key sealed it (a hash prefix of the key, never the key). */
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

export class TokenKeyError extends Error {
  constructor(readonly kid: string) {
    super(`no key with id ${kid} is configured (TOKEN_ENCRYPTION_KEY / TOKEN_ENCRYPTION_KEY_PREVIOUS)`);
  }
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update("codevault-token-key").update(key).digest("hex").slice(0, 16);
}

/**
 * Seals JSON with the current key (a fresh 12-byte nonce per write) and opens what any
 * configured key sealed. `context` (the user id) is authenticated data: a sealed secret
 * copied to another user's record does not open.
 */
export class TokenCipher {
  readonly currentKid: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: Buffer[] = []) {
    if (current.length !== 32) throw new Error("TOKEN_ENCRYPTION_KEY must be 32 bytes");
    this.currentKid = keyId(current);
    for (const key of previous) this.keys.set(keyId(key), key);
    this.keys.set(this.currentKid, current);
  }

  seal(value: unknown, context: string): SealedSecret {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.keys.get(this.currentKid)!, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    return { v: 1, kid: this.currentKid, iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
  }

  /** Throws TokenKeyError when the sealing key is not configured, and an Error when the bytes were altered. */
  open<T>(sealed: SealedSecret, context: string): T {
    const key = this.keys.get(sealed.kid);
    if (!key) throw new TokenKeyError(sealed.kid);
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
    const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8");
    return JSON.parse(text) as T;
  }
}
