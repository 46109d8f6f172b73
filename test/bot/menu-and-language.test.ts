import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.stop();
});

function buttons(message: { reply_markup?: unknown } | undefined): string[] {
  const kb = (message?.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] })?.inline_keyboard ?? [];
  return kb.flat().map((b) => b.text);
}

describe("main menu, help and language", () => {
  it("registers the command menu in English and Hebrew", () => {
    const en = h.fake.commands().map((c) => c.command);
    expect(en).toEqual(["start", "files", "save", "backup", "restore", "github", "drive", "language", "help", "cancel"]);
    const he = h.fake.commands(undefined, "he");
    expect(he.find((c) => c.command === "files")?.description).toBe("קובצי הקוד שלי");
  });

  it("/start greets the user and shows the main menu", async () => {
    const user = h.fake.user(10, { firstName: "Dana" });
    await h.send(user.sendText("/start"));
    const reply = h.fake.lastSent(10)!;
    expect(reply.text).toContain("Hi Dana!");
    expect(buttons(reply)).toEqual(["📁 My files", "💾 Save code", "📦 Backups", "♻️ Restore", "☁️ Google Drive", "🌐 Language", "🔒 Privacy", "❓ Help"]);
  });

  it("every main-menu button answers with something", async () => {
    const user = h.fake.user(11);
    await h.send(user.sendText("/start"));
    const menu = h.fake.lastSent(11)!;
    for (const label of ["📁 My files", "💾 Save code", "📦 Backups", "♻️ Restore", "🌐 Language", "🔒 Privacy", "❓ Help"]) {
      await h.send(user.pressButtonByText(h.fake.lastSent(11)!, label));
      const shown = h.fake.lastSent(11)!;
      expect(shown.text, label).toBeTruthy();
      await h.send(user.pressButtonByText(shown, "🏠 Main menu"));
      expect(h.fake.lastSent(11)!.message_id).toBe(menu.message_id);
    }
    // Without GOOGLE_CLIENT_ID/SECRET the server has no Drive, and says so.
    await h.send(user.pressButtonByText(h.fake.lastSent(11)!, "☁️ Google Drive"));
    expect(h.fake.lastSent(11)!.text).toMatch(/^☁️ Google Drive is not set up on this server/);
    await h.send(user.pressButtonByText(h.fake.lastSent(11)!, "🏠 Main menu"));
    expect(h.fake.lastSent(11)!.message_id).toBe(menu.message_id);
    await h.send(user.sendText("/drive"));
    expect(h.fake.lastSent(11)!.text).toMatch(/^☁️ Google Drive is not set up on this server/);
  });

  it("a Hebrew Telegram user is answered in Hebrew, and /language switches and remembers", async () => {
    const user = h.fake.user(12, { languageCode: "he", firstName: "נועה" });
    await h.send(user.sendText("/start"));
    expect(h.fake.lastSent(12)!.text).toContain("שלום נועה!");
    await h.send(user.sendText("/language"));
    await h.send(user.pressButtonByText(h.fake.lastSent(12)!, "🇬🇧 English"));
    expect(h.fake.lastSent(12)!.text).toBe("✅ I will speak English with you.");
    await h.send(user.sendText("/help"));
    expect(h.fake.lastSent(12)!.text).toMatch(/^codevault keeps your code files/);
    // Another bot instance (a restart) still knows the choice.
    h.bot = h.newBot().bot;
    await h.send(user.sendText("/start"));
    expect(h.fake.lastSent(12)!.text).toContain("Hi נועה!");
  });

  it("/cancel with nothing going on says so", async () => {
    const user = h.fake.user(13);
    await h.send(user.sendText("/cancel"));
    expect(h.fake.lastSent(13)!.text).toBe("There is nothing to cancel.");
  });

  it("a forged or stale button gets an answer, not silence", async () => {
    const user = h.fake.user(14);
    await h.send(user.sendText("/start"));
    const before = h.fake.callbackAnswers().length;
    await h.send(user.pressButton(h.fake.lastSent(14)!, "zz:nonsense"));
    expect(h.fake.callbackAnswers()[before]).toMatchObject({ text: "This button is no longer valid. Open the menu again with /start.", show_alert: true });
  });
});

describe("allow-list", () => {
  let closed: BotHarness;
  beforeAll(async () => {
    closed = await startBotHarness({ allowedUserIds: [500] });
  });
  afterAll(async () => {
    await closed?.stop();
  });

  it("turns strangers away politely and stores nothing for them", async () => {
    const stranger = closed.fake.user(666);
    await closed.send(stranger.sendDocument(Buffer.from("print(1)"), "x.py"));
    expect(closed.fake.lastSent(666)!.text).toBe(
      "🔒 Sorry, this codevault is private. Ask its owner to add your Telegram id (666) to the allowed users.",
    );
    expect((await closed.services.files.list(666)).total).toBe(0);
    expect(await closed.db.collection("sessions").countDocuments({ key: "666" })).toBe(0);

    const owner = closed.fake.user(500);
    await closed.send(owner.sendText("/start"));
    expect(closed.fake.lastSent(500)!.text).toContain("Hi User500!");
  });

  it("refuses a stranger's button presses: nothing is created, shown or stored", async () => {
    const stranger = closed.fake.user(667);
    const notAllowed = "🔒 Sorry, this codevault is private. Ask its owner to add your Telegram id (667) to the allowed users.";
    await closed.send(stranger.sendText("/start"));
    const menu = closed.fake.lastSent(667)!; // any message in the stranger's chat can carry a (forged) button
    expect(menu.text).toBe(notAllowed);
    // Buttons that would act for anyone who may use the bot: create a backup, open the menus.
    for (const data of ["b:n", "b:nh", "m:files", "m:backups", "b:l:0"]) {
      const before = closed.fake.callbackAnswers().length;
      await closed.send(stranger.pressButton(menu, data));
      expect(closed.fake.callbackAnswers()[before], data).toMatchObject({ text: notAllowed, show_alert: true });
    }
    expect(closed.fake.sent(667)).toHaveLength(1);
    expect(closed.fake.message(667, menu.message_id)!.text).toBe(notAllowed);
    expect((await closed.services.backups.list(667)).total).toBe(0);
    expect(await closed.db.collection("backups").countDocuments({})).toBe(0);
    expect(await closed.db.collection("sessions").countDocuments({ key: "667" })).toBe(0);
  });
});
