import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DriveConfig } from "../../src/config.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { FAST_TUNING } from "../support/drive-env.js";
import { startFakeGoogle, type FakeGoogle } from "../support/fake-google/index.js";
import type { SentMessage } from "../support/fake-telegram/index.js";

/** ☁️ Google Drive through the bot: the fake Telegram in-process, the fake Google over loopback. */
let h: BotHarness;
let google: FakeGoogle;
const K = 256 * 1024;

beforeAll(async () => {
  google = await startFakeGoogle({ deviceInterval: 0.02 });
  const drive: DriveConfig = {
    client: { id: google.clientId, secret: google.clientSecret },
    key: randomBytes(32),
    previousKeys: [],
    oauthRoot: google.root,
    apiRoot: google.root,
    keep: 2,
  };
  h = await startBotHarness({
    services: { drive, driveTuning: { ...FAST_TUNING, chunkBytes: K, multipartMaxBytes: K } },
    driveProgressEveryMs: 0,
  });
});
afterAll(async () => {
  await h?.stop();
  await google?.close();
});

const buttons = (m: SentMessage | undefined) =>
  ((m?.reply_markup as { inline_keyboard?: { text: string; url?: string; callback_data?: string }[][] })?.inline_keyboard ?? []).flat();

/** Waits until message `id` in the chat says `pattern` (it is edited in place by background work). */
async function until(chatId: number, messageId: number, pattern: RegExp): Promise<SentMessage> {
  await h.fake.waitFor(() => pattern.test(h.fake.message(chatId, messageId)?.text ?? ""), 10_000);
  return h.fake.message(chatId, messageId)!;
}

/** /drive → 🔗 Connect → the prompt; returns it and the code shown. */
async function startConnect(userId: number) {
  const user = h.fake.user(userId);
  await h.send(user.sendText("/drive"));
  await h.send(user.pressButtonByText(h.fake.lastSent(userId)!, "🔗 Connect"));
  const prompt = h.fake.lastSent(userId)!;
  const code = /enter this code: ([A-Z]{4}-[A-Z]{4})/i.exec(prompt.text ?? "")?.[1];
  return { user, prompt, code: code! };
}

async function connect(userId: number, email: string) {
  const { prompt, code } = await startConnect(userId);
  google.approve(code, email);
  await until(userId, prompt.message_id, /^✅ Connected as/);
}

