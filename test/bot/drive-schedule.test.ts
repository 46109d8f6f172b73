import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScheduler } from "../../src/scheduler-app.js";
import { scheduleNotifier } from "../../src/bot/schedule-notices.js";
import type { DriveConfig } from "../../src/config.js";
import { JOB, type DriveScheduler } from "../../src/jobs/index.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import { FAST_TUNING } from "../support/drive-env.js";
import { startFakeGoogle, type FakeGoogle } from "../support/fake-google/index.js";
import type { SentMessage } from "../support/fake-telegram/index.js";

/**
 * 🗓 Scheduled Drive backups through the bot: the real scheduler (Agenda, 100 ms polls, 40 ms first
 * retry) on the test MongoDB, the bot's own notices on the fake Telegram, uploads to the fake Google.
 */
let h: BotHarness;
let google: FakeGoogle;
let scheduler: DriveScheduler;

beforeAll(async () => {
  google = await startFakeGoogle({ deviceInterval: 0.02 });
  const drive: DriveConfig = {
    client: { id: google.clientId, secret: google.clientSecret },
    key: randomBytes(32),
    previousKeys: [],
    oauthRoot: google.root,
    apiRoot: google.root,
    keep: 5,
  };
  h = await startBotHarness({ services: { drive, driveTuning: FAST_TUNING }, driveProgressEveryMs: 0 });
  const settings = { pollMs: 100, retryBaseMs: 40, defaultTimezone: "UTC" };
  let notify: ReturnType<typeof scheduleNotifier> | undefined;
  scheduler = createScheduler(h.services, { db: h.db, events: h.events, notify: (u, n) => notify!(u, n), settings });
  const built = h.newBot({ schedules: scheduler.schedules, defaultTimezone: "UTC" });
  h.bot = built.bot;
  notify = scheduleNotifier({ api: built.bot.api, i18n: built.i18n as never, settings: h.services.settings, backups: h.services.backups, defaultLocale: "en" });
  await scheduler.start();
});
afterAll(async () => {
  await scheduler?.stop({ timeoutMs: 2000 });
  await h?.stop();
  await google?.close();
});

const buttons = (m: SentMessage | undefined) =>
  ((m?.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] })?.inline_keyboard ?? []).flat();
