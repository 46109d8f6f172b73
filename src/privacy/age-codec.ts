/**
 * A backup ZIP in and out of the age format (https://age-encryption.org/v1) through
 * age-encryption's streaming API: the plaintext goes through age's STREAM (64 KiB
 * ChaCha20-Poly1305 chunks) as it arrives, so neither side holds the whole file.
 *
 * Decryption failures become PrivacyErrors with one code each; failures of the
 * source itself (a download cut, a disk error) pass through unchanged.
 */
import { Decrypter, Encrypter, type ReadableStreamWithSize } from "age-encryption";
import type { AgeSecret, EncryptionKey } from "./age-keys.js";
import { toWebStream, type ByteSource } from "./byte-streams.js";
import { PrivacyError } from "./privacy-errors.js";
import { ScryptPassphraseIdentity, ScryptPassphraseRecipient } from "./scrypt-stanza.js";

/** age's default scrypt work factor (log2 N), the same the `age` CLI uses. */
export const DEFAULT_SCRYPT_WORK_FACTOR = 18;

const MAGIC = new TextEncoder().encode("age-encryption.org/");
const ARMOR = new TextEncoder().encode("-----BEGIN AGE ENCRYPTED FILE-----");
/** A header (version line, stanzas, MAC line) must end within this many bytes; ours are ~200. */
const HEADER_LIMIT = 64 * 1024;
const NONCE_BYTES = 16;

export interface EncryptOptions {
  /** log2 of scrypt's N for passphrase copies; lower only in tests. */
  scryptWorkFactor?: number;
}

/** The age file of `source`, as a stream; `size(plainBytes)` gives the encrypted length. */
export async function encryptStream(source: ByteSource, key: EncryptionKey, options: EncryptOptions = {}): Promise<ReadableStreamWithSize> {
  const encrypter = new Encrypter();
  if (key.kind === "recipient") {
    try {
      encrypter.addRecipient(key.recipient);
    } catch {
      throw new PrivacyError("invalid_recipient", "not a valid age public key");
    }
  } else {
    // age's own scrypt stanza, derived off the event loop (scrypt-stanza.ts says why).
    encrypter.addRecipient(new ScryptPassphraseRecipient(key.passphrase, options.scryptWorkFactor ?? DEFAULT_SCRYPT_WORK_FACTOR));
  }
  return encrypter.encrypt(toWebStream(source));
}

/**
 * The plaintext of an age file, as a stream. The header is checked before this
 * resolves (wrong key, not age, damaged header reject here); the payload is checked
 * chunk by chunk as it is read (a tampered or truncated payload errors the stream).
 * `size(encryptedBytes)` gives the plaintext length.
 */
export async function decryptStream(source: ByteSource, secret: AgeSecret): Promise<ReadableStreamWithSize> {
  const decrypter = new Decrypter();
  if (secret.kind === "passphrase") decrypter.addIdentity(new ScryptPassphraseIdentity(secret.passphrase));
  else {
    if (secret.identities.length === 0) throw new PrivacyError("invalid_identity", "no secret key given");
    for (const identity of secret.identities) {
      try {
        decrypter.addIdentity(identity);
      } catch {
        throw new PrivacyError("invalid_identity", "not a valid age secret key");
      }
    }
  }

  const tracked = new TrackedSource(toWebStream(source));
  let plain: ReadableStreamWithSize;
  try {
    plain = await decrypter.decrypt(tracked.stream);
  } catch (err) {
    const failure = tracked.explain(err, "header");
    await tracked.cancel();
    throw failure;
  }
  const reader = plain.getReader();
  const out = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (err) {
          // Explained before cancelling: a cancel ends the source, which would read as "cut short".
          const failure = tracked.explain(err, "payload");
          await tracked.cancel();
          controller.error(failure);
        }
      },
      async cancel(reason) {
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return Object.assign(out, { size: (encryptedBytes: number) => plain.size(encryptedBytes) });
}

/** What an age file needs to be opened, read from its first bytes (undefined: not an age file). */
export function ageFileNeeds(firstBytes: Uint8Array): "identity" | "passphrase" | undefined {
  if (!startsWith(firstBytes, MAGIC)) return undefined;
  const text = new TextDecoder("latin1").decode(firstBytes.subarray(0, HEADER_LIMIT));
  return /\n-> scrypt /.test(text) ? "passphrase" : "identity";
}

