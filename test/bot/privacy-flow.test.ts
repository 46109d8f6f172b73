/**
 * 🔒 Private copies through the bot (issue 14), with the fake Telegram in-process: the Privacy
 * menu's ways to hold a key, encrypted copies sent to the chat, and restoring `.age` files —
 * made by the bot, and made independently with age-encryption's own API (as the `age` CLI would).
 * Secrets must never reach the database, the logs or the events, and the messages that carried
 * them are deleted.
 */
import { randomBytes } from "node:crypto";
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cb } from "../../src/bot/callback-data.js";
import { SecretBox } from "../../src/crypto/secret-box.js";
import type { FileDoc } from "../../src/files/file-types.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { collectionsContaining } from "../support/db-search.js";
import type { FakeUser, SentMessage } from "../support/fake-telegram/index.js";
import { backupZip } from "../support/zip-fixtures.js";

const logLines: string[] = [];
let h: BotHarness;
beforeAll(async () => {
  // Work factor 10 keeps scrypt fast here; the default (18) is measured in bench/.
  h = await startBotHarness({ services: { secretBox: new SecretBox([randomBytes(32)]), scryptWorkFactor: 10 }, logLines });
});
afterAll(async () => {
  await h?.stop();
});

const last = (user: FakeUser) => h.fake.lastSent(user.id)!;
const messageOf = (update: { message?: { message_id: number } }) => update.message!.message_id;
const isDeleted = (user: FakeUser, messageId: number) => h.fake.message(user.id, messageId)?.deleted === true;

/** Every version of every file of the user, content hashes included. */
async function snapshot(userId: number) {
  const docs = await h.db.collection<FileDoc>("files").find({ userId }, { sort: { fileName: 1, version: 1 } }).toArray();
  return docs.map((d) => ({ name: d.fileName, version: d.version, sha: d.sha256, deleted: !!d.deletedAt }));
}
async function content(userId: number, name: string) {
  const f = await h.services.files.getLatest(userId, name);
  return f && (await h.services.files.readContent(userId, f.id));
}
/** What could have changed when a restore is refused: the library, the backups, staged uploads. */
async function state(userId: number) {
  return {
    files: await snapshot(userId),
    backups: (await h.services.backups.list(userId)).total,
    staged: await h.db.collection("staged_uploads").countDocuments({ userId }),
  };
}

/** The secret never reaches MongoDB (any collection, any field) nor any log line or event. */
async function expectNowhere(...secrets: string[]) {
  expect(await collectionsContaining(h.db, secrets)).toEqual({});
  const logs = logLines.join("");
  for (const secret of secrets) expect(logs.includes(secret), "a log line holds a secret").toBe(false);
}

async function openPrivacy(user: FakeUser): Promise<SentMessage> {
  await h.send(user.sendText("/privacy"));
  return last(user);
}

/** 🔑 Make me a key → the key file; ✅ I saved it. Returns the identity the user now holds. */
async function makeKey(user: FakeUser): Promise<{ identity: string; keyFile: Uint8Array; keyMessage: SentMessage }> {
  await h.send(user.pressButtonByText(await openPrivacy(user), "🔑 Make me a key (recommended)"));
  const keyMessage = last(user);
  expect(keyMessage.document?.file_name).toMatch(/^codevault-key-\d{4}-\d{2}-\d{2}\.txt$/);
  const keyFile = keyMessage.document!.bytes;
  const identity = /^AGE-SECRET-KEY-1[0-9A-Z]+$/m.exec(Buffer.from(keyFile).toString("utf8"))![0];
  await h.send(user.pressButtonByText(keyMessage, "✅ I saved it"));
  return { identity, keyFile, keyMessage };
}

async function turnChatCopiesOn(user: FakeUser) {
  await h.send(user.pressButtonByText(await openPrivacy(user), "💬 Also encrypt backups sent here"));
  expect(last(user).text).toContain("💬 Backups sent to this chat will be encrypted too.");
}