const jobs = () => h.db.collection("agendaJobs");
const scheduleDoc = (userId: number) => jobs().findOne({ name: JOB.backup, "data.userId": userId });
const makeDue = (userId: number) => jobs().updateOne({ name: JOB.backup, "data.userId": userId }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
/** Messages the bot sent this user whose text matches. */
const said = (userId: number, pattern: RegExp) => h.fake.sent(userId).filter((m) => pattern.test(m.text ?? ""));

async function waitForSaid(userId: number, pattern: RegExp, count = 1): Promise<SentMessage> {
  await h.fake.waitFor(() => said(userId, pattern).length >= count, 15_000);
  return said(userId, pattern).at(-1)!;
}

async function connect(userId: number, email: string, languageCode?: string) {
  const user = h.fake.user(userId, languageCode ? { languageCode } : {});
  await h.send(user.sendText("/drive"));
  await h.send(user.pressButtonByText(h.fake.lastSent(userId)!, buttons(h.fake.lastSent(userId))[0]!.text));
  const prompt = h.fake.lastSent(userId)!;
  const code = /([A-Z]{4}-[A-Z]{4})/.exec(prompt.text ?? "")![1]!;
  google.approve(code, email);
  await h.fake.waitFor(() => /^✅/.test(h.fake.message(userId, prompt.message_id)?.text ?? ""), 10_000);
  return user;
}

/** /drive → 🗓 Schedule; returns the menu message. */
async function openSchedule(userId: number) {
  const user = h.fake.user(userId);
  await h.send(user.sendText("/drive"));
  await h.send(user.pressButton(h.fake.lastSent(userId)!, "s:m"));
  return h.fake.lastSent(userId)!;
}

async function press(userId: number, text: string) {
  await h.send(h.fake.user(userId).pressButtonByText(h.fake.lastSent(userId)!, text));
  return h.fake.lastSent(userId)!;
}

describe("🗓 the schedule menu", () => {
  it("sets daily, changes to weekly on Friday at 22:00 in a typed time zone, quiet line off, then off: one job document throughout", async () => {
    await connect(800, "sam@example.com");
    const menu = await openSchedule(800);
    expect(menu.text).toContain("🗓 Schedule: off. Times are in UTC.");
    expect(buttons(menu).map((b) => b.text)).toEqual(["🗓 Daily", "🗓 Weekly", "🗓 Monthly (1st)", "☁️ Google Drive"]);

    let shown = await press(800, "🗓 Daily");
    expect(shown.text).toContain("✅ Saved: every day at 03:00 (UTC).");
    expect(shown.text).toMatch(/Next run: \d{4}-\d\d-\d\d 03:00 \(UTC\)/);
    expect(await jobs().countDocuments({ "data.userId": 800 })).toBe(1);
    expect((await scheduleDoc(800))!.repeatInterval).toBe("0 3 * * *");

    expect((await press(800, "🗓 Weekly")).text).toBe("🗓 On which day of the week?");
    shown = await press(800, "Friday");
    expect(shown.text).toContain("✅ Saved: every Friday at 03:00 (UTC).");
    expect(await press(800, "🕒 Time: 03:00")).toMatchObject({ text: "🕒 At what time (UTC)?" });
    shown = await press(800, "22:00");
    expect(shown.text).toContain("✅ Saved: every Friday at 22:00 (UTC).");
    expect(await jobs().countDocuments({ "data.userId": 800 })).toBe(1);
    expect((await scheduleDoc(800))!.repeatInterval).toBe("0 22 * * 5");

    await press(800, "🌍 Time zone: UTC");
    expect(h.fake.lastSent(800)!.text).toContain("Type your time zone");
    await h.send(h.fake.user(800).sendText("Mars/<b>Olympus</b>"));
    expect(h.fake.lastSent(800)!.text).toBe("“Mars/<b>Olympus</b>” is not a time zone I know. Type a name like Europe/London or Asia/Jerusalem, or /cancel.");
    expect(h.fake.lastSent(800)!.rawText).toContain("Mars/&lt;b&gt;Olympus&lt;/b&gt;");
    await h.send(h.fake.user(800).sendText("asia/jerusalem"));
    expect(h.fake.lastSent(800)!.text).toBe("🌍 Time zone saved: Asia/Jerusalem.");
    expect((await scheduleDoc(800))!.repeatTimezone).toBe("Asia/Jerusalem");

    shown = await openSchedule(800);
    expect(shown.text).toContain("🗓 Schedule: every Friday at 22:00 (Asia/Jerusalem)");
    expect(shown.text).toMatch(/Next run: \d{4}-\d\d-\d\d 22:00 \(Asia\/Jerusalem\)/);
    expect(shown.text).toContain("Last run: not yet.");
    shown = await press(800, "✅ line after each run: on");
    expect(buttons(shown).map((b) => b.text)).toContain("✅ line after each run: off");
    expect((await scheduleDoc(800))!.data.successMessage).toBe(false);

    await h.send(h.fake.user(800).sendText("/drive"));
    expect(h.fake.lastSent(800)!.text).toContain("🗓 Schedule: every Friday at 22:00 (Asia/Jerusalem)");

    shown = await openSchedule(800);
    shown = await press(800, "⛔ Off");
    expect(shown.text).toContain("⛔ Scheduled backups are off.");
    expect(await jobs().countDocuments({ "data.userId": 800 })).toBe(0);
  });

  it("without a connected Drive there is nothing to schedule: it says so and sets nothing", async () => {
    const user = h.fake.user(801);
    await h.send(user.sendText("/drive"));
    expect(buttons(h.fake.lastSent(801)).map((b) => b.text)).toEqual(["🔗 Connect", "🏠 Main menu"]);
    const before = h.fake.callbackAnswers().length;
    await h.send(user.pressButton(h.fake.lastSent(801)!, "s:f:d")); // a forged or stale button
    expect(h.fake.callbackAnswers()[before]!.text).toBe("Connect Google Drive first: a schedule uploads your backups there.");
    expect(await jobs().countDocuments({ "data.userId": 801 })).toBe(0);
  });
});

describe("🗓 scheduled runs, as the user sees them", () => {
  it("a due run uploads once, the ✅ line arrives once, and the Drive menu shows the last run", async () => {
    await connect(810, "una@example.com");
    await h.services.files.save(810, { fileName: "a.py", content: "print(1)\n" });
    await openSchedule(810);
    await press(810, "🗓 Daily");
    await makeDue(810);
    await waitForSaid(810, /^✅ Scheduled backup on Google Drive/);
    await runDone(810);
    expect(said(810, /^✅ Scheduled backup on Google Drive/)).toHaveLength(1);
    expect(google.files("una@example.com")).toHaveLength(1);
    await h.send(h.fake.user(810).sendText("/drive"));
    expect(h.fake.lastSent(810)!.text).toMatch(/Last run: \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\) — ✅ uploaded/);

    // Nothing changed since: the next run uploads nothing and says so.
    await makeDue(810);
    await waitForSaid(810, /^✅ Scheduled backup: your library has not changed/);
    expect(google.files("una@example.com")).toHaveLength(1);
  });

  it("tries run out: one message with 🔁 Try now, the backup kept; Try now uploads it once", async () => {
    await connect(820, "vic@example.com");
    await h.services.files.save(820, { fileName: "a.py", content: "print(2)\n" });
    await openSchedule(820);
    await press(820, "🗓 Daily");
    google.faults.add({ kind: "status", status: 503 }, { path: "/upload/", times: 10_000 });
    await makeDue(820);
    const failed = await waitForSaid(820, /^⚠️ The upload to Google Drive failed 5 times/);
    google.faults.clear();
    expect(failed.text).toBe(
      "⚠️ The upload to Google Drive failed 5 times: Google had a temporary problem.\nYour backup is safe on the server.\nPress 🔁 Try now to upload it again.",
    );
    expect(said(820, /failed/)).toHaveLength(1);
    const backups = await h.services.backups.list(820);
    expect(backups.total).toBe(1);
    expect((await h.services.backups.verify(820, backups.items[0]!.id)).ok).toBe(true);
    expect(google.files("vic@example.com")).toHaveLength(0);
    await runDone(820);
    await h.send(h.fake.user(820).sendText("/drive"));
    const menu = h.fake.lastSent(820)!;
    expect(menu.text).toMatch(/Last run: .* — ❌ Google had a temporary problem\./);
    expect(buttons(menu).find((b) => b.text === "🔁 Try now")?.callback_data).toBe(`s:t:${backups.items[0]!.id}`);

    await h.send(h.fake.user(820).pressButtonByText(failed, "🔁 Try now"));
    expect(h.fake.lastSent(820)!.text).toContain("Uploading that backup to Google Drive again now");
    await waitForSaid(820, /^✅ The upload that failed earlier went through/);
    expect(google.files("vic@example.com").map((f) => f.appProperties.backupId)).toEqual([backups.items[0]!.id]);
  });

  it("a revoked grant pauses the schedule with one 🔗 Reconnect message; reconnecting resumes it", async () => {
    await connect(830, "wyn@example.com");
    await h.services.files.save(830, { fileName: "a.py", content: "print(3)\n" });
    await openSchedule(830);
    await press(830, "🗓 Daily");
    google.state.revokeAll("wyn@example.com");
    await makeDue(830);
    const notice = await waitForSaid(830, /^🔌 Google no longer accepts/);
    expect(notice.text).toContain("I paused your backup schedule; it is kept and runs again once you press 🔗 Reconnect.");
    expect(buttons(notice).map((b) => b.text)).toEqual(["🔗 Reconnect", "☁️ Google Drive"]);
    expect((await scheduleDoc(830))!.disabled).toBe(true);
    await h.send(h.fake.user(830).sendText("/drive"));
    expect(h.fake.lastSent(830)!.text).toContain("⏸ Paused until you reconnect Google Drive");

    await h.send(h.fake.user(830).pressButtonByText(notice, "🔗 Reconnect"));
    const prompt = h.fake.lastSent(830)!;
    google.approve(/([A-Z]{4}-[A-Z]{4})/.exec(prompt.text ?? "")![1]!, "wyn@example.com");
    await h.fake.waitFor(() => /Your backup schedule runs again/.test(h.fake.message(830, prompt.message_id)?.text ?? ""), 10_000);
    expect((await scheduleDoc(830))!.disabled).toBe(false);
    await makeDue(830);
    await waitForSaid(830, /^✅ Scheduled backup on Google Drive/);
    expect(said(830, /^🔌/)).toHaveLength(1);
    expect(google.files("wyn@example.com")).toHaveLength(1);
  });

  it("a full Drive says so with the sizes, once", async () => {
    await connect(840, "xan@example.com");
    await h.services.files.save(840, { fileName: "a.py", content: "print(4)\n" });
    await openSchedule(840);
    await press(840, "🗓 Daily");
    google.state.account("xan@example.com").quotaLimit = 10;
    await makeDue(840);
    const full = await waitForSaid(840, /^⚠️ Your Google Drive is full/);
    expect(full.text).toMatch(/^⚠️ Your Google Drive is full: 0 B of 10 B used, and this backup needs \d+ B\. Free some space/);
    expect(full.text).toContain("Your backup is safe on the server.");
    // The next day is still full: recorded, not said again.
    const first = (await runDone(840)).data.lastResult.at as Date;
    await makeDue(840);
    await runDone(840, first);
    expect(said(840, /full/)).toHaveLength(1);
    google.state.account("xan@example.com").quotaLimit = undefined;
  });

  it("a manual ⬆️ Upload now that fails for a passing reason is retried by itself, and the user is told both times", async () => {
    await connect(850, "yul@example.com");
    await h.services.files.save(850, { fileName: "a.py", content: "print(5)\n" });
    google.faults.add({ kind: "status", status: 503 }, { path: "/upload/", times: FAST_TUNING.retry!.attempts });
    await h.send(h.fake.user(850).sendText("/drive"));
    await press(850, "⬆️ Upload now");
    const progress = h.fake.lastSent(850)!;
    await h.fake.waitFor(() => /failed/.test(h.fake.message(850, progress.message_id)?.text ?? ""), 10_000);
    expect(h.fake.message(850, progress.message_id)!.text).toMatch(/Your backup is safe on the server\.\n🔁 I will try again by myself around \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    await waitForSaid(850, /^✅ The upload that failed earlier went through/);
    expect(google.files("yul@example.com")).toHaveLength(1);
  });

  it("never silent: a schedule with no upload for two periods tells the user once", async () => {
    await connect(860, "zed@example.com");
    await openSchedule(860);
    await press(860, "🗓 Daily");
    await jobs().updateOne({ name: JOB.backup, "data.userId": 860 }, { $set: { "data.since": new Date(Date.now() - 3 * 86_400_000) } });
    await jobs().updateOne({ name: JOB.overdueCheck }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
    const overdue = await waitForSaid(860, /^⏰ No backup has reached your Google Drive/);
    expect(overdue.text).toMatch(/since the schedule was set on \d{4}-\d\d-\d\d \d\d:\d\d UTC, though it runs every day\. Open ☁️ Google Drive to see why\.$/);
    await jobs().updateOne({ name: JOB.overdueCheck }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
    await waitForOverdueRun();
    expect(said(860, /^⏰/)).toHaveLength(1);
  });

  it("the weekly self-check finds a Drive copy that no longer matches: the user is told, the copy is no longer counted", async () => {
    await connect(870, "amy@example.com");
    await h.services.files.save(870, { fileName: "a.py", content: "print(7)\n" });
    await h.send(h.fake.user(870).sendText("/drive"));
    const progress = await press(870, "⬆️ Upload now");
    await h.fake.waitFor(() => /^✅ On Google Drive/.test(h.fake.message(870, progress.message_id)?.text ?? ""), 10_000);
    const [file] = google.files("amy@example.com");
    file!.md5Checksum = "0".repeat(32);
    await jobs().updateOne({ name: JOB.selfCheck }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
    const report = await waitForSaid(870, /^🔎 The weekly check/);
    const backup = (await h.services.backups.list(870)).items[0]!;
    expect(report.text).toMatch(/The copy on Google Drive of the backup of \d{4}-\d\d-\d\d \d\d:\d\d UTC differs from it\./);
    expect(backup.driveCopy).toBeUndefined();
    expect(said(870, /^🔎/)).toHaveLength(1);
  });

  it("speaks Hebrew to a Hebrew user, outside any update too", async () => {
    await connect(880, "ben@example.com", "he");
    await h.services.files.save(880, { fileName: "a.py", content: "print(8)\n" });
    await h.send(h.fake.user(880).sendText("/drive"));
    await h.send(h.fake.user(880).pressButton(h.fake.lastSent(880)!, "s:m"));
    expect(h.fake.lastSent(880)!.text).toContain("גיבויים מתוזמנים");
    await h.send(h.fake.user(880).pressButton(h.fake.lastSent(880)!, "s:f:d"));
    expect(h.fake.lastSent(880)!.text).toContain("✅ נשמר: כל יום בשעה 03:00 (UTC).");
    await makeDue(880);
    await waitForSaid(880, /^✅ הגיבוי המתוזמן ב-Google Drive/);
  });
});

/** Waits until the user's scheduled run is over (recorded, unlocked, next due in the future) and newer than `after`. */
async function runDone(userId: number, after?: Date) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const doc = await scheduleDoc(userId);
    const at = doc?.data.lastResult?.at as Date | undefined;
    if (doc && at && (!after || at > after) && !doc.lockedAt && doc.nextRunAt > new Date()) return doc;
    if (Date.now() > deadline) throw new Error("the scheduled run did not finish");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the overdue check made due again has run (its nextRunAt moved to the future). */
async function waitForOverdueRun() {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const doc = await jobs().findOne({ name: JOB.overdueCheck });
    if (doc && doc.nextRunAt > new Date() && !doc.lockedAt) return;
    if (Date.now() > deadline) throw new Error("the overdue check did not run");
    await new Promise((r) => setTimeout(r, 20));
  }
}
