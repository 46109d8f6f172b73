import { describe, expect, it } from "vitest";
import { useBotHarness } from "../support/bot-harness.js";
import type { FakeUser } from "../support/fake-telegram/index.js";
import { plainZip } from "../support/zip-fixtures.js";

/** Small things that used to end in "Something went wrong" (issue 8, point 7). */
const h = useBotHarness();

const last = (user: FakeUser) => h.fake.lastSent(user.id)!;
const GENERIC_ERROR = /Something went wrong/;
const errorsShown = (userId: number) => [
  ...h.fake.sent(userId).filter((m) => GENERIC_ERROR.test(m.text ?? "")),
  ...h.fake.callbackAnswers().filter((a) => GENERIC_ERROR.test(a.text ?? "")), // no test here expects one
];

async function contentOf(userId: number, name: string) {
  const f = await h.services.files.getLatest(userId, name);
  return f && (await h.services.files.readContent(userId, f.id));
}

describe("names that are Object's own property names", () => {
  it("documents named constructor and x.__proto__ are saved, listed and opened", async () => {
    const user = h.fake.user(5001);
    await h.send(user.sendDocument(Buffer.from("class A {}\n"), "constructor"));
    expect(last(user).text).toBe("✅ Saved constructor (text, 11 B).");
    await h.send(user.sendDocument(Buffer.from("proto = 1\n"), "x.__proto__"));
    expect(last(user).text).toBe("✅ Saved x.__proto__ (text, 10 B).");
    await h.send(user.sendText("/files"));
    await h.send(user.pressButtonByText(last(user), "📄 x.__proto__"));
    expect(last(user).text).toContain("proto = 1");
    expect(errorsShown(5001)).toEqual([]);
  });

  it("⏭ Skip all on conflicts named constructor and __proto__ skips them; per-file answers are kept apart", async () => {
    const user = h.fake.user(5002);
    for (const name of ["constructor", "__proto__"]) await h.services.files.save(5002, { fileName: name, content: `mine ${name}\n` });
    const zip = await plainZip({ constructor: "theirs constructor\n", ["__proto__"]: "theirs __proto__\n" });

    await h.send(user.sendDocument(zip, "archive.zip", { mimeType: "application/zip" }));
    expect(last(user).text).toContain("0 new · 0 unchanged · 2 conflicts");
    await h.send(user.pressButtonByText(last(user), "⏭ Skip all"));
    expect(last(user).text).toContain("Restored 0 files: 0 new, 0 replaced, 0 renamed, 2 skipped.");
    expect(await contentOf(5002, "constructor")).toBe("mine constructor\n");
    expect(await contentOf(5002, "__proto__")).toBe("mine __proto__\n");
    expect((await h.services.files.list(5002)).total).toBe(2);

    // Asked one by one: replace the first, skip the second — each answer belongs to its own name.
    await h.send(user.sendDocument(zip, "archive.zip", { mimeType: "application/zip" }));
    await h.send(user.pressButtonByText(last(user), "❓ Ask me for each conflict"));
    const first = /Conflict 1 of 2: (\S+)/.exec(last(user).text!)![1]!;
    await h.send(user.pressButtonByText(last(user), "♻️ Replace"));
    const second = /Conflict 2 of 2: (\S+)/.exec(last(user).text!)![1]!;
    await h.send(user.pressButtonByText(last(user), "⏭ Skip"));
    expect(last(user).text).toMatch(/Restored 1 file: 0 new, 1 replaced, 0 renamed, 1 skipped\./);
    expect(await contentOf(5002, first)).toBe(`theirs ${first}\n`);
    expect(await contentOf(5002, second)).toBe(`mine ${second}\n`);
    expect((await h.services.files.list(5002)).total).toBe(2);
    expect(errorsShown(5002)).toEqual([]);
  });
});

describe("a file with 130 versions", () => {
  it("shows its versions a page at a time, every message within Telegram's limit, down to v1", async () => {
    const user = h.fake.user(5003);
    for (let v = 1; v <= 130; v++) await h.services.files.save(5003, { fileName: "many.py", content: `v = ${v}\n` });
    await h.send(user.sendText("/files"));
    await h.send(user.pressButtonByText(last(user), "📄 many.py"));
    const message = last(user);
    await h.send(user.pressButtonByText(message, "📜 Versions"));
    const seen: string[] = [];
    for (let page = 1; page <= 7; page++) {
      const shown = h.fake.message(5003, message.message_id)!;
      expect(shown.text).toContain(`many.py: 130 versions`);
      expect(shown.text).toContain(`page ${page} of 7`);
      seen.push(...[...shown.text!.matchAll(/^v(\d+) ·/gm)].map((m) => m[1]!));
      if (page < 7) await h.send(user.pressButtonByText(shown, "Next ▶️"));
    }
    expect(seen).toEqual(Array.from({ length: 130 }, (_, i) => String(130 - i)));
    await h.send(user.pressButtonByText(h.fake.message(5003, message.message_id)!, /^v1 ·/));
    expect(h.fake.message(5003, message.message_id)!.text).toContain("v = 1");
    expect(errorsShown(5003)).toEqual([]);
  });
});

describe("the same button pressed twice", () => {
  it("answers quietly the second time: no error, the message stays as it is", async () => {
    const user = h.fake.user(5004);
    await h.services.files.save(5004, { fileName: "twice.py", content: "x = 1\n" });
    await h.send(user.sendText("/files"));
    const list = last(user);
    const answersBefore = h.fake.callbackAnswers().length;
    await h.send(user.pressButtonByText(list, "📄 twice.py"));
    const detail = h.fake.message(5004, list.message_id)!;
    const versionsData = (detail.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard
      .flat()
      .find((b) => b.text === "📜 Versions")!.callback_data;
    // A double tap: both presses carry the same data, the second edit changes nothing.
    await h.send(user.pressButton(list, versionsData));
    const once = h.fake.message(5004, list.message_id)!;
    await h.send(user.pressButton(list, versionsData));
    const twice = h.fake.message(5004, list.message_id)!;
    expect(twice.text).toBe(once.text);
    expect(twice.text).toContain("twice.py: 1 version\n");
    const answers = h.fake.callbackAnswers().slice(answersBefore);
    expect(answers).toHaveLength(3);
    expect(answers.every((a) => !a.show_alert)).toBe(true);
    expect(errorsShown(5004)).toEqual([]);
  });
});

describe("⬇️ Download", () => {
  it("sends the file's exact bytes under its name", async () => {
    const user = h.fake.user(5005);
    const content = "# ünïcode ✓\nprint('exact bytes')\r\n\ttabbed\n";
    await h.send(user.sendDocument(Buffer.from(content), "dir/exact.py"));
    await h.send(user.sendText("/files"));
    await h.send(user.pressButtonByText(last(user), "📄 dir/exact.py"));
    await h.send(user.pressButtonByText(last(user), "⬇️ Download"));
    const doc = last(user).document!;
    expect(doc.file_name).toBe("exact.py");
    expect(Buffer.from(doc.bytes).equals(Buffer.from(content))).toBe(true);
  });
});