/** The backup sent to the chat by its ⬇️ button: the document the user gets. */
async function download(user: FakeUser, backupId: string) {
  await h.send(user.pressButton(last(user), cb.backupDownload(backupId)));
  return last(user).document!;
}

/** Sends an `.age` file, answers the question with `answer` (text or a document); returns what the bot said and the answer's message id. */
async function sendAge(user: FakeUser, bytes: Uint8Array, name: string, answer: string | { bytes: Uint8Array; name: string }) {
  await h.send(user.sendDocument(bytes, name));
  const question = last(user).text ?? "";
  const update = typeof answer === "string" ? user.sendText(answer) : user.sendDocument(answer.bytes, answer.name);
  await h.send(update);
  return { question, answerId: messageOf(update), reply: last(user) };
}

/** ▶️ Show what it restores → the normal restore conversation, all the way to "Restored". */
async function continueRestore(user: FakeUser, opened: SentMessage) {
  await h.send(user.pressButtonByText(opened, "▶️ Show what it restores"));
  if (/codevault backup/.test(last(user).text ?? "")) await h.send(user.pressButtonByText(last(user), "♻️ Restore into my files"));
  const preview = last(user);
  await h.send(user.pressButtonByText(preview, /^(♻️ Restore|♻️ Replace all)$/));
  return last(user).text ?? "";
}

describe("🔒 Privacy menu", () => {
  it("explains each mode plainly, in English and Hebrew", async () => {
    const menu = await openPrivacy(h.fake.user(700));
    expect(menu.text).toContain("not Google, not Telegram, not whoever runs this server");
    expect(menu.text).toContain("this server can make encrypted copies but can never open them");
    expect(menu.text).toContain("whoever runs this server could open your copies in this mode");
    expect(menu.text).toContain("Now: 🚫 off");
    const he = h.fake.user(701, { languageCode: "he" });
    await h.send(he.sendText("/privacy"));
    expect(last(he).text).toContain("עותקים פרטיים");
  });

  it("my key: the secret is sent once as a file, deleted after 'I saved it'; only the public key is kept", async () => {
    const user = h.fake.user(702);
    const { identity, keyMessage } = await makeKey(user);
    expect(isDeleted(user, keyMessage.message_id)).toBe(true);
    expect(last(user).text).toMatch(/^🔒 Done\. New copies are encrypted to your key; I deleted the message with the secret\./);
    const settings = await h.db.collection("privacy_settings").findOne({ _id: 702 as never });
    const recipient = await identityToRecipient(identity);
    expect(settings).toMatchObject({ mode: "recipient", recipient, keySource: "generated" });
    expect(Object.keys(settings!).sort()).toEqual(["_id", "changedAt", "keySource", "mode", "recipient"]);
    // The server's own path to a key holds a recipient and nothing that decrypts.
    expect(await h.services.privacy.keyFor(702)).toEqual({ kind: "recipient", recipient });
    await expectNowhere(identity, identity.slice(16));
  });

  it("an old key file's 'I saved it' does not activate a key the user may not have (it is deleted too)", async () => {
    const user = h.fake.user(703);
    await h.send(user.pressButtonByText(await openPrivacy(user), "🔑 Make me a key (recommended)"));
    const first = last(user);
    await h.send(user.pressButtonByText(await openPrivacy(user), "🔑 Make me a key (recommended)"));
    const second = last(user);
    await h.send(user.pressButtonByText(first, "✅ I saved it"));
    expect(isDeleted(user, first.message_id)).toBe(true);
    expect(h.fake.callbackAnswers().at(-1)?.text).toMatch(/no longer the one waiting/);
    expect((await h.services.privacy.status(703)).mode).toBe("off");
    await h.send(user.pressButtonByText(second, "✅ I saved it"));
    expect((await h.services.privacy.status(703)).mode).toBe("recipient");
  });

  it("own public key: pasted age1… is used; a secret key pasted there is deleted and refused", async () => {
    const user = h.fake.user(704);
    const mine = await generateIdentity();
    await h.send(user.pressButtonByText(await openPrivacy(user), "📋 Use my own age1… public key"));
    const wrong = user.sendText(mine);
    await h.send(wrong);
    expect(isDeleted(user, messageOf(wrong))).toBe(true);
    expect(last(user).text).toContain("That is not an age public key");
    await h.send(user.sendText(await identityToRecipient(mine)));
    expect(last(user).text).toContain(`New copies are encrypted to ${await identityToRecipient(mine)}`);
    await expectNowhere(mine);
  });

  it("passphrase: its message is deleted at once, it is kept only sealed, and the bot says the server could decrypt", async () => {
    const user = h.fake.user(705);
    const passphrase = "correct horse battery staple 705";
    await h.send(user.pressButtonByText(await openPrivacy(user), "🔤 Use a passphrase"));
    expect(last(user).text).toContain("whoever runs this server could open your copies");
    const typed = user.sendText(passphrase);
    await h.send(typed);
    expect(isDeleted(user, messageOf(typed))).toBe(true);
    expect(last(user).text).toMatch(/^🔒 Done, and I deleted your message\..*this server keeps it \(encrypted\) and so could open these copies/s);
    const settings = await h.db.collection("privacy_settings").findOne({ _id: 705 as never });
    expect(settings).toMatchObject({ mode: "passphrase", passphrase: { v: 1, alg: "A256GCM" } });
    await expectNowhere(passphrase);
  });

  it("a too-short passphrase is deleted and refused; turning off and changing the key say they affect new copies only", async () => {
    const user = h.fake.user(706);
    await h.send(user.pressButtonByText(await openPrivacy(user), "🔤 Use a passphrase"));
    const short = user.sendText("short");
    await h.send(short);
    expect(isDeleted(user, messageOf(short))).toBe(true);
    expect(last(user).text).toContain("A passphrase needs 10 to 1024 characters. Nothing was changed.");
    await h.send(user.sendText("long enough passphrase 706"));
    await makeKey(user);
    expect(last(user).text).toContain("This affects new copies only");
    await h.send(user.pressButtonByText(await openPrivacy(user), "🚫 Turn off"));
    expect(last(user).text).toContain("🚫 Private copies are off: new copies are plain ZIP files.");
    expect(last(user).text).toContain("This affects new copies only");
    expect((await h.services.privacy.status(706)).mode).toBe("off");
  });
});

