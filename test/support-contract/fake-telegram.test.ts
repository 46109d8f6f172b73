import http from "node:http";
import { autoRetry } from "@grammyjs/auto-retry";
import { type Conversation, type ConversationFlavor, conversations, createConversation } from "@grammyjs/conversations";
import { Bot, type Context, GrammyError, HttpError, InlineKeyboard, InputFile } from "grammy";
import type { Update } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeTelegram, FAKE_API_ROOT, type FakeServer, type FakeTelegram } from "../support/fake-telegram/index.js";

/** Contract: the fake behaves like the Bot API as seen by the REAL grammY (and its plugins). */

type Ctx = ConversationFlavor<Context>;

function inProcessBot(fake: FakeTelegram): Bot<Ctx> {
  return new Bot<Ctx>(fake.token, { client: { fetch: fake.fetch, apiRoot: FAKE_API_ROOT } });
}

async function expectGrammyError(p: Promise<unknown>, code: number, description: string | RegExp): Promise<GrammyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GrammyError);
  const ge = err as GrammyError;
  expect(ge.error_code).toBe(code);
  if (typeof description === "string") expect(ge.description).toBe(description);
  else expect(ge.description).toMatch(description);
  return ge;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe("fake Telegram, in-process through client.fetch", () => {
  it("answers getMe and replies to /start", async () => {
    const fake = createFakeTelegram({ botUsername: "codevault_bot" });
    const bot = inProcessBot(fake);
    bot.command("start", (ctx) => ctx.reply(`Hi ${ctx.from?.first_name}`));
    await bot.init();
    expect(bot.botInfo.username).toBe("codevault_bot");
    expect(bot.botInfo.id).toBe(123456);

    const ada = fake.user(42, { firstName: "Ada" });
    const update = ada.sendText("/start");
    expect(update.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
    await bot.handleUpdate(update);

    const reply = fake.lastSent(42);
    expect(reply).toMatchObject({ chat_id: 42, text: "Hi Ada", edited: false, deleted: false, method: "sendMessage" });
    expect(reply?.message.from?.id).toBe(123456);
    expect(fake.sent()).toHaveLength(1);
    expect(fake.calls("sendMessage")[0]?.params).toMatchObject({ chat_id: 42, text: "Hi Ada" });
  });

  it("keeps inline keyboards, answers callback queries and edits messages", async () => {
    const fake = createFakeTelegram();
    const bot = inProcessBot(fake);
    bot.command("menu", (ctx) =>
      ctx.reply("<b>Pick</b> one", { parse_mode: "HTML", reply_markup: new InlineKeyboard().text("Keep", "keep:1").text("Drop", "drop:1") }),
    );
    bot.callbackQuery(/^keep:/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Kept!", show_alert: true });
      await ctx.editMessageText("Kept file 1");
    });
    await bot.init();
    const u = fake.user(7);
    await bot.handleUpdate(u.sendText("/menu"));
    const menu = fake.lastSent(7);
    expect(menu?.text).toBe("Pick one");
    expect(menu?.rawText).toBe("<b>Pick</b> one");
    expect(menu?.reply_markup).toEqual({
      inline_keyboard: [[{ text: "Keep", callback_data: "keep:1" }, { text: "Drop", callback_data: "drop:1" }]],
    });

    const press = u.pressButtonByText(menu!, "Keep");
    expect(press.callback_query?.message?.message_id).toBe(menu?.message_id);
    await bot.handleUpdate(press);

    expect(fake.callbackAnswers()).toEqual([{ callback_query_id: press.callback_query!.id, text: "Kept!", show_alert: true }]);
    const edited = fake.message(7, menu!.message_id);
    expect(edited).toMatchObject({ text: "Kept file 1", edited: true });
    expect(edited?.reply_markup).toBeUndefined(); // like Telegram: editing without reply_markup drops the keyboard
    expect(fake.sent(7)).toHaveLength(1);

    // A forged callback is delivered as-is; answering the same query twice fails like in Telegram.
    const forged = u.pressButton(menu!.message_id, "keep:999");
    expect(forged.callback_query?.data).toBe("keep:999");
    await bot.api.answerCallbackQuery(forged.callback_query!.id);
    await expectGrammyError(bot.api.answerCallbackQuery(forged.callback_query!.id), 400, /query is too old/);
  });

  it("uploads documents with the bytes and file name, and serves them back via getFile", async () => {
    const fake = createFakeTelegram();
    const bot = inProcessBot(fake);
    await bot.init();
    fake.user(5);
    const bytes = Buffer.from("print('hello')\n");
    const msg = await bot.api.sendDocument(5, new InputFile(bytes, "a.py"), {
      caption: "Your <i>file</i>",
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Delete", "del:a.py"),
    });
    expect(msg.document).toMatchObject({ file_name: "a.py", file_size: bytes.length, mime_type: "text/x-python" });
    const sent = fake.lastSent(5);
    expect(sent?.method).toBe("sendDocument");
    expect(sent?.caption).toBe("Your file");
    expect(sent?.document?.file_name).toBe("a.py");
    expect(Buffer.from(sent!.document!.bytes).toString()).toBe("print('hello')\n");
    expect(sent?.reply_markup).toEqual({ inline_keyboard: [[{ text: "Delete", callback_data: "del:a.py" }]] });

    // re-send by file_id reuses the file
    const again = await bot.api.sendDocument(5, msg.document.file_id);
    expect(again.document.file_id).toBe(msg.document.file_id);

    const file = await bot.api.getFile(msg.document.file_id);
    const res = await fake.fetch(`${FAKE_API_ROOT}/file/bot${fake.token}/${file.file_path}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe("print('hello')\n");
  });

  it("lets the bot download a document the user sent (ctx.getFile + /file/ route)", async () => {
    const fake = createFakeTelegram();
    const bot = inProcessBot(fake);
    bot.on("message:document", async (ctx) => {
      const file = await ctx.getFile();
      const res = await fake.fetch(`${FAKE_API_ROOT}/file/bot${fake.token}/${file.file_path}`);
      await ctx.reply(`got ${ctx.msg.document.file_name} (${file.file_size} bytes): ${await res.text()}`);
    });
    await bot.init();
    const u = fake.user(9);
    const update = u.sendDocument(new TextEncoder().encode("fn main() {}"), "main.rs", { caption: "backup" });
    expect(update.message?.document).toMatchObject({ file_name: "main.rs", file_size: 12 });
    await bot.handleUpdate(update);
    expect(fake.lastSent(9)?.text).toBe("got main.rs (12 bytes): fn main() {}");

    const wrongToken = await fake.fetch(`${FAKE_API_ROOT}/file/bot1:nope/documents/file_1.rs`);
    expect(wrongToken.status).toBe(401);
    const missing = await fake.fetch(`${FAKE_API_ROOT}/file/bot${fake.token}/documents/nope`);
    expect(missing.status).toBe(404);
  });

  it("answers errors in Telegram's shape, which grammY throws as GrammyError", async () => {
    const fake = createFakeTelegram();
    const bot = inProcessBot(fake);
    await bot.init();
    fake.user(3);
    const m = await bot.api.sendMessage(3, "hello", { reply_markup: new InlineKeyboard().text("x", "x") });

    await expectGrammyError(bot.api.editMessageText(3, 999, "nope"), 400, "Bad Request: message to edit not found");
    await expectGrammyError(
      bot.api.editMessageText(3, m.message_id, "hello", { reply_markup: new InlineKeyboard().text("x", "x") }),
      400,
      /^Bad Request: message is not modified: /,
    );
    await expectGrammyError(bot.api.sendMessage(3, "x".repeat(4097)), 400, "Bad Request: message is too long");
    await bot.api.sendMessage(3, "x".repeat(4096));
    await expectGrammyError(
      bot.api.sendMessage(3, "hi", { reply_markup: new InlineKeyboard().text("big", "d".repeat(65)) }),
      400,
      "Bad Request: BUTTON_DATA_INVALID",
    );
    await expectGrammyError(bot.api.sendMessage(3, "a <script> b", { parse_mode: "HTML" }), 400, /^Bad Request: can't parse entities/);
    await expectGrammyError(bot.api.sendMessage(3, "v1.2", { parse_mode: "MarkdownV2" }), 400, /Character '\.' is reserved/);
    await expectGrammyError(bot.api.sendMessage(777, "who?"), 400, "Bad Request: chat not found");
    await expectGrammyError(
      bot.api.sendDocument(3, new InputFile(new Uint8Array(50 * 1024 * 1024 + 1), "huge.bin")),
      413,
      "Request Entity Too Large",
    );
    await expectGrammyError(bot.api.raw.getChat({ chat_id: 3 }), 404, "Not Found");
    await expectGrammyError(bot.api.deleteMessage(3, 999), 400, "Bad Request: message to delete not found");

    fake.user(4).block();
    await expectGrammyError(bot.api.sendMessage(4, "hey"), 403, "Forbidden: bot was blocked by the user");

    const stranger = new Bot("123456:WRONG", { client: { fetch: fake.fetch, apiRoot: FAKE_API_ROOT } });
    await expectGrammyError(stranger.api.getMe(), 401, "Unauthorized");
  });

  it("injects failures: a 429 is retried by auto-retry, a network failure becomes HttpError", async () => {
    const fake = createFakeTelegram();
    const plain = inProcessBot(fake);
    fake.user(1);
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    const e = await expectGrammyError(plain.api.sendMessage(1, "x"), 429, "Too Many Requests: retry after 1");
    expect(e.parameters.retry_after).toBe(1);

    const bot = inProcessBot(fake);
    bot.api.config.use(autoRetry());
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    const started = Date.now();
    const msg = await bot.api.sendMessage(1, "after retry");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(msg.text).toBe("after retry");
    expect(fake.calls("sendMessage").map((c) => c.error_code ?? 200)).toEqual([429, 429, 200]);

    fake.failNext("sendChatAction", { network: true });
    await expect(plain.api.sendChatAction(1, "typing")).rejects.toBeInstanceOf(HttpError);
    await plain.api.sendChatAction(1, "upload_document");
    expect(fake.chatActions(1)).toEqual(["upload_document"]);
  });

  it("works inside @grammyjs/conversations v2 (it builds its own Api from the bot's client options)", async () => {
    const fake = createFakeTelegram();
    const bot = inProcessBot(fake);
    async function askName(conversation: Conversation<Ctx, Context>, ctx: Context) {
      await ctx.reply("What is the file name?", { reply_markup: new InlineKeyboard().text("Cancel", "cancel") });
      const answer = await conversation.waitFor("message:text");
      await answer.reply(`Saved as ${answer.message.text}`);
    }
    bot.use(conversations());
    bot.use(createConversation(askName, "askName"));
    bot.command("save", (ctx) => ctx.conversation.enter("askName"));
    await bot.init();

    const u = fake.user(11);
    await bot.handleUpdate(u.sendText("/save"));
    expect(fake.lastSent(11)?.text).toBe("What is the file name?");
    await bot.handleUpdate(u.sendText("notes.md"));
    expect(fake.sent(11).map((m) => m.text)).toEqual(["What is the file name?", "Saved as notes.md"]);
    // replays did not re-send the question
    expect(fake.calls("sendMessage")).toHaveLength(2);
  });

  it("long-polls in-process too: getUpdates waits for an update and honours offset", async () => {
    const fake = createFakeTelegram();
    const bot = inProcessBot(fake);
    const u = fake.user(2);
    const first = u.sendText("one");
    const got = await bot.api.getUpdates({ offset: 0, timeout: 0 });
    expect(got.map((x) => x.update_id)).toEqual([first.update_id]);
    const waiting = bot.api.getUpdates({ offset: first.update_id + 1, timeout: 5 });
    // "two" is sent only once the call is waiting, so getting it back shows the call waited for it.
    await fake.waitFor(() => fake.state.activePoll !== undefined);
    u.sendText("two");
    const waited = await waiting;
    expect(waited.map((x) => x.message?.text)).toEqual(["two"]);
    expect(fake.pendingUpdates().map((x) => x.message?.text)).toEqual(["two"]);
  });

  it("supports bot.start() long polling in-process, and bot.stop() cancels the waiting getUpdates", async () => {
    const fake = createFakeTelegram();
    const bot = inProcessBot(fake);
    bot.command("start", (ctx) => ctx.reply("polled"));
    const u = fake.user(8);
    const polling = bot.start({ timeout: 30 });
    cleanups.push(async () => {
      if (bot.isRunning()) await bot.stop();
      await polling;
    });
    await fake.waitFor(() => fake.calls("getUpdates").length > 0);
    u.sendText("/start");
    expect((await fake.waitForSent(8)).text).toBe("polled");
    const started = Date.now();
    await bot.stop();
    await polling;
    // The poll asked for 30 s: returning well before that shows stop() aborted it (a generous bound, not a speed check).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(fake.pendingUpdates()).toEqual([]);
  });

  it("stores commands per scope and language", async () => {
    const fake = createFakeTelegram();
    const bot = inProcessBot(fake);
    await bot.api.setMyCommands([{ command: "start", description: "Start" }]);
    await bot.api.setMyCommands([{ command: "start", description: "Старт" }], { language_code: "ru" });
    await bot.api.setMyCommands([{ command: "admin", description: "Admin" }], { scope: { type: "chat", chat_id: 5 } });
    expect(fake.commands()).toEqual([{ command: "start", description: "Start" }]);
    expect(fake.commands(undefined, "ru")).toEqual([{ command: "start", description: "Старт" }]);
    expect(fake.commands({ type: "chat", chat_id: 5 })).toEqual([{ command: "admin", description: "Admin" }]);
    expect(await bot.api.getMyCommands({ language_code: "ru" })).toEqual([{ command: "start", description: "Старт" }]);
    await expectGrammyError(bot.api.setMyCommands([{ command: "Bad-Name", description: "x" }]), 400, "Bad Request: BOT_COMMAND_INVALID");
  });
});

describe("fake Telegram over node:http", () => {
  async function serve(fake: FakeTelegram): Promise<FakeServer> {
    const server = await fake.listen();
    cleanups.push(() => server.close());
    return server;
  }

  it("keeps a client's connection for its next call, as Telegram does (Node's agent drops it 1 s before the announced timeout)", async () => {
    const fake = createFakeTelegram();
    const server = await serve(fake);
    const agent = new http.Agent({ keepAlive: true });
    cleanups.push(async () => agent.destroy());
    const reused: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = http.request(`${server.apiRoot}/bot${fake.token}/getMe`, { method: "POST", agent }, (res) => {
          reused.push(req.reusedSocket);
          res.resume();
          res.on("end", resolve);
        });
        req.on("error", reject);
        req.end();
      });
    }
    expect(reused).toEqual([false, true, true]);
  });

  it("a big upload (grammY over HTTP) is stored and downloaded byte for byte, whatever part of it a boundary falls in", async () => {
    const fake = createFakeTelegram();
    const server = await serve(fake);
    const bot = new Bot(fake.token, { client: { apiRoot: server.apiRoot } });
    await bot.init();
    fake.user(9);
    const step = 1024 * 1024; // the fake searches and joins a body this much at a time (turns.ts)
    for (const size of [step - 100, step - 30, 2 * step + 7, 3 * step]) {
      // Every byte value, and CRLF "--" runs like the start of a boundary, as in a real ZIP.
      const bytes = new Uint8Array(size).map((_, i) => (i % 997 === 0 ? 0x0d : i % 997 === 1 ? 0x0a : i % 997 < 4 ? 0x2d : (i * 31) % 256));
      const msg = await bot.api.sendDocument(9, new InputFile(bytes, "big.zip"), { caption: "a caption" });
      expect(msg.document.file_size).toBe(size);
      expect(fake.lastSent(9)?.caption).toBe("a caption");
      const file = await bot.api.getFile(msg.document.file_id);
      const res = await fetch(`${server.apiRoot}/file/bot${fake.token}/${file.file_path}`);
      expect(res.headers.get("content-length")).toBe(String(size));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it("getUpdates with timeout really waits until an update arrives", async () => {
    const fake = createFakeTelegram();
    const server = await serve(fake);
    const u = fake.user(1);
    const request = fetch(`${server.apiRoot}/bot${fake.token}/getUpdates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ timeout: 10, allowed_updates: ["message", "callback_query"] }),
    });
    // "late" is sent only once the request is waiting on the server, so getting it back shows it waited.
    await fake.waitFor(() => fake.state.activePoll !== undefined);
    u.sendText("late");
    const res = await request;
    const body = (await res.json()) as { ok: boolean; result: Update[] };
    expect(body.ok).toBe(true);
    expect(body.result.map((x) => x.message?.text)).toEqual(["late"]);

    const empty = Date.now();
    const none = await fetch(`${server.apiRoot}/bot${fake.token}/getUpdates?offset=${body.result[0]!.update_id + 1}&timeout=1`);
    expect(((await none.json()) as { result: Update[] }).result).toEqual([]);
    expect(Date.now() - empty).toBeGreaterThanOrEqual(900);

    const unknown = await fetch(`${server.apiRoot}/bot${fake.token}/frobnicate`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("a second getUpdates terminates the waiting one with 409, like Telegram", async () => {
    const fake = createFakeTelegram();
    const server = await serve(fake);
    const first = fetch(`${server.apiRoot}/bot${fake.token}/getUpdates?timeout=10`);
    await fake.waitFor(() => fake.state.activePoll !== undefined);
    const second = await fetch(`${server.apiRoot}/bot${fake.token}/getUpdates?timeout=0`);
    expect(((await second.json()) as { ok: boolean }).ok).toBe(true);
    const res = await first;
    expect(res.status).toBe(409);
    expect(((await res.json()) as { description: string }).description).toMatch(/^Conflict: terminated by other getUpdates request/);
  });

  it("a long-polling bot (bot.start) with apiRoot pointing at the server answers /start, a conversation and stops cleanly", async () => {
    const fake = createFakeTelegram();
    const server = await serve(fake);
    const u = fake.user(100, { firstName: "Lin" });
    u.sendText("/start"); // queued before the bot even starts

    const bot = new Bot<Ctx>(fake.token, { client: { apiRoot: server.apiRoot } });
    bot.api.config.use(autoRetry());
    async function confirm(conversation: Conversation<Ctx, Context>, ctx: Context) {
      await ctx.reply("Really delete?", { reply_markup: new InlineKeyboard().text("Yes", "yes").text("No", "no") });
      const press = await conversation.waitForCallbackQuery(["yes", "no"]);
      await press.answerCallbackQuery({ text: press.callbackQuery.data === "yes" ? "Deleted" : "Kept" });
      await press.editMessageText(press.callbackQuery.data === "yes" ? "Deleted." : "Kept.");
    }
    bot.use(conversations());
    bot.use(
      createConversation(confirm, {
        id: "confirm",
        // bot.api transformers do not reach the conversation's own Api; install them per conversation context:
        plugins: [
          async (ctx, next) => {
            ctx.api.config.use(autoRetry());
            await next();
          },
        ],
      }),
    );
    bot.command("start", (ctx) => ctx.reply("Welcome to codevault"));
    bot.command("delete", (ctx) => ctx.conversation.enter("confirm"));
    bot.catch((err) => {
      throw err.error;
    });

    const polling = bot.start(); // grammY's default 30 s long poll: stop() must cancel it, not wait it out
    cleanups.push(async () => {
      if (bot.isRunning()) await bot.stop();
      await polling;
    });

    await fake.waitFor(() => fake.lastSent(100) !== undefined);
    expect(fake.lastSent(100)?.text).toBe("Welcome to codevault");
    expect(fake.calls("deleteWebhook")).toHaveLength(1);

    u.sendText("/delete");
    const question = await fake.waitForSent(100, (m) => m.text === "Really delete?");
    fake.failNext("answerCallbackQuery", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    u.pressButtonByText(question, "Yes");
    await fake.waitFor(() => fake.message(100, question.message_id)?.text === "Deleted.");
    expect(fake.callbackAnswers().map((a) => a.text)).toEqual(["Deleted"]);
    expect(fake.calls("answerCallbackQuery").map((c) => c.error_code ?? 200)).toEqual([429, 200]);

    const started = Date.now();
    await bot.stop();
    await polling;
    // The poll asked for 30 s: returning well before that shows stop() aborted it (a generous bound, not a speed check).
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(bot.isRunning()).toBe(false);
    // bot.stop() confirmed the handled updates with a final getUpdates(offset)
    expect(fake.pendingUpdates()).toEqual([]);
  });
});