describe("connecting Google Drive through the bot", () => {
  it("shows a button to Google's page and the code to copy, then says who is connected", async () => {
    const user = h.fake.user(700);
    await h.send(user.sendText("/drive"));
    const status = h.fake.lastSent(700)!;
    expect(status.text).toContain("Not connected.");
    expect(buttons(status).map((b) => b.text)).toEqual(["🔗 Connect", "🏠 Main menu"]);

    const { prompt, code } = await startConnect(700);
    expect(prompt.rawText).toContain(`<code>${code}</code>`);
    expect(prompt.text).toContain("1. Open https://www.google.com/device on any device");
    expect(buttons(prompt)[0]).toMatchObject({ text: "🌐 Open google.com/device", url: "https://www.google.com/device" });
    google.approve(code, "ada@example.com");
    const done = await until(700, prompt.message_id, /^✅ Connected as ada@example\.com\./);
    expect(buttons(done).map((b) => b.text)).toEqual(["⬆️ Upload now", "☁️ Google Drive"]);

    await h.send(user.pressButtonByText(done, "☁️ Google Drive"));
    const menu = h.fake.lastSent(700)!;
    expect(menu.text).toContain("Connected as ada@example.com.");
    expect(menu.text).toContain("No upload yet.");
    expect(buttons(menu).map((b) => b.text)).toEqual(["⬆️ Upload now", "🧹 Keep 2 on Drive", "🚪 Disconnect", "🏠 Main menu"]);
    const stored = JSON.stringify(await h.db.collection("drive_accounts").find({}).toArray());
    for (const token of google.state.issued) expect(stored).not.toContain(token);
  });

  it("a declined request, an expired code and /cancel each end with their own message", async () => {
    const denied = await startConnect(701);
    google.deny(denied.code);
    const deniedMsg = await until(701, denied.prompt.message_id, /declined on Google's page/);
    expect(buttons(deniedMsg).map((b) => b.text)).toContain("🔗 Connect");

    const expired = await startConnect(701);
    google.expire(expired.code);
    await until(701, expired.prompt.message_id, /^⌛ The code expired/);

    const cancelled = await startConnect(701);
    await h.send(cancelled.user.sendText("/cancel"));
    expect(h.fake.lastSent(701)!.text).toBe("❌ Cancelled. Nothing was changed.");
    await until(701, cancelled.prompt.message_id, /^Connecting to Google Drive was cancelled/);
    google.approve(cancelled.code, "late@example.com");
    await h.send(cancelled.user.sendText("/drive"));
    expect(h.fake.lastSent(701)!.text).toContain("Not connected.");
  });

  it("speaks Hebrew to a Hebrew user", async () => {
    const user = h.fake.user(702, { languageCode: "he" });
    await h.send(user.sendText("/drive"));
    expect(h.fake.lastSent(702)!.text).toContain("לא מחובר");
    expect(buttons(h.fake.lastSent(702)).map((b) => b.text)[0]).toBe("🔗 התחברות");
  });
});

describe("uploading to Google Drive through the bot", () => {
  it("⬆️ Upload now sends a fresh backup, shows progress in place, links the file, marks the backup ☁️; again reuses it", async () => {
    await connect(710, "bea@example.com");
    for (let i = 0; i < 3; i++) await h.services.files.save(710, { fileName: `f${i}.txt`, content: randomBytes(200_000).toString("base64") });
    const user = h.fake.user(710);
    await h.send(user.sendText("/drive"));
    await h.send(user.pressButtonByText(h.fake.lastSent(710)!, "⬆️ Upload now"));
    const progress = h.fake.lastSent(710)!;
    const done = await until(710, progress.message_id, /^✅ On Google Drive/);
    const [file] = google.files("bea@example.com");
    expect(done.rawText).toContain(`<a href="https://drive.google.com/file/d/${file!.id}/view?usp=drivesdk">${file!.name}</a>`);
    const edits = h.fake.calls("editMessageText").map((c) => String(c.params.text)).filter((text) => text.startsWith("⬆️ Uploading"));
    expect(edits.some((text) => /… ([1-9]\d?)%$/.test(text))).toBe(true); // at least one percentage between 0 and 100
    const backups = await h.services.backups.list(710);
    expect(backups.items[0]!.driveCopy?.fileId).toBe(file!.id);

    await h.send(user.sendText("/backup"));
    await h.send(user.pressButtonByText(h.fake.lastSent(710)!, "🗂 My backups"));
    expect(buttons(h.fake.lastSent(710)).some((b) => /☁️$/.test(b.text))).toBe(true);

    await h.send(user.sendText("/drive"));
    await h.send(user.pressButtonByText(h.fake.lastSent(710)!, "⬆️ Upload now"));
    const again = await until(710, h.fake.lastSent(710)!.message_id, /^✅ On Google Drive/);
    expect(again.text).toContain("Your library has not changed since the backup of");
    expect(again.text).toContain("It was already on your Drive");
    expect(google.files("bea@example.com")).toHaveLength(1);
    expect((await h.services.backups.list(710)).total).toBe(1);
  });

  it("a backup's ☁️ Upload to Drive uploads that one; Drive keeps the newest 2", async () => {
    await connect(711, "cy@example.com");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await h.services.files.save(711, { fileName: "a.py", content: `print(${i})\n` });
      ids.push((await h.services.backups.create(711)).id);
    }
    const user = h.fake.user(711);
    for (const id of ids) {
      await h.send(user.sendText("/backup"));
      await h.send(user.pressButtonByText(h.fake.lastSent(711)!, "🗂 My backups"));
      const list = h.fake.lastSent(711)!;
      const button = buttons(list).find((b) => b.callback_data === `b:o:${id}`)!;
      await h.send(user.pressButton(list, button.callback_data!));
      await h.send(user.pressButtonByText(h.fake.lastSent(711)!, "☁️ Upload to Drive"));
      await until(711, h.fake.lastSent(711)!.message_id, /^✅ On Google Drive/);
    }
    expect(h.fake.lastSent(711)!.text).toContain("🧹 1 older copy was deleted from Drive.");
    expect(google.files("cy@example.com").map((f) => f.appProperties.backupId).sort()).toEqual([ids[1], ids[2]].sort());
    await h.send(user.sendText("/drive"));
    expect(h.fake.lastSent(711)!.text).toContain("Copies on Drive: 2 (the newest 2 are kept");
    await h.send(user.pressButtonByText(h.fake.lastSent(711)!, "🧹 Keep 2 on Drive"));
    expect(h.fake.lastSent(711)!.text).toContain("🧹 Nothing to tidy");
  });

  it("a transient failure says what failed and that the backup is safe, with 🔁 Try again that works", async () => {
    await connect(712, "dee@example.com");
    await h.services.files.save(712, { fileName: "a.py", content: "print(1)\n" });
    google.faults.add({ kind: "status", status: 503 }, { path: "/drive/v3/files", times: 50 });
    const user = h.fake.user(712);
    await h.send(user.sendText("/drive"));
    await h.send(user.pressButtonByText(h.fake.lastSent(712)!, "⬆️ Upload now"));
    const failed = await until(712, h.fake.lastSent(712)!.message_id, /^⚠️ The upload to Google Drive failed/);
    expect(failed.text).toBe(
      "⚠️ The upload to Google Drive failed: Google had a temporary problem.\nYour backup is safe on the server.\nThis looks temporary: press 🔁 Try again in a moment.",
    );
    expect((await h.services.backups.list(712)).total).toBe(1);
    google.faults.clear();
    await h.send(user.pressButtonByText(failed, "🔁 Try again"));
    await until(712, h.fake.lastSent(712)!.message_id, /^✅ On Google Drive/);
    expect(google.files("dee@example.com")).toHaveLength(1);
  });

  it("a full Drive and a revoked grant are told as such; the backup stays and a revoked user is offered 🔗 Connect", async () => {
    await connect(713, "eve@example.com");
    await h.services.files.save(713, { fileName: "a.py", content: "print(1)\n" });
    const user = h.fake.user(713);
    google.state.account("eve@example.com").quotaLimit = 10;
    await h.send(user.sendText("/drive"));
    await h.send(user.pressButtonByText(h.fake.lastSent(713)!, "⬆️ Upload now"));
    const full = await until(713, h.fake.lastSent(713)!.message_id, /failed/);
    expect(full.text).toContain("your Google Drive is full");
    expect(full.text).toContain("Your backup is safe on the server.");
    expect(buttons(full).map((b) => b.text)).toEqual(["☁️ Google Drive"]);

    google.state.account("eve@example.com").quotaLimit = undefined;
    google.state.revokeAll("eve@example.com");
    await h.send(user.sendText("/drive"));
    await h.send(user.pressButtonByText(h.fake.lastSent(713)!, "⬆️ Upload now"));
    const revoked = await until(713, h.fake.lastSent(713)!.message_id, /failed/);
    expect(revoked.text).toContain("Google no longer accepts codevault's access");
    expect(buttons(revoked).map((b) => b.text)).toContain("🔗 Connect");
    const backup = (await h.services.backups.list(713)).items[0]!;
    expect((await h.services.backups.verify(713, backup.id)).ok).toBe(true);
    await h.send(user.sendText("/drive"));
    expect(h.fake.lastSent(713)!.text).toContain("Google no longer accepts codevault's access (it was revoked or has expired)");
  });

  it("🚪 Disconnect asks first, revokes at Google and forgets the tokens", async () => {
    await connect(714, "fay@example.com");
    const user = h.fake.user(714);
    await h.send(user.sendText("/drive"));
    await h.send(user.pressButtonByText(h.fake.lastSent(714)!, "🚪 Disconnect"));
    expect(h.fake.lastSent(714)!.text).toMatch(/^Disconnect Google Drive\?/);
    const revokedBefore = google.state.revoked.length;
    await h.send(user.pressButtonByText(h.fake.lastSent(714)!, "🚪 Disconnect"));
    expect(h.fake.lastSent(714)!.text).toBe("🚪 Disconnected. codevault's access was revoked at Google and forgotten here.");
    expect(google.state.revoked.length).toBe(revokedBefore + 1);
    expect(await h.db.collection("drive_accounts").findOne({ _id: 714 as never })).not.toHaveProperty("tokens");
  });

  it("a forged ☁️ upload of someone else's backup is 'not found' and uploads nothing", async () => {
    await connect(715, "gil@example.com");
    const other = await h.services.backups.create(716);
    const user = h.fake.user(715);
    await h.send(user.sendText("/drive"));
    const before = h.fake.callbackAnswers().length;
    await h.send(user.pressButton(h.fake.lastSent(715)!, `d:b:${other.id}`));
    expect(h.fake.callbackAnswers()[before]!.text).toBe("Backup not found. It may have been deleted.");
    expect(google.files("gil@example.com")).toEqual([]);
  });
});