describe("encrypted copies in the chat and restoring them", () => {
  it("my key: the chat copy is .zip.age, opens with the key to the very same ZIP bytes, and restores through the bot with the key file", async () => {
    const user = h.fake.user(710);
    const { files, backups } = h.services;
    await files.save(710, { fileName: "app.py", content: "print('app')\n" });
    await files.save(710, { fileName: "config.env", content: "TOKEN=shh\n" });
    const backup = await backups.create(710);
    const { identity, keyFile } = await makeKey(user);
    await turnChatCopiesOn(user);

    const doc = await download(user, backup.id);
    expect(doc.file_name).toMatch(/^codevault-backup-.*\.zip\.age$/);
    const zip = (await backups.download(710, backup.id)).bytes;
    const d = new Decrypter();
    d.addIdentity(identity);
    expect(Buffer.from(await d.decrypt(doc.bytes)).equals(zip)).toBe(true);
    expect(Buffer.from(doc.bytes).includes(Buffer.from("config.env"))).toBe(false); // names are hidden too

    await files.remove(710, (await files.getLatest(710, "config.env"))!.id);
    const { question, answerId, reply } = await sendAge(user, doc.bytes, doc.file_name, { bytes: keyFile, name: "codevault-key.txt" });
    expect(question).toContain("is encrypted to a key. Send me the key file");
    expect(isDeleted(user, answerId)).toBe(true);
    expect(reply.text).toContain("🔓 Opened");
    expect(await continueRestore(user, reply)).toMatch(/^✅ Restored/);
    expect(await content(710, "config.env")).toBe("TOKEN=shh\n");
    await expectNowhere(identity, identity.slice(16));
  });

  it("passphrase: the chat copy opens with age-encryption's own addPassphrase; a wrong passphrase changes nothing; the right one restores", async () => {
    const user = h.fake.user(711);
    const passphrase = "a long passphrase for 711";
    await h.services.files.save(711, { fileName: "notes.md", content: "# notes\n" });
    const backup = await h.services.backups.create(711);
    await h.send(user.pressButtonByText(await openPrivacy(user), "🔤 Use a passphrase"));
    await h.send(user.sendText(passphrase));
    await turnChatCopiesOn(user);
    const doc = await download(user, backup.id);
    const d = new Decrypter();
    d.addPassphrase(passphrase);
    expect(Buffer.from(await d.decrypt(doc.bytes)).equals((await h.services.backups.download(711, backup.id)).bytes)).toBe(true);

    await h.services.files.save(711, { fileName: "notes.md", content: "# changed\n" });
    const before = await state(711);
    const wrong = await sendAge(user, doc.bytes, doc.file_name, "not the passphrase at all");
    expect(wrong.question).toContain("is encrypted with a passphrase");
    expect(isDeleted(user, wrong.answerId)).toBe(true);
    expect(wrong.reply.text).toContain("That does not open this file. Nothing was changed.");
    expect(await state(711)).toEqual(before);
    expect(wrong.reply.text).toContain("Send the file again to try another key or passphrase.");
    const right = await sendAge(user, doc.bytes, doc.file_name, passphrase);
    expect(isDeleted(user, right.answerId)).toBe(true);
    expect(await continueRestore(user, right.reply)).toMatch(/^✅ Restored/);
    expect(await content(711, "notes.md")).toBe("# notes\n");
    await expectNowhere(passphrase, "not the passphrase at all");
  });

  it("an .age file made independently with age-encryption (as `age -r` / `age -p` would) restores through the bot", async () => {
    const user = h.fake.user(712);
    const zip = await backupZip({ "from-outside.py": "print('outside')\n" });
    const identity = await generateIdentity();
    const toKey = new Encrypter();
    toKey.addRecipient(await identityToRecipient(identity));
    const { reply } = await sendAge(user, await toKey.encrypt(zip), "made-by-age.zip.age", `# a key file pasted as text\n${identity}\n`);
    expect(await continueRestore(user, reply)).toMatch(/^✅ Restored/);
    expect(await content(712, "from-outside.py")).toBe("print('outside')\n");

    const toPassphrase = new Encrypter();
    toPassphrase.setScryptWorkFactor(10);
    toPassphrase.setPassphrase("typed into age -p 712");
    const zip2 = await backupZip({ "second.py": "print(2)\n" });
    const opened = await sendAge(user, await toPassphrase.encrypt(zip2), "p.zip.age", "typed into age -p 712");
    expect(await continueRestore(user, opened.reply)).toMatch(/^✅ Restored/);
    expect(await content(712, "second.py")).toBe("print(2)\n");
    await expectNowhere(identity, "typed into age -p 712");
  });

  it("wrong key, a truncated file and a flipped byte are refused with a clear message, and nothing changes", async () => {
    const user = h.fake.user(713);
    await h.services.files.save(713, { fileName: "keep.py", content: "keep = True\n" });
    const identity = await generateIdentity();
    const e = new Encrypter();
    e.addRecipient(await identityToRecipient(identity));
    // Random text that does not compress: the .age file spans several 64 KiB STREAM chunks.
    const big = randomBytes(150_000).toString("base64");
    const file = Buffer.from(await e.encrypt(await backupZip({ "keep.py": "keep = False\n", "new.py": `new = "${big}"\n` })));
    expect(file.length).toBeGreaterThan(2 * 64 * 1024);
    const before = await state(713);

    const wrongKey = await sendAge(user, file, "w.zip.age", await generateIdentity());
    expect(wrongKey.reply.text).toContain("That does not open this file. Nothing was changed.");
    expect(isDeleted(user, wrongKey.answerId)).toBe(true);

    const truncated = await sendAge(user, file.subarray(0, file.length - 100), "t.zip.age", identity);
    expect(truncated.reply.text).toContain("This file is cut short, or damaged at its very end");
    expect(truncated.reply.text).toContain("Nothing was changed.");
    expect(isDeleted(user, truncated.answerId)).toBe(true);

    const flipped = Buffer.from(file);
    flipped[flipped.indexOf("\n---") + 200]! ^= 0x01; // inside the first of several chunks
    const tampered = await sendAge(user, flipped, "f.zip.age", identity);
    expect(tampered.reply.text).toContain("This file was changed or damaged since it was made");

    const headerFlipped = Buffer.from(file);
    headerFlipped[headerFlipped.indexOf("\n---") + 10]! ^= 0x01;
    const header = await sendAge(user, headerFlipped, "h.zip.age", identity);
    expect(header.reply.text).toContain("This file was changed or damaged since it was made");

    const lastFlipped = Buffer.from(file);
    lastFlipped[lastFlipped.length - 50]! ^= 0x01; // the last chunk: indistinguishable from a cut, and said so
    const atEnd = await sendAge(user, lastFlipped, "l.zip.age", identity);
    expect(atEnd.reply.text).toContain("damaged at its very end");

    expect(await state(713)).toEqual(before);
    expect(await content(713, "keep.py")).toBe("keep = True\n");
    await expectNowhere(identity);
  });

  it("another user's ▶️ button (a forged upload id) shows nothing of that upload", async () => {
    const owner = h.fake.user(715);
    const identity = await generateIdentity();
    const e = new Encrypter();
    e.addRecipient(await identityToRecipient(identity));
    await sendAge(owner, await e.encrypt(await backupZip({ "private.py": "mine = 1\n" })), "o.zip.age", identity);
    const staged = await h.db.collection("staged_uploads").findOne({ userId: 715 });
    const intruder = h.fake.user(716);
    await h.send(intruder.sendText("/start"));
    await h.send(intruder.pressButton(last(intruder), cb.ageOpened(staged!._id.toHexString())));
    expect(h.fake.sent(716).map((m) => m.text ?? "").join("\n")).not.toContain("private.py");
    expect(last(intruder).text).toMatch(/^🚫 I cannot use this archive: .*Nothing was changed\.$/);
    expect((await h.services.files.list(716)).total).toBe(0);
  });

  it("a key-encrypted file asks for the key, not a passphrase; a non-age .age file is refused", async () => {
    const user = h.fake.user(714);
    const e = new Encrypter();
    e.addRecipient(await identityToRecipient(await generateIdentity()));
    const { reply } = await sendAge(user, await e.encrypt(await backupZip({ "x.py": "x\n" })), "k.zip.age", "a passphrase by mistake");
    expect(reply.text).toContain("This file needs a secret key");
    await h.send(user.sendText("/cancel"));
    expect(last(user).text).toBe("❌ Cancelled. Nothing was changed.");
    await h.send(user.sendDocument(await backupZip({ "y.py": "y\n" }), "renamed.zip.age"));
    expect(last(user).text).toBe("This is not an age-encrypted file.");
  });

  it("a plain ZIP sent instead of the key is not taken for a key: it is kept in the chat and handled as a ZIP", async () => {
    const user = h.fake.user(717);
    const e = new Encrypter();
    e.addRecipient(await identityToRecipient(await generateIdentity()));
    await h.send(user.sendDocument(await e.encrypt(await backupZip({ "x.py": "x\n" })), "k.zip.age"));
    const zip = user.sendDocument(await backupZip({ "z.py": "z = 1\n" }), "plain.zip");
    await h.send(zip);
    expect(isDeleted(user, messageOf(zip))).toBe(false);
    expect(last(user).text).toMatch(/This ZIP is a codevault backup/);
  });
});
