/**
 * Private copies (issue 14): backup ZIPs encrypted whole into the age format, so only
 * their owner can open them, with `age` and no bot. No Telegram here.
 *
 * Two ways to hold the key:
 *  - "recipient" (my key): the server keeps only the public `age1…` recipient. It can
 *    encrypt copies but has nothing that decrypts them. A generated key's secret is
 *    returned once, to be sent to the user, and becomes active only when they confirm
 *    they saved it (a copy to a key nobody kept would be lost).
 *  - "passphrase": scrypt-based age encryption; the passphrase is sealed with
 *    TOKEN_ENCRYPTION_KEY so scheduled runs can use it, which means the server could
 *    decrypt these copies.
 * Opening a copy always takes the secret from the user for that one call; it is never stored.
 */
import { createHash } from "node:crypto";
import type { Db } from "mongodb";
import type { ReadableStreamWithSize } from "age-encryption";
import type { SecretBox } from "../crypto/secret-box.js";
import { decryptStream, encryptStream } from "./age-codec.js";
import { checkPassphrase, generateKey, parseRecipient, secretFromText, type AgeSecret, type EncryptionKey, type GeneratedKey } from "./age-keys.js";
import { readWhole, type ByteSource } from "./byte-streams.js";
import { PrivacyError } from "./privacy-errors.js";
import { PrivacySettingsStore, statusOf, type PrivacyStatus } from "./privacy-settings.js";

export interface PrivateCopiesOptions {
  db: Db;
  /** TOKEN_ENCRYPTION_KEY's box; without it passphrase mode is refused (`no_server_key`). */
  secretBox?: SecretBox;
  /** log2 of scrypt's N for passphrase copies (age's default 18); lower only in tests. */
  scryptWorkFactor?: number;
  clock?: () => Date;
}

export interface EncryptedCopy {
  stream: ReadableStreamWithSize;
  /** codevault-backup-….zip.age */
  fileName: string;
  mode: "recipient" | "passphrase";
  /**
   * MD5 (hex) and length of the encrypted bytes, once `stream` has been read to its end: what
   * Drive's md5Checksum of the uploaded copy must equal, checked later without the key.
   */
  written(): { md5: string; bytes: number };
}

const AGE_SUFFIX = ".age";

/** codevault-backup-2025-01-15-1030.zip → codevault-backup-2025-01-15-1030.zip.age */
export function encryptedFileName(zipFileName: string): string {
  return zipFileName.endsWith(AGE_SUFFIX) ? zipFileName : `${zipFileName}${AGE_SUFFIX}`;
}

export function isEncryptedFileName(name: string): boolean {
  return name.toLowerCase().endsWith(AGE_SUFFIX);
}

/** The ZIP name inside an `.age` name (codevault-backup-….zip.age → codevault-backup-….zip). */
export function plainFileName(ageFileName: string): string {
  return isEncryptedFileName(ageFileName) ? ageFileName.slice(0, -AGE_SUFFIX.length) : ageFileName;
}

const passphraseContext = (userId: number) => `codevault/privacy/passphrase/user:${userId}`;

export class PrivateCopies {
  private readonly store: PrivacySettingsStore;
  private readonly secretBox: SecretBox | undefined;
  private readonly scryptWorkFactor: number | undefined;
  private readonly clock: () => Date;