/**
 * The ciphertext on its way into age: keeps its first bytes (the header)
 * to explain failures, refuses what is not age before age buffers it, and tells a
 * failure of the source from a failure of the file.
 */
class TrackedSource {
  readonly stream: ReadableStream<Uint8Array>;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly head = new Uint8Array(HEADER_LIMIT);
  private headBytes = 0;
  private ended = false;
  private sourceError: unknown;
  /** Set once the first bytes hold the whole header and nonce (or the limit was reached): no more checks per chunk. */
  private headerSeen = false;

  constructor(source: ReadableStream<Uint8Array>) {
    this.reader = source.getReader();
    this.stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          let next: Awaited<ReturnType<typeof this.reader.read>>;
          try {
            next = await this.reader.read();
          } catch (err) {
            this.sourceError = err;
            return controller.error(err);
          }
          if (next.done) {
            this.ended = true;
            return controller.close();
          }
          if (!this.headerSeen) {
            this.keepHead(next.value);
            const refusal = this.refusal();
            if (refusal) return controller.error(refusal);
            this.headerSeen = this.headerAndNonceComplete() || this.headBytes === HEADER_LIMIT;
          }
          controller.enqueue(next.value);
        },
        // age stopped reading (its consumer cancelled): let the source go (a file or download is closed).
        cancel: (reason) => this.reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }

  /** The PrivacyError for what age threw (or the source's own error, unchanged). */
  explain(err: unknown, phase: "header" | "payload"): unknown {
    if (this.sourceError !== undefined) return this.sourceError;
    if (err instanceof PrivacyError) return err;
    const message = err instanceof Error ? err.message : String(err);
    const head = this.head.subarray(0, this.headBytes);
    const early = this.refusal() ?? this.shortFile();
    if (early) return early;
    if (phase === "payload") {
      // A chunk before the last failed while more of the file was still to come: changed.
      // Otherwise it is the last chunk: cut short (or damaged at its very end).
      return this.ended
        ? new PrivacyError("truncated", "the file ends before its last chunk, or its last chunk is damaged")
        : new PrivacyError("tampered", "a chunk of the file fails authentication");
    }
    if (/no identity matched/.test(message)) {
      return new PrivacyError("wrong_key", "the key does not open this file", ageFileNeeds(head));
    }
    if (/invalid version/.test(message)) return new PrivacyError("unsupported", "an age format version other than v1");
    if (/work factor is too high/.test(message)) return new PrivacyError("unsupported", "a scrypt work factor above age's limit");
    if (this.ended && !this.headerAndNonceComplete()) return new PrivacyError("truncated", "the file ends inside its header");
    return new PrivacyError("tampered", "the file's header is damaged or fails its MAC");
  }

  private keepHead(chunk: Uint8Array): void {
    if (this.headBytes >= HEADER_LIMIT) return;
    const n = Math.min(chunk.length, HEADER_LIMIT - this.headBytes);
    this.head.set(chunk.subarray(0, n), this.headBytes);
    this.headBytes += n;
  }

  /** Not age (or age we do not read), decided from the first bytes; undefined while it may still be age. */
  private refusal(): PrivacyError | undefined {
    const head = this.head.subarray(0, this.headBytes);
    if (startsWith(head, ARMOR)) return new PrivacyError("unsupported", "ASCII-armored age files are not supported");
    if (!startsWith(MAGIC, head.subarray(0, MAGIC.length))) return new PrivacyError("not_age", "no age header");
    if (this.headBytes === HEADER_LIMIT && headerEnd(head) < 0) return new PrivacyError("not_age", `no end of an age header in the first ${HEADER_LIMIT} bytes`);
    return undefined;
  }

  /** A file that stopped before even the age magic was complete. */
  private shortFile(): PrivacyError | undefined {
    if (!this.ended || this.headBytes >= MAGIC.length) return undefined;
    return this.headBytes === 0 ? new PrivacyError("not_age", "an empty file") : new PrivacyError("truncated", "the file ends inside its header");
  }

  private headerAndNonceComplete(): boolean {
    const end = headerEnd(this.head.subarray(0, this.headBytes));
    return end >= 0 && this.headBytes >= end + NONCE_BYTES;
  }
}

/** Offset just past the header's MAC line (`--- …\n`), or -1 when the bytes do not hold it yet. */
function headerEnd(head: Uint8Array): number {
  const text = new TextDecoder("latin1").decode(head);
  const match = /\n--- [^\n]*\n/.exec(text);
  return match ? match.index + match[0].length : -1;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
