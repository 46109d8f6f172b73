/**
 * PrivateCopies over the test MongoDB server: a real backup ZIP through both modes and
 * back, what `privacy_settings` holds (never an identity, a passphrase only sealed),
 * and that the "my key" mode leaves the server nothing that decrypts.
 */
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox, SecretBoxError } from "../../src/crypto/secret-box.js";
import { COLLECTIONS } from "../../src/db/collections.js";
import { readWhole } from "../../src/privacy/byte-streams.js";
import { PrivacyError, type PrivacyErrorCode } from "../../src/privacy/privacy-errors.js";
import { encryptedFileName, plainFileName, PrivateCopies } from "../../src/privacy/private-copies.js";
import type { PrivacyDoc } from "../../src/privacy/privacy-settings.js";
import { startServices, type TestServices } from "../support/services.js";

let env: TestServices;
let box: SecretBox;
let zip: { bytes: Buffer; fileName: string };
const OWNER = 501;

beforeAll(async () => {
  box = new SecretBox([randomBytes(32)]);
  env = await startServices({ secretBox: box, scryptWorkFactor: 10 });
  // A backup ZIP of a few MB: 40 files of barely compressible text, so it spans many 64 KiB STREAM chunks.
  for (let i = 0; i < 40; i++) {
    await env.services.files.save(OWNER, { fileName: `src/module-${i}.ts`, content: `export const blob${i} = "${randomBytes(75_000).toString("base64")}";\n` });
  }
  const backup = await env.services.backups.create(OWNER);
  const { bytes, fileName } = await env.services.backups.download(OWNER, backup.id);
  zip = { bytes, fileName };
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

const privacy = () => env.services.privacy;
const settings = () => env.db.collection<PrivacyDoc>(COLLECTIONS.privacySettings);

/** The ZIP as the backup create pipeline hands it over: a Node stream of chunks. */
function zipStream(): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < zip.bytes.length; i += 16_384) yield zip.bytes.subarray(i, i + 16_384);
  })());
}

async function copyFor(userId: number): Promise<{ bytes: Buffer; fileName: string; mode: string }> {
  const copy = await privacy().encryptFor(userId, zipStream(), zip.fileName);
  expect(copy).toBeDefined();
  expect(() => copy!.written()).toThrow(/not been read/);
  const bytes = await readWhole(copy!.stream, copy!.stream.size(zip.bytes.length));
  // What a Drive upload records, to compare with Drive's md5Checksum without the key.
  expect(copy!.written()).toEqual({ md5: createHash("md5").update(bytes).digest("hex"), bytes: bytes.length });
  return { bytes, fileName: copy!.fileName, mode: copy!.mode };
}

/** Every document of every collection, as JSON text (GridFS chunks included). */
async function wholeDatabaseAsJson(): Promise<string> {
  const names = (await env.db.listCollections().toArray()).map((c) => c.name).sort();
  const parts: string[] = [];
  for (const name of names) parts.push(JSON.stringify(await env.db.collection(name).find({}).toArray()));
  return parts.join("\n");
}

async function expectCode(promise: Promise<unknown>, code: PrivacyErrorCode): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PrivacyError);
  expect((err as PrivacyError).code).toBe(code);
}

describe("my key (a generated identity)", () => {
  const user = 601;
  let key: Awaited<ReturnType<PrivateCopies["generateKey"]>>;

  it("is only pending until the user confirms they saved it: copies stay plain meanwhile", async () => {
    expect(zip.bytes.length).toBeGreaterThan(3_000_000);
    key = await privacy().generateKey(user);
    expect(key.keyFileText).toContain(key.identity);
    expect(await privacy().status(user)).toMatchObject({ mode: "off", keyPending: true });
    expect(await privacy().encryptFor(user, zipStream(), zip.fileName)).toBeUndefined();

    const other = await privacy().generateKey(999);
    await expectCode(privacy().confirmKey(user, other.recipient), "no_pending_key");
    expect(await privacy().status(user)).toMatchObject({ mode: "off", keyPending: true });

    expect(await privacy().confirmKey(user, key.recipient)).toMatchObject({ mode: "recipient", recipient: key.recipient, keySource: "generated", keyPending: false });
    await expectCode(privacy().confirmKey(user, key.recipient), "no_pending_key");
  });

  it("round trip: the copy is codevault-backup-….zip.age and the key file's text opens it to the same ZIP bytes", async () => {
    const copy = await copyFor(user);
    expect(copy.mode).toBe("recipient");
    expect(copy.fileName).toMatch(/^codevault-backup-\d{4}-\d{2}-\d{2}-\d{4}\.zip\.age$/);
    expect(plainFileName(copy.fileName)).toBe(zip.fileName);
    expect(copy.bytes.includes(Buffer.from("src/module-1.ts"))).toBe(false); // file names are hidden too
    const opened = await privacy().decryptToBuffer(copy.bytes, key.keyFileText);
    expect(opened.equals(zip.bytes)).toBe(true);
  });

  it("the server holds nothing that decrypts: settings have the recipient only, and nothing it keeps opens the copy", async () => {
    const doc = await settings().findOne({ _id: user });
    expect(Object.keys(doc!).sort()).toEqual(["_id", "changedAt", "keySource", "mode", "recipient"]);
    expect(await privacy().keyFor(user)).toEqual({ kind: "recipient", recipient: key.recipient });

    const db = await wholeDatabaseAsJson();
    expect(db).not.toContain(key.identity);
    expect(db).not.toContain(key.identity.toLowerCase());
    expect(db).not.toMatch(/AGE-SECRET-KEY-/i);

    const copy = await copyFor(user);
    // Everything the server has about this user, offered as a secret, opens nothing.
    await expectCode(privacy().decryptToBuffer(copy.bytes, key.recipient), "wrong_key");
    await expectCode(privacy().decryptToBuffer(copy.bytes, JSON.stringify(doc)), "wrong_key");
  });
});