  constructor(deps: PrivateCopiesOptions) {
    this.store = new PrivacySettingsStore(deps.db);
    this.secretBox = deps.secretBox;
    this.scryptWorkFactor = deps.scryptWorkFactor;
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Whether passphrase mode can be offered (the server has TOKEN_ENCRYPTION_KEY). */
  get passphraseAvailable(): boolean {
    return this.secretBox !== undefined;
  }

  async status(userId: number): Promise<PrivacyStatus> {
    return statusOf(await this.store.get(userId));
  }

  /**
   * "My key": a new identity. The secret (and its key file) is returned for the bot
   * to send once; only the public recipient is stored, as pending until confirmKey.
   * Copies keep their current mode until then.
   */
  async generateKey(userId: number): Promise<GeneratedKey> {
    const key = await generateKey(this.clock());
    await this.store.setPending(userId, this.clock(), key.recipient);
    return key;
  }

  /** The user saved the generated key: copies from now on are encrypted to it. */
  async confirmKey(userId: number, recipient: string): Promise<PrivacyStatus> {
    if (!(await this.store.confirmPending(userId, this.clock(), recipient))) {
      throw new PrivacyError("no_pending_key", "no generated key is waiting for confirmation, or another one is");
    }
    return this.status(userId);
  }

  /** The user's own public key (pasted `age1…`), checked by age. */
  async useRecipient(userId: number, text: string): Promise<PrivacyStatus> {
    const recipient = parseRecipient(text);
    await this.store.setMode(userId, this.clock(), "recipient", { recipient, keySource: "pasted" });
    return this.status(userId);
  }

  /** Passphrase mode: the passphrase is kept sealed with TOKEN_ENCRYPTION_KEY, for this user only. */
  async usePassphrase(userId: number, passphrase: string): Promise<PrivacyStatus> {
    if (!this.secretBox) throw new PrivacyError("no_server_key", "TOKEN_ENCRYPTION_KEY is not set");
    checkPassphrase(passphrase);
    const sealed = this.secretBox.seal(passphrase, passphraseContext(userId));
    await this.store.setMode(userId, this.clock(), "passphrase", { passphrase: sealed });
    return this.status(userId);
  }

  /**
   * Re-seals every stored passphrase with the current TOKEN_ENCRYPTION_KEY (the admin CLI's
   * `drive rotate-key`, after the old key moved to TOKEN_ENCRYPTION_KEY_PREVIOUS). Passphrases no
   * configured key opens are counted, not touched.
   */
  async rotateKey(): Promise<{ rotated: number; unreadable: number }> {
    const result = { rotated: 0, unreadable: 0 };
    if (!this.secretBox) return result;
    for await (const doc of this.store.withPassphraseNotSealedBy(this.secretBox.currentKid)) {
      let passphrase: string;
      try {
        passphrase = this.secretBox.open(doc.passphrase!, passphraseContext(doc._id));
      } catch {
        result.unreadable++;
        continue;
      }
      await this.store.reseal(doc._id, doc.passphrase!, this.secretBox.seal(passphrase, passphraseContext(doc._id)));
      result.rotated++;
    }
    return result;
  }

  /** New copies are plain again; the recipient and the sealed passphrase are removed. */
  async turnOff(userId: number): Promise<PrivacyStatus> {
    await this.store.setMode(userId, this.clock(), "off");
    return this.status(userId);
  }

  /** Whether backups sent to the chat are encrypted as well. */
  async setChatCopies(userId: number, on: boolean): Promise<PrivacyStatus> {
    await this.store.setChatCopies(userId, this.clock(), on);
    return this.status(userId);
  }

  /** What this user's new copies are encrypted to; undefined when private copies are off. */
  async keyFor(userId: number): Promise<EncryptionKey | undefined> {
    const doc = await this.store.get(userId);
    if (doc?.mode === "recipient" && doc.recipient) return { kind: "recipient", recipient: doc.recipient };
    if (doc?.mode === "passphrase" && doc.passphrase) {
      if (!this.secretBox) throw new PrivacyError("no_server_key", "TOKEN_ENCRYPTION_KEY is not set, so the sealed passphrase cannot be used");
      return { kind: "passphrase", passphrase: this.secretBox.open(doc.passphrase, passphraseContext(userId)) };
    }
    return undefined;
  }

  /** The age stream of a ZIP stream. */
  encryptStream(zip: ByteSource, key: EncryptionKey): Promise<ReadableStreamWithSize> {
    return encryptStream(zip, key, { scryptWorkFactor: this.scryptWorkFactor });
  }

  /** A user's backup as the private copy their settings ask for; undefined when they are off. */
  async encryptFor(userId: number, zip: ByteSource, zipFileName: string): Promise<EncryptedCopy | undefined> {
    const key = await this.keyFor(userId);
    if (!key) return undefined;
    const encrypted = await this.encryptStream(zip, key);
    const md5 = createHash("md5");
    let bytes = 0;
    let done = false;
    const counted = encrypted.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          md5.update(chunk);
          bytes += chunk.length;
          controller.enqueue(chunk);
        },
        flush() {
          done = true;
        },
      }),
    );
    let digest: string | undefined;
    return {
      stream: Object.assign(counted, { size: (plainBytes: number) => encrypted.size(plainBytes) }),
      fileName: encryptedFileName(zipFileName),
      mode: key.kind,
      written() {
        if (!done) throw new Error("the encrypted copy has not been read to its end yet");
        digest ??= md5.digest("hex");
        return { md5: digest, bytes };
      },
    };
  }

  /**
   * A backup (or part) about to be sent to the chat, encrypted when the user turned chat copies
   * on; undefined when it goes as it is. Parts are at most Telegram's upload limit, so whole in memory.
   */
  async encryptForChat(userId: number, zip: Uint8Array, zipFileName: string): Promise<{ bytes: Buffer; fileName: string } | undefined> {
    const doc = await this.store.get(userId);
    if (!doc?.chatCopies) return undefined;
    const copy = await this.encryptFor(userId, zip, zipFileName);
    if (!copy) return undefined;
    return { bytes: await readWhole(copy.stream, copy.stream.size(zip.length)), fileName: copy.fileName };
  }

  /**
   * The ZIP inside an age file, as a stream. `secret` is what the user gave for this
   * one call: key file text (`AGE-SECRET-KEY-1…`, comment lines ignored), a passphrase,
   * or an AgeSecret. Rejects (or errors the stream) with a PrivacyError.
   */
  decrypt(encrypted: ByteSource, secret: string | AgeSecret): Promise<ReadableStreamWithSize> {
    return decryptStream(encrypted, typeof secret === "string" ? secretFromText(secret) : secret);
  }

  /**
   * The whole ZIP of an age file in one buffer (restore validates a whole archive).
   * With `encryptedSize` (or a buffer as input) the buffer is sized up front and filled.
   */
  async decryptToBuffer(encrypted: ByteSource, secret: string | AgeSecret, encryptedSize?: number): Promise<Buffer> {
    const size = encryptedSize ?? (encrypted instanceof Uint8Array ? encrypted.length : undefined);
    const plain = await this.decrypt(encrypted, secret);
    let plainSize: number | undefined;
    try {
      plainSize = size === undefined ? undefined : plain.size(size);
    } catch {
      // age's size arithmetic refuses a length no whole age file can have: the end is missing.
      await plain.cancel();
      throw new PrivacyError("truncated", "the file's length cannot be a whole age file");
    }
    return readWhole(plain, plainSize);
  }
}
