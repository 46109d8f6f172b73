import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.stop();
});

const buttonData = (m: { reply_markup?: unknown } | undefined) =>
  ((m?.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] })?.inline_keyboard ?? [])
    .flat()
    .map((b) => b.callback_data ?? "");

describe("saving and browsing files", () => {
  it("saves a sent document with caption tags and note, then finds it in /files", async () => {
    const user = h.fake.user(20);
    const callsBefore = h.fake.calls().length;
    await h.send(user.sendDocument(Buffer.from("def hello():\n    return 'hi'\n"), "hello.py", { caption: "#greet #demo says hi" }));
    expect(h.fake.lastSent(20)!.text).toBe("✅ Saved hello.py (python, 29 B).");
    // "typing…" is shown while it saves, and never after the answer.
    const methods = h.fake.calls().slice(callsBefore).map((c) => c.method).filter((m) => m === "sendChatAction" || m === "sendMessage");
    expect(methods).toEqual(["sendChatAction", "sendMessage"]);
    const saved = await h.services.files.getLatest(20, "hello.py");
    expect(saved).toMatchObject({ language: "python", tags: ["greet", "demo"], note: "says hi", version: 1 });

    await h.send(user.sendText("/files"));
    const list = h.fake.lastSent(20)!;
    expect(list.text).toContain("Your files (1) — page 1 of 1");
    expect(list.text).toContain("hello.py · python · v1 · 29 B");

    await h.send(user.pressButtonByText(list, "📄 hello.py"));
    const detail = h.fake.lastSent(20)!;
    expect(detail.message_id).toBe(list.message_id); // the list message turns into the file
    expect(detail.text).toContain("def hello():");
    expect(detail.text).toContain("#greet #demo");
    expect(detail.text).toContain("📝 says hi");
  });

  it("sending the same name again adds a version; versions can be opened", async () => {
    const user = h.fake.user(20);
    await h.send(user.sendDocument(Buffer.from("def hello():\n    return 'hello'\n"), "hello.py"));
    expect(h.fake.lastSent(20)!.text).toMatch(/^✅ Saved hello.py as version 2/);
    await h.send(user.sendDocument(Buffer.from("def hello():\n    return 'hello'\n"), "hello.py"));
    expect(h.fake.lastSent(20)!.text).toMatch(/is unchanged: version 2 already holds/);

    await h.send(user.sendText("/files"));
    await h.send(user.pressButtonByText(h.fake.lastSent(20)!, "📄 hello.py"));
    await h.send(user.pressButtonByText(h.fake.lastSent(20)!, "📜 Versions"));
    const versions = h.fake.lastSent(20)!;
    expect(versions.text).toContain("hello.py: 2 versions");
    await h.send(user.pressButtonByText(versions, /^v1 ·/));
    const old = h.fake.lastSent(20)!;
    expect(old.text).toContain("This is an older version.");
    expect(old.text).toContain("return 'hi'");
  });

  it("/save name #tag then the code as the next message", async () => {
    const user = h.fake.user(21);
    await h.send(user.sendText("/save tools/sum.js #math"));
    expect(h.fake.lastSent(21)!.text).toBe("✍️ Send the code for tools/sum.js now, as a message or a file. /cancel to stop.");
    await h.send(user.sendText("export const sum = (a, b) => a + b;"));
    expect(h.fake.lastSent(21)!.text).toBe("✅ Saved tools/sum.js (javascript, 35 B).");
    const file = await h.services.files.getLatest(21, "tools/sum.js");
    expect(file?.tags).toEqual(["math"]);
    expect(await h.services.files.readContent(21, file!.id)).toBe("export const sum = (a, b) => a + b;");

    await h.send(user.sendText("/save"));
    expect(h.fake.lastSent(21)!.text).toMatch(/^Tell me the file name/);
  });

  it("/cancel during /save changes nothing; another command leaves the question", async () => {
    const user = h.fake.user(22);
    await h.send(user.sendText("/save draft.py"));
    await h.send(user.sendText("/cancel"));
    expect(h.fake.lastSent(22)!.text).toBe("❌ Cancelled. Nothing was changed.");
    await h.send(user.sendText("print('should not be saved')"));
    expect((await h.services.files.list(22)).total).toBe(0);

    await h.send(user.sendText("/save draft.py"));
    await h.send(user.sendText("/files"));
    expect(h.fake.lastSent(22)!.text).toBe("📭 Your library is empty. Send me a code file to save it.");
    await h.send(user.sendText("print(1)"));
    expect((await h.services.files.list(22)).total).toBe(0);
  });

  it("a conversation survives a restart: the new instance finishes the /save", async () => {
    const user = h.fake.user(23);
    await h.send(user.sendText("/save after-restart.sh"));
    h.bot = h.newBot().bot; // a fresh process would build exactly this from MongoDB state
    await h.send(user.sendText("#!/bin/sh\necho survived"));
    expect(h.fake.lastSent(23)!.text).toBe("✅ Saved after-restart.sh (shell, 23 B).");
  });

  it("refuses binary and over-size files politely, storing nothing", async () => {
    const user = h.fake.user(24);
    await h.send(user.sendDocument(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]), "logo.png"));
    expect(h.fake.lastSent(24)!.text).toBe("🚫 logo.png looks like a binary file. I keep text and code files only.");
    await h.send(user.sendDocument(Buffer.alloc(20 * 1024 * 1024 + 1, 0x61), "huge.txt"));
    expect(h.fake.lastSent(24)!.text).toBe("🚫 huge.txt is too large. Telegram lets me download files up to 20 MB.");
    expect((await h.services.files.list(24)).total).toBe(0);
  });

  it("a long file opens with a document holding its exact bytes", async () => {
    const user = h.fake.user(25);
    const content = Array.from({ length: 400 }, (_, i) => `console.log("line ${i} — ünïcode");`).join("\n");
    await h.send(user.sendDocument(Buffer.from(content), "long.js"));
    await h.send(user.sendText("/files"));
    await h.send(user.pressButtonByText(h.fake.lastSent(25)!, "📄 long.js"));
    const doc = h.fake.lastSent(25)!;
    expect(doc.document?.file_name).toBe("long.js");
    expect(Buffer.from(doc.document!.bytes).toString("utf8")).toBe(content);
    const detail = h.fake.sent(25).at(-2)!;
    expect(detail.text).toContain("too long for a message");
  });

  it("the preview limit: a file that fills the message exactly shows as text, one character more comes as a document", async () => {
    const user = h.fake.user(33);
    const open = async (name: string, content: string) => {
      await h.services.files.save(33, { fileName: name, content });
      await h.send(user.sendText("/files"));
      await h.send(user.pressButtonByText(h.fake.lastSent(33)!, `📄 ${name}`));
    };
    // The header around the code (name, language, version, size, date) has the same length for edge-a and edge-b.
    await open("edge-p.txt", "p".repeat(3000));
    const header = h.fake.lastSent(33)!.text!.length - 3000;
    const fits = 4096 - header;

    await open("edge-a.txt", "a".repeat(fits));
    const shown = h.fake.lastSent(33)!;
    expect(shown.document).toBeUndefined();
    expect(shown.text).toHaveLength(4096);
    expect(shown.text).toContain("a".repeat(fits));

    const sentBefore = h.fake.sent(33).length;
    await open("edge-b.txt", "b".repeat(fits + 1));
    const [detail, doc] = h.fake.sent(33).slice(sentBefore);
    expect(detail!.text).toContain("too long for a message");
    expect(detail!.text).not.toContain("bbbb");
    expect(Buffer.from(doc!.document!.bytes).toString("utf8")).toBe("b".repeat(fits + 1));
  });

  it("edits the note and tags in a conversation; /cancel keeps the old note", async () => {
    const user = h.fake.user(26);
    await h.send(user.sendDocument(Buffer.from("SELECT 1;"), "q.sql", { caption: "old note" }));
    await h.send(user.sendText("/files"));
    await h.send(user.pressButtonByText(h.fake.lastSent(26)!, "📄 q.sql"));
    const detail = h.fake.lastSent(26)!;

    await h.send(user.pressButtonByText(detail, "📝 Note"));
    expect(h.fake.lastSent(26)!.text).toContain("Now: old note");
    await h.send(user.sendText("/cancel"));
    expect((await h.services.files.getLatest(26, "q.sql"))?.note).toBe("old note");

    await h.send(user.pressButtonByText(detail, "📝 Note"));
    await h.send(user.sendText("x".repeat(1001)));
    expect(h.fake.lastSent(26)!.text).toBe("The note is too long: at most 1000 characters.");
    await h.send(user.sendText("counts rows"));
    expect(h.fake.lastSent(26)!.text).toBe("📝 Note for q.sql saved: counts rows");

    await h.send(user.pressButtonByText(detail, "🏷 Tags"));
    await h.send(user.sendText("#db #sql"));
    expect(h.fake.lastSent(26)!.text).toBe("🏷 Tags for q.sql saved: #db #sql");
    expect(await h.services.files.getLatest(26, "q.sql")).toMatchObject({ note: "counts rows", tags: ["db", "sql"] });
  });

  it("deletes with confirmation and undo brings the file back", async () => {
    const user = h.fake.user(27);
    await h.send(user.sendDocument(Buffer.from("fn main() {}"), "main.rs"));
    await h.send(user.sendText("/files"));
    await h.send(user.pressButtonByText(h.fake.lastSent(27)!, "📄 main.rs"));
    await h.send(user.pressButtonByText(h.fake.lastSent(27)!, "🗑 Delete"));
    expect(h.fake.lastSent(27)!.text).toContain("Delete main.rs and all its versions?");
    await h.send(user.pressButtonByText(h.fake.lastSent(27)!, "🗑 Yes, delete"));
    expect(h.fake.lastSent(27)!.text).toBe("🗑 main.rs was deleted.");
    expect((await h.services.files.list(27)).total).toBe(0);
    await h.send(user.pressButtonByText(h.fake.lastSent(27)!, "↩️ Undo"));
    expect((await h.services.files.list(27)).total).toBe(1);
    expect(h.fake.lastSent(27)!.text).toContain("main.rs");
  });

  it("a button carrying another user's file id answers 'not found' and changes nothing", async () => {
    const owner = h.fake.user(28);
    const thief = h.fake.user(29);
    await h.send(owner.sendDocument(Buffer.from("secret = 42"), "secret.py"));
    const file = (await h.services.files.getLatest(28, "secret.py"))!;
    await h.send(thief.sendText("/files"));
    const list = h.fake.lastSent(29)!;
    const sentBefore = h.fake.sent(29).length;
    for (const action of ["o", "h", "g", "n", "t", "d", "x"]) {
      const forged = `f:${action}:${file.id}`;
      const answersBefore = h.fake.callbackAnswers().length;
      await h.send(thief.pressButton(list, forged));
      expect(h.fake.callbackAnswers()[answersBefore], forged).toMatchObject({ text: "File not found. It may have been deleted.", show_alert: true });
    }
    // No conversation started: plain text gets the usual answer, not a question's reminder.
    await h.send(thief.sendText("#stolen"));
    expect(h.fake.lastSent(29)!.text).toMatch(/^💾 Saving code/);
    expect(h.fake.sent(29)).toHaveLength(sentBefore + 1);
    expect(h.fake.message(29, list.message_id)!.text).toBe(list.text);
    expect(await h.services.files.getLatest(28, "secret.py")).toMatchObject({ version: 1, note: "", tags: [] });
    expect(buttonData(list).every((d) => Buffer.byteLength(d) <= 64)).toBe(true);

    // Undo on the owner's deleted file: nothing comes back for the thief or the owner.
    await h.services.files.remove(28, file.id);
    const answersBefore = h.fake.callbackAnswers().length;
    await h.send(thief.pressButton(list, `f:u:${file.id}`));
    expect(h.fake.callbackAnswers()[answersBefore]).toMatchObject({ show_alert: true });
    expect((await h.services.files.list(28)).total).toBe(0);
    expect((await h.services.files.list(29)).total).toBe(0);
  });

  it("pages through more than ten files", async () => {
    const user = h.fake.user(30);
    for (let i = 0; i < 12; i++) await h.services.files.save(30, { fileName: `m${i}.py`, content: `x = ${i}` });
    await h.send(user.sendText("/files"));
    expect(h.fake.lastSent(30)!.text).toContain("page 1 of 2");
    await h.send(user.pressButtonByText(h.fake.lastSent(30)!, "Next ▶️"));
    const second = h.fake.lastSent(30)!;
    expect(second.text).toContain("page 2 of 2");
    expect(second.text?.match(/📄/g)).toHaveLength(2);
  });
});

describe("/save followed by a file", () => {
  it("saves the sent document under the name given to /save", async () => {
    const user = h.fake.user(31);
    await h.send(user.sendText("/save renamed.py #x"));
    await h.send(user.sendDocument(Buffer.from("print('from a file')\n"), "whatever.txt"));
    expect(h.fake.lastSent(31)!.text).toBe("✅ Saved renamed.py (python, 21 B).");
    expect(await h.services.files.getLatest(31, "renamed.py")).toMatchObject({ tags: ["x"] });
  });
});

describe("buttons pressed while a question is open", () => {
  it("get an answer that says what is expected, and the question stays open", async () => {
    const user = h.fake.user(32);
    await h.send(user.sendText("/start"));
    const menu = h.fake.lastSent(32)!;
    await h.send(user.sendText("/save later.py"));
    const answers = h.fake.callbackAnswers().length;
    await h.send(user.pressButtonByText(menu, "📁 My files"));
    expect(h.fake.callbackAnswers()[answers]).toMatchObject({ text: "Please send the code as a text message or a file, or /cancel.", show_alert: true });
    await h.send(user.sendText("print('still saved')"));
    expect(h.fake.lastSent(32)!.text).toBe("✅ Saved later.py (python, 20 B).");
  });
});