describe("a pasted recipient", () => {
  const user = 602;

  it("is checked by age; a bad one changes nothing", async () => {
    const mine = await privacy().generateKey(9_602); // stands in for a key the user made with age-keygen
    expect(await privacy().useRecipient(user, `  ${mine.recipient}\n`)).toMatchObject({ mode: "recipient", keySource: "pasted", recipient: mine.recipient });
    await expectCode(privacy().useRecipient(user, "age1notakey"), "invalid_recipient");
    await expectCode(privacy().useRecipient(user, mine.keyFileText), "invalid_recipient");
    expect(await privacy().status(user)).toMatchObject({ mode: "recipient", recipient: mine.recipient });
    const copy = await copyFor(user);
    expect((await privacy().decryptToBuffer(copy.bytes, mine.identity)).equals(zip.bytes)).toBe(true);
  });
});

describe("passphrase", () => {
  const user = 603;
  const passphrase = "orbit-lantern-cactus-meadow-7";

  it("round trip to the same ZIP bytes; the passphrase is stored only sealed, bound to its user", async () => {
    expect(await privacy().usePassphrase(user, passphrase)).toMatchObject({ mode: "passphrase", keyPending: false });
    const copy = await copyFor(user);
    expect(copy.mode).toBe("passphrase");
    expect((await privacy().decryptToBuffer(copy.bytes, passphrase)).equals(zip.bytes)).toBe(true);
    await expectCode(privacy().decryptToBuffer(copy.bytes, "orbit-lantern-cactus-meadow-8"), "wrong_key");

    expect(await wholeDatabaseAsJson()).not.toContain(passphrase);
    const doc = await settings().findOne({ _id: user });
    expect(doc!.passphrase).toMatchObject({ v: 1, alg: "A256GCM", kid: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(box.open(doc!.passphrase!, `codevault/privacy/passphrase/user:${user}`)).toBe(passphrase);

    // The sealed value moved onto another user's settings does not open there.
    await settings().insertOne({ _id: 604, mode: "passphrase", passphrase: doc!.passphrase!, changedAt: new Date() });
    await expect(privacy().keyFor(604)).rejects.toBeInstanceOf(SecretBoxError);
  });

  it("a too short passphrase is refused and changes nothing; without TOKEN_ENCRYPTION_KEY the mode is unavailable", async () => {
    await expectCode(privacy().usePassphrase(user, "short"), "weak_passphrase");
    expect(await privacy().keyFor(user)).toEqual({ kind: "passphrase", passphrase });

    const keyless = new PrivateCopies({ db: env.db });
    expect(keyless.passphraseAvailable).toBe(false);
    await expectCode(keyless.usePassphrase(605, passphrase), "no_server_key");
    expect(await settings().findOne({ _id: 605 })).toBeNull();
    await expectCode(keyless.keyFor(user), "no_server_key");
  });

  it("turning it off removes the sealed passphrase; new copies are plain", async () => {
    expect(await privacy().turnOff(user)).toMatchObject({ mode: "off" });
    const doc = await settings().findOne({ _id: user });
    expect(doc).not.toHaveProperty("passphrase");
    expect(await privacy().encryptFor(user, zipStream(), zip.fileName)).toBeUndefined();
  });
});

describe("settings", () => {
  it("are per user: one user's mode, key and chat choice leave another's alone", async () => {
    const a = 701;
    const b = 702;
    const key = await privacy().generateKey(a);
    await privacy().confirmKey(a, key.recipient);
    await privacy().setChatCopies(a, true);
    await privacy().usePassphrase(b, "another user's passphrase");
    expect(await privacy().status(a)).toMatchObject({ mode: "recipient", recipient: key.recipient, chatCopies: true });
    expect(await privacy().status(b)).toMatchObject({ mode: "passphrase", chatCopies: false });
    expect(await privacy().status(b)).not.toHaveProperty("recipient");
    expect(await privacy().status(703)).toEqual({ mode: "off", keyPending: false, chatCopies: false });
  });

  it("a new key replaces the old one for new copies only; a copy made before still opens with its own key", async () => {
    const user = 704;
    const first = await privacy().generateKey(user);
    await privacy().confirmKey(user, first.recipient);
    const before = await copyFor(user);
    const second = await privacy().generateKey(user);
    expect(await privacy().status(user)).toMatchObject({ recipient: first.recipient, keyPending: true });
    await privacy().confirmKey(user, second.recipient);
    const after = await copyFor(user);
    expect((await privacy().decryptToBuffer(before.bytes, first.keyFileText)).equals(zip.bytes)).toBe(true);
    await expectCode(privacy().decryptToBuffer(before.bytes, second.keyFileText), "wrong_key");
    expect((await privacy().decryptToBuffer(after.bytes, second.keyFileText)).equals(zip.bytes)).toBe(true);
  });

  it("file names: .age is added once and taken off again", () => {
    expect(encryptedFileName("codevault-backup-2025-01-15-1030.zip")).toBe("codevault-backup-2025-01-15-1030.zip.age");
    expect(encryptedFileName("codevault-backup-2025-01-15-1030.zip.age")).toBe("codevault-backup-2025-01-15-1030.zip.age");
    expect(plainFileName("codevault-backup-2025-01-15-1030.zip.AGE")).toBe("codevault-backup-2025-01-15-1030.zip");
  });
});
