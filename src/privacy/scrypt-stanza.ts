/**
 * age's scrypt recipient and identity (https://age-encryption.org/v1, "The scrypt recipient
 * type"), plugged into age-encryption through its documented Recipient / Identity interfaces,
 * with the key derivation done by node:crypto's asynchronous scrypt.
 *
 * Why: age-encryption's own passphrase support runs @noble/hashes' scrypt synchronously in
 * JavaScript; at age's work factor 2¹⁸ that held the event loop for 5-7 s (every other user
 * of the bot waited). node:crypto.scrypt runs OpenSSL's scrypt on libuv's thread pool, so the
 * event loop stays free (docs/PERFORMANCE.md has the event-loop delay before and after).
 * Derivations run one at a time: each needs 128·r·N bytes (256 MiB at 2¹⁸).
 *
 * The stanza is the format's, byte for byte: `-> scrypt <salt> <log2 N>`, body = the 16-byte
 * file key sealed with ChaCha20-Poly1305 (zero nonce) under scrypt(passphrase,
 * "age-encryption.org/v1/scrypt" ‖ salt, N, r = 8, p = 1, 32 bytes). Files made here open
 * with `age -d` and age-encryption's own addPassphrase, and the other way round (tests).
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { Stanza, type Identity, type Recipient } from "age-encryption";

const LABEL = "age-encryption.org/v1/scrypt";
const SALT_BYTES = 16;
const FILE_KEY_BYTES = 16;
const TAG_BYTES = 16;
const R = 8;
/** age-encryption refuses files above this work factor; so do we (2²⁰ needs 1 GiB). */
export const MAX_SCRYPT_WORK_FACTOR = 20;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64").replace(/=+$/, "");

/** Canonical unpadded base64 only (the format's rule), else undefined. */
function fromBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return base64(bytes) === text ? bytes : undefined;
}

let queue: Promise<unknown> = Promise.resolve();

/** scrypt on libuv's thread pool, one derivation at a time (each holds 128·r·N bytes). */
export function deriveKey(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  const labelAndSalt = Buffer.concat([Buffer.from(LABEL, "latin1"), salt]);
  const run = () =>
    new Promise<Buffer>((resolve, reject) =>
      scrypt(Buffer.from(passphrase, "utf8"), labelAndSalt, 32, { N, r: R, p: 1, maxmem: 130 * N * R }, (err, key) =>
        err ? reject(err) : resolve(key),
      ),
    );
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

function seal(fileKey: Uint8Array, key: Buffer): Buffer {
  const cipher = createCipheriv("chacha20-poly1305", key, Buffer.alloc(12), { authTagLength: TAG_BYTES });
  return Buffer.concat([cipher.update(fileKey), cipher.final(), cipher.getAuthTag()]);
}

/** The file key, or null when the key does not authenticate the body (another passphrase). */
function open(body: Uint8Array, key: Buffer): Uint8Array | null {
  const decipher = createDecipheriv("chacha20-poly1305", key, Buffer.alloc(12), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(body.subarray(FILE_KEY_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(body.subarray(0, FILE_KEY_BYTES)), decipher.final()]));
  } catch {
    return null;
  }
}

/** Encrypts a file to a passphrase (use it as the Encrypter's only recipient). */
export class ScryptPassphraseRecipient implements Recipient {
  constructor(
    private readonly passphrase: string,
    private readonly logN: number,
  ) {
    if (!Number.isInteger(logN) || logN < 1 || logN > MAX_SCRYPT_WORK_FACTOR) throw new Error("invalid scrypt work factor");
  }

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    const salt = randomBytes(SALT_BYTES);
    const key = await deriveKey(this.passphrase, salt, this.logN);
    return [new Stanza(["scrypt", base64(salt), String(this.logN)], seal(fileKey, key))];
  }
}

/** Opens a file encrypted to a passphrase; null (not an error) for files made for other recipients. */
export class ScryptPassphraseIdentity implements Identity {
  constructor(private readonly passphrase: string) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    const stanza = stanzas.find((s) => s.args[0] === "scrypt");
    if (!stanza) return null;
    // The format's rules: scrypt is the only stanza, and its arguments are exactly these.
    if (stanzas.length !== 1) throw new Error("scrypt recipient is not the only one in the header");
    const [, saltText = "", logNText = ""] = stanza.args;
    const salt = fromBase64(saltText);
    if (stanza.args.length !== 3 || !/^[1-9][0-9]*$/.test(logNText) || salt?.length !== SALT_BYTES) throw new Error("invalid scrypt stanza");
    if (stanza.body.length !== FILE_KEY_BYTES + TAG_BYTES) throw new Error("invalid scrypt stanza");
    const logN = Number(logNText);
    if (logN > MAX_SCRYPT_WORK_FACTOR) throw new Error("scrypt work factor is too high");
    return open(stanza.body, await deriveKey(this.passphrase, salt, logN));
  }
}
