import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/bot/html.js";
import { startBotHarness, type BotHarness } from "../support/bot-harness.js";
import type { FakeUser, SentMessage } from "../support/fake-telegram/index.js";
import { plainZip } from "../support/zip-fixtures.js";

/**
 * Anything a user or an archive wrote reaches the chat as literal characters: every
 * message is HTML, so `<`, `&` and a planted `<a href>` must arrive escaped.
 */
let h: BotHarness;
beforeAll(async () => {
  h = await startBotHarness();
});
afterAll(async () => {
  await h?.stop();
});

const LINK = `<a href="https://evil.example/">click</a>`;

/** The tags the bot itself writes; a link (or any other tag) can only come from unescaped input. */
const OWN_TAGS = new Set(["b", "code", "pre"]);
function expectOnlyOwnMarkup(m: SentMessage) {
  const raw = m.rawText ?? m.rawCaption ?? "";
  const tags = [...raw.matchAll(/<\/?\s*([a-z-]+)/gi)].map((t) => t[1]!.toLowerCase());
  expect(tags.filter((t) => !OWN_TAGS.has(t)), raw).toEqual([]);
  expect(m.parse_mode).toBe("HTML");
}
const last = (user: FakeUser) => h.fake.lastSent(user.id)!;

describe("text from users and archives is shown literally", () => {
  it("escapeHtml escapes & < > and both quotes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  });

  it("a file name and a note with < & and a link: saved, listed, opened, edited and deleted as plain text", async () => {
    const user = h.fake.user(4001);
    const name = `<b>&lt;&<a href=x>.py`;
    await h.send(user.sendDocument(Buffer.from("print(1 < 2 and 3 > 2)\n"), name, { caption: `#x ${LINK} & co` }));
    expect(last(user).text).toBe(`✅ Saved ${name} (python, 23 B).`);
    expectOnlyOwnMarkup(last(user));

    await h.send(user.sendText("/files"));
    expect(last(user).text).toContain(`📄 ${name} · python · v1`);
    expectOnlyOwnMarkup(last(user));

    await h.send(user.pressButtonByText(last(user), `📄 ${name}`));
    const detail = last(user);
    expect(detail.text).toContain(`📄 ${name}\n`);
    expect(detail.text).toContain(`📝 ${LINK} & co`);
    expect(detail.text).toContain("print(1 < 2 and 3 > 2)");
    expectOnlyOwnMarkup(detail);

    await h.send(user.pressButtonByText(detail, "📝 Note"));
    expect(last(user).text).toContain(`Now: ${LINK} & co`);
    expectOnlyOwnMarkup(last(user));
    await h.send(user.sendText(`<i>&amp;</i> ${LINK}`));
    expect(last(user).text).toBe(`📝 Note for ${name} saved: <i>&amp;</i> ${LINK}`);
    expectOnlyOwnMarkup(last(user));

    await h.send(user.pressButtonByText(detail, "🏷 Tags"));
    await h.send(user.sendText("#a<b>&c #d"));
    expect(last(user).text).toBe(`🏷 Tags for ${name} saved: #abc #d`);
    expectOnlyOwnMarkup(last(user));

    await h.send(user.pressButtonByText(detail, "📜 Versions"));
    const versions = h.fake.message(user.id, detail.message_id)!;
    expect(versions.text).toContain(`📜 ${name}: 1 version\n`);
    expectOnlyOwnMarkup(versions);

    await h.send(user.sendText("/files"));
    await h.send(user.pressButtonByText(last(user), `📄 ${name}`));
    await h.send(user.pressButtonByText(last(user), "🗑 Delete"));
    expect(last(user).text).toContain(`Delete ${name} and all its versions?`);
    expectOnlyOwnMarkup(last(user));

    await h.send(user.sendText(`/save ${LINK.replace(/\//g, "")}`));
    expectOnlyOwnMarkup(last(user));
    await h.send(user.sendText("/cancel"));
  });

  it("a backup note with a link and & shows literally in the reply, the list and the detail", async () => {
    const user = h.fake.user(4002);
    await h.services.files.save(4002, { fileName: "a.py", content: "a = 1\n" });
    const backup = await h.services.backups.create(4002);
    await h.send(user.sendText("/backup"));
    await h.send(user.pressButtonByText(last(user), "🗂 My backups"));
    await h.send(user.pressButtonByText(last(user), /^📦/));
    await h.send(user.pressButtonByText(last(user), "📝 Note"));
    await h.send(user.sendText(`${LINK} & <b>bold?</b>`));
    expect(last(user).text).toBe(`📝 Note saved: ${LINK} & <b>bold?</b>`);
    expectOnlyOwnMarkup(last(user));
    expect((await h.services.backups.get(4002, backup.id))?.note).toBe(`${LINK} & <b>bold?</b>`);

    await h.send(user.sendText("/backup"));
    await h.send(user.pressButtonByText(last(user), "🗂 My backups"));
    expect(last(user).text).toContain(`📝 ${LINK} & <b>bold?</b>`);
    expectOnlyOwnMarkup(last(user));
    await h.send(user.pressButtonByText(last(user), /^📦/));
    expect(last(user).text).toContain(`📝 ${LINK} & <b>bold?</b>`);
    expectOnlyOwnMarkup(last(user));
  });

  it("archive entry names and a manifest's language reach the preview and /files literally", async () => {
    const user = h.fake.user(4003);
    const zip = await plainZip({ "<i>&amp;</i>.py": "x = 1\n", '<a href="x">.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0]) });
    await h.send(user.sendDocument(zip, "upload.zip", { mimeType: "application/zip" }));
    const preview = last(user);
    expect(preview.text).toContain(`• <a href="x">.png — binary file`);
    expectOnlyOwnMarkup(preview);
    await h.send(user.pressButtonByText(preview, "♻️ Restore"));
    expect(await h.services.files.getLatest(4003, "<i>&amp;</i>.py")).toBeTruthy();

    // The older bots' format carries the language as written; whatever survives validation is shown as text.
    const legacy = {
      version: "1.0",
      backup_type: "full_backup",
      created_at: "2024-05-01T08:00:00Z",
      files: [{ file_name: "old.py", code: "print('old')\n", programming_language: LINK, tags: [], note: "" }],
    };
    await h.send(user.sendDocument(await plainZip({ "metadata.json": JSON.stringify(legacy) }), "old.zip", { mimeType: "application/zip" }));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore into my files"));
    await h.send(user.pressButtonByText(last(user), "♻️ Restore"));
    for (const m of h.fake.sent(4003).slice(-4)) expectOnlyOwnMarkup(m);
    expect(await h.services.files.getLatest(4003, "old.py")).toBeTruthy();
    await h.send(user.sendText("/files"));
    expect(last(user).text).toContain("📄 <i>&amp;</i>.py · python · v1");
    expect(last(user).text).toContain("📄 old.py · ");
    expectOnlyOwnMarkup(last(user));
    await h.send(user.pressButtonByText(last(user), "📄 old.py"));
    expectOnlyOwnMarkup(h.fake.sent(4003).at(-1)!);
  });

  it("the user's own first name in /start is text, not markup", async () => {
    const user = h.fake.user(4004, { firstName: `${LINK} &` });
    await h.send(user.sendText("/start"));
    expect(last(user).text).toContain(`👋 Hi ${LINK} &!`);
    expectOnlyOwnMarkup(last(user));
  });
});
