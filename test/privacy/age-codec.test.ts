/**
 * The age format in and out (src/privacy/age-codec.ts, age-keys.ts): round trips over many
 * STREAM chunks, files made elsewhere (age-encryption's own one-shot API, the `age` CLI),
 * and one error code for each way a file fails to open.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from "age-encryption";
import { beforeAll, describe, expect, it } from "vitest";
import { ageFileNeeds, decryptStream, encryptStream } from "../../src/privacy/age-codec.js";
import { generateKey, parseIdentities, parseRecipient, secretFromText, type AgeSecret } from "../../src/privacy/age-keys.js";
import { readWhole } from "../../src/privacy/byte-streams.js";
import { PrivacyError, type PrivacyErrorCode } from "../../src/privacy/privacy-errors.js";

const CHUNK = 64 * 1024;
const FAST_SCRYPT = { scryptWorkFactor: 10 };
const ageCliPresent = spawnSync("age", ["--version"]).status === 0;

async function encryptWhole(plain: Uint8Array, key: Parameters<typeof encryptStream>[1]): Promise<Buffer> {
  const stream = await encryptStream(Readable.from(chunksOf(plain, 10_000)), key, FAST_SCRYPT);
  return readWhole(stream, stream.size(plain.length));
}

async function decryptWhole(bytes: Uint8Array, secret: AgeSecret): Promise<Buffer> {
  const plain = await decryptStream(bytes, secret);
  return readWhole(plain);
}

function* chunksOf(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function refusal(promise: Promise<unknown>): Promise<PrivacyError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PrivacyError);
  return err as PrivacyError;
}

async function expectCode(promise: Promise<unknown>, code: PrivacyErrorCode): Promise<PrivacyError> {
  const err = await refusal(promise);
  expect(err.code).toBe(code);
  return err;
}

function tmp(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "cv-age-")), name);
}

describe("round trips", () => {
  // 5 MB + an odd tail: 77 STREAM chunks, the last one partial.
  const plain = randomBytes(5 * 1024 * 1024 + 12_345);

  it("a generated identity: the key file's text (comments ignored) opens the copy, byte for byte", async () => {
    const key = await generateKey(new Date("2026-11-29T20:00:00Z"));
    expect(key.identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(key.recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(key.keyFileName).toBe("codevault-key-2026-11-29.txt");
    expect(key.keyFileText).toContain(`# public key: ${key.recipient}\n`);

    const encrypted = await encryptWhole(plain, { kind: "recipient", recipient: key.recipient });
    expect(encrypted.subarray(0, 22).toString()).toBe("age-encryption.org/v1\n");
    expect(encrypted.length).toBeGreaterThan(plain.length + 77 * 16);
    expect(encrypted.includes(plain.subarray(0, 64))).toBe(false);

    const opened = await decryptWhole(encrypted, secretFromText(key.keyFileText));
    expect(opened.equals(plain)).toBe(true);
  });

  it("a passphrase (scrypt): the same passphrase opens it, byte for byte", async () => {
    const passphrase = "correct horse battery staple ✓";
    const encrypted = await encryptWhole(plain, { kind: "passphrase", passphrase });
    expect(ageFileNeeds(encrypted)).toBe("passphrase");
    const opened = await decryptWhole(encrypted, secretFromText(passphrase));
    expect(opened.equals(plain)).toBe(true);
  });

  it("the decrypted stream reports the plaintext size before it is read", async () => {
    const key = await generateKey();
    const encrypted = await encryptWhole(plain, { kind: "recipient", recipient: key.recipient });
    const stream = await decryptStream(Readable.from(chunksOf(encrypted, 33_333)), { kind: "identity", identities: [key.identity] });
    expect(stream.size(encrypted.length)).toBe(plain.length);
    expect((await readWhole(stream, plain.length)).equals(plain)).toBe(true);
  });
});

describe("files made elsewhere", () => {
  const plain = randomBytes(3 * CHUNK + 100);

  it("age-encryption's one-shot API to a recipient (as `age -r` makes them) decrypts through our code", async () => {
    const identity = await generateIdentity();
    const e = new Encrypter();
    e.addRecipient(await identityToRecipient(identity));
    const file = await e.encrypt(plain);
    const keyFile = `# created: 2026-11-29T20:00:00Z\n# public key: ${await identityToRecipient(identity)}\n${identity}\n`;
    expect((await decryptWhole(file, secretFromText(keyFile))).equals(plain)).toBe(true);
  });

  it("age-encryption's one-shot API with a passphrase (scrypt work factor 16) decrypts through our code", async () => {
    // age's default is 18: 4x the scrypt work, which only makes this test slow on a shared machine.
    const e = new Encrypter();
    e.setScryptWorkFactor(16);
    e.setPassphrase("a passphrase typed into age -p");
    const file = await e.encrypt(plain);
    expect((await decryptWhole(file, { kind: "passphrase", passphrase: "a passphrase typed into age -p" })).equals(plain)).toBe(true);
  });

  it("our passphrase copy (scrypt derived by node:crypto) opens with age-encryption's own addPassphrase, and a non-ASCII passphrase too", async () => {
    for (const passphrase of ["a passphrase for the other side", "סיסמה ארוכה מספיק 🔒"]) {
      const file = await encryptWhole(plain.subarray(0, 300_000), { kind: "passphrase", passphrase });
      const d = new Decrypter();
      d.addPassphrase(passphrase);
      expect(Buffer.from(await d.decrypt(file)).equals(plain.subarray(0, 300_000))).toBe(true);
      const wrong = new Decrypter();
      wrong.addPassphrase(`${passphrase}!`);
      await expect(wrong.decrypt(file)).rejects.toThrow(/no identity matched/);
    }
  });

  describe.skipIf(!ageCliPresent)("the age command-line tool", () => {
    it("`age -d -i key.txt` opens our copy, with the key file exactly as we send it", async () => {
      const key = await generateKey();
      const encrypted = await encryptWhole(plain, { kind: "recipient", recipient: key.recipient });
      const keyFile = tmp("codevault-key.txt");
      const ageFile = tmp("codevault-backup-2026-11-29-2000.zip.age");
      writeFileSync(keyFile, key.keyFileText);
      writeFileSync(ageFile, encrypted);
      const run = spawnSync("age", ["-d", "-i", keyFile, ageFile], { maxBuffer: 64 * 1024 * 1024 });
      expect(run.stderr.toString()).toBe("");
      expect(run.status).toBe(0);
      expect(Buffer.from(run.stdout).equals(plain)).toBe(true);
    });

    it("a file from `age -r` opens with an `age-keygen` key file pasted as text", async () => {
      const keyFile = tmp("key.txt");
      expect(spawnSync("age-keygen", ["-o", keyFile]).status).toBe(0);
      const keyText = readFileSync(keyFile, "utf8");
      const recipient = /# public key: (age1\S+)/.exec(keyText)![1]!;
      expect(parseRecipient(`  ${recipient}\n`)).toBe(recipient);
      const input = tmp("backup.zip");
      const output = `${input}.age`;
      writeFileSync(input, plain);
      expect(spawnSync("age", ["-r", recipient, "-o", output, input]).status).toBe(0);
      expect((await decryptWhole(readFileSync(output), secretFromText(keyText))).equals(plain)).toBe(true);
    });
  });
});

describe("refusals", () => {
  const plain = randomBytes(40 * CHUNK + 999);
  let key: Awaited<ReturnType<typeof generateKey>>;
  let encrypted: Buffer;
  const secret = () => secretFromText(key.keyFileText);

  beforeAll(async () => {
    key = await generateKey();
    encrypted = await encryptWhole(plain, { kind: "recipient", recipient: key.recipient });
  });

  it("another identity: wrong_key, and the file says it needs a key", async () => {
    const other = await generateKey();
    const err = await expectCode(decryptWhole(encrypted, { kind: "identity", identities: [other.identity] }), "wrong_key");
    expect(err.needs).toBe("identity");
  });

  it("a passphrase for a key-encrypted file, and a wrong passphrase: wrong_key with what the file needs", async () => {
    expect((await expectCode(decryptWhole(encrypted, secretFromText("not the key at all")), "wrong_key")).needs).toBe("identity");
    const byPassphrase = await encryptWhole(plain.subarray(0, 1000), { kind: "passphrase", passphrase: "the right passphrase" });
    expect((await expectCode(decryptWhole(byPassphrase, secretFromText("the wrong passphrase")), "wrong_key")).needs).toBe("passphrase");
    expect((await expectCode(decryptWhole(byPassphrase, secret()), "wrong_key")).needs).toBe("passphrase");
  });

  it("truncated: cut in the middle, cut at a chunk boundary, cut inside the header, cut before the nonce", async () => {
    const headerEnd = encrypted.indexOf("\n--- ") + 1 + encrypted.subarray(encrypted.indexOf("\n--- ") + 1).indexOf("\n") + 1;
    await expectCode(decryptWhole(encrypted.subarray(0, Math.floor(encrypted.length / 2)), secret()), "truncated");
    await expectCode(decryptWhole(encrypted.subarray(0, headerEnd + 16 + 10 * (CHUNK + 16)), secret()), "truncated");
    await expectCode(decryptWhole(encrypted.subarray(0, 60), secret()), "truncated");
    await expectCode(decryptWhole(encrypted.subarray(0, headerEnd + 5), secret()), "truncated");
    await expectCode(decryptWhole(encrypted.subarray(0, 10), secret()), "truncated");
  });

  it("a flipped byte in the payload or in the header's MAC: tampered", async () => {
    const inPayload = Buffer.from(encrypted);
    inPayload[Math.floor(encrypted.length / 3)]! ^= 0x01;
    await expectCode(decryptWhole(inPayload, secret()), "tampered");

    const inMac = Buffer.from(encrypted);
    inMac[encrypted.indexOf("\n--- ") + 10]! ^= 0x01;
    await expectCode(decryptWhole(inMac, secret()), "tampered");
  });

  it("the plaintext read before a tampered chunk is never handed out as a whole file", async () => {
    const damaged = Buffer.from(encrypted);
    damaged[encrypted.length - 20 * CHUNK]! ^= 0x80;
    const stream = await decryptStream(damaged, secret());
    const err = await readWhole(stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PrivacyError);
  });

  it("not an age file (a ZIP, empty, armored): not_age / unsupported, without reading the rest", async () => {
    const zip = Buffer.concat([Buffer.from("PK\x03\x04"), randomBytes(2 * 1024 * 1024)]);
    let handedOut = 0;
    async function* counted() {
      for (const chunk of chunksOf(zip, CHUNK)) {
        handedOut += chunk.length;
        yield chunk;
      }
    }
    await expectCode(decryptStream(counted(), secret()), "not_age");
    expect(handedOut).toBeLessThanOrEqual(2 * CHUNK);
    await expectCode(decryptWhole(Buffer.alloc(0), secret()), "not_age");
    await expectCode(decryptWhole(Buffer.from("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n"), secret()), "unsupported");
    await expectCode(decryptWhole(Buffer.from("age-encryption.org/v2\n-> X25519 abc\n--- x\n"), secret()), "unsupported");
    // An age magic line followed by megabytes without a header end is not buffered whole.
    await expectCode(decryptWhole(Buffer.concat([Buffer.from("age-encryption.org/v1\n-> X25519 "), Buffer.alloc(4 * 1024 * 1024, 0x41)]), secret()), "not_age");
  });

  it("a failing source is reported as itself, not as a damaged file", async () => {
    async function* cutDownload(after: number) {
      yield* chunksOf(encrypted.subarray(0, after), CHUNK);
      throw new Error("connection reset by peer");
    }
    for (const after of [100, 10 * CHUNK]) {
      const err = await decryptStream(cutDownload(after), secret())
        .then((stream) => readWhole(stream))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).not.toBeInstanceOf(PrivacyError);
      expect((err as Error).message).toBe("connection reset by peer");
    }
  });
});

describe("streams", () => {
  it("a reader that stops early closes the file it was decrypting", async () => {
    const key = await generateKey();
    const file = tmp("copy.zip.age");
    writeFileSync(file, await encryptWhole(randomBytes(20 * CHUNK), { kind: "recipient", recipient: key.recipient }));
    const source = createReadStream(file, { highWaterMark: CHUNK });
    const closed = new Promise<void>((resolve) => source.once("close", () => resolve()));
    const plain = await decryptStream(source, { kind: "identity", identities: [key.identity] });
    const reader = plain.getReader();
    expect((await reader.read()).value).toHaveLength(CHUNK);
    await reader.cancel();
    await closed;
    expect(source.destroyed).toBe(true);
  });

  it("a secret or recipient that age does not accept is refused with its own code, not age's message", async () => {
    await expectCode(decryptStream(Buffer.from("age-encryption.org/v1\n"), { kind: "identity", identities: ["AGE-SECRET-KEY-1NOPE"] }), "invalid_identity");
    await expectCode(decryptStream(Buffer.from("age-encryption.org/v1\n"), { kind: "identity", identities: [] }), "invalid_identity");
    await expectCode(encryptStream(Buffer.from("zip"), { kind: "recipient", recipient: "age1nope" }), "invalid_recipient");
  });
});

describe("keys", () => {
  it("a pasted recipient is checked by age; a pasted secret key is refused as a recipient", async () => {
    const key = await generateKey();
    expect(parseRecipient(key.recipient.toUpperCase())).toBe(key.recipient);
    for (const bad of ["", "age1", "hello", key.recipient.slice(0, -1) + (key.recipient.endsWith("q") ? "p" : "q"), "ssh-ed25519 AAAA"]) {
      expect(() => parseRecipient(bad), bad).toThrow(expect.objectContaining({ code: "invalid_recipient" }));
    }
    expect(() => parseRecipient(key.keyFileText)).toThrow(expect.objectContaining({ code: "invalid_recipient", message: expect.stringMatching(/secret key/) }));
  });

  it("key file text: comments and blank lines ignored, anything else that is not a secret key refused", async () => {
    const key = await generateKey();
    expect(parseIdentities(`\r\n# note\r\n${key.identity}\r\n\r\n`)).toEqual([key.identity]);
    expect(parseIdentities(key.identity.toLowerCase())).toEqual([key.identity]);
    expect(() => parseIdentities("# only comments\n")).toThrow(expect.objectContaining({ code: "invalid_identity" }));
    expect(() => parseIdentities(`${key.identity}\nstray text`)).toThrow(expect.objectContaining({ code: "invalid_identity" }));
    expect(() => parseIdentities(key.identity.slice(0, -2))).toThrow(expect.objectContaining({ code: "invalid_identity" }));
  });
});
