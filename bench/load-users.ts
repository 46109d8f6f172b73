/**
 * The simulated people of `npm run load`. A light user saves, lists, opens, makes a small backup,
 * rates it and restores a small ZIP, thinking a second or few between steps, as one person does;
 * a heavy user restores the 10,000-file corpus from a ZIP and backs it up, over and over.
 * Every step waits for the reply a person would wait for, and records how long it took.
 */
import { performance } from "node:perf_hooks";
import type { FakeUser } from "../test/support/fake-telegram/index.js";
import type { BotCall, Telegram } from "./load-world.js";

/** Light actions answer at once; heavy ones (small backup, small restore, the corpus) go through the heavy-job line. */
export type ActionKind =
  | "save"
  | "list"
  | "open"
  | "backups menu"
  | "backup list"
  | "backup open"
  | "rate menu"
  | "rate"
  | "small backup"
  | "small restore"
  | "corpus restore"
  | "corpus backup";

export const LIGHT: ReadonlySet<ActionKind> = new Set(["save", "list", "open", "backups menu", "backup list", "backup open", "rate menu", "rate"]);

export interface Sample {
  kind: ActionKind;
  userId: number;
  /** performance.now() when the user acted. */
  start: number;
  /** Until the awaited reply; undefined when it never came (lost). */
  ms: number | undefined;
  /** The reply was an error, a refusal or the flood warning instead. */
  failed?: boolean;
}

/** Replies that are not what the action asked for: an error ("⚠️", a conflict card aside), a refusal, "one thing at a time", the flood warning. */
export const isErrorReply = (c: BotCall) => (c.method === "sendMessage" || c.method === "sendDocument") && /^(⚠️ (?!<b>Conflict)|🐢|🚫|⏳ One thing at a time)/u.test(c.text);

/** What one action is expected to make the bot send as new messages (edits excluded). */
const NEW_MESSAGES: Record<ActionKind, number> = {
  save: 1,
  list: 1,
  open: 0,
  "backups menu": 1,
  "backup list": 0,
  "backup open": 0,
  "rate menu": 0,
  rate: 0,
  "small backup": 2, // "Backup ready" and the ZIP
  // Preview, "restoring…", "Restored": restoreZip books the preview alone, then 2 more once it presses the button.
  "small restore": 3,
  "corpus restore": 3,
  "corpus backup": 2,
};

export interface Recorder {
  samples: Sample[];
  /** Per chat: how many new messages the actions taken should have produced. */
  expectedMessages: Map<number, number>;
}

const REPLY_TIMEOUT_MS = 120_000;
const HEAVY_TIMEOUT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (rand: () => number, lo: number, hi: number) => lo + (hi - lo) * rand();
const isMessage = (c: BotCall) => c.method === "sendMessage" || c.method === "sendDocument";

class Actor {
  /** Called once a step's reply has come (the calibration counts MongoDB commands here). */
  afterStep?: (kind: ActionKind) => Promise<void>;

  constructor(
    protected readonly tg: Telegram,
    protected readonly user: FakeUser,
    protected readonly rec: Recorder,
  ) {}

  get userId(): number {
    return this.user.id;
  }

  /** Acts, waits for the matching reply, records the time. */
  protected async step(kind: ActionKind, act: () => void, match: (c: BotCall) => boolean, timeoutMs = REPLY_TIMEOUT_MS, extraMessages = 0): Promise<BotCall | undefined> {
    const reply = this.tg.next(this.user.id, (c) => match(c) || isErrorReply(c), timeoutMs);
    const start = performance.now();
    act();
    const c = await reply;
    const failed = c !== undefined && isErrorReply(c) && !match(c);
    this.rec.samples.push({ kind, userId: this.user.id, start, ms: c ? c.at - start : undefined, ...(failed ? { failed } : {}) });
    if (failed) return undefined;
    this.expect(NEW_MESSAGES[kind] + extraMessages);
    await this.afterStep?.(kind);
    return c;
  }

  protected expect(n: number): void {
    this.rec.expectedMessages.set(this.user.id, (this.rec.expectedMessages.get(this.user.id) ?? 0) + n);
  }

  /** The newest bot message in the chat whose text (as sent) matches `test` (read in place: no copies of ZIPs). */
  protected latest(test: (text: string) => boolean): number | undefined {
    const messages = [...(this.tg.fake.state.chats.get(this.user.id)?.messages.values() ?? [])];
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.fromBot && !m.deleted && test(m.rawText ?? "")) return m.message.message_id;
    }
    return undefined;
  }

  protected edited(messageId: number) {
    return (c: BotCall) => c.method === "editMessageText" && c.messageId === messageId;
  }

  /**
   * A ZIP sent to restore: the preview (or "nothing to restore"), then the button that applies it
   * and the result. Returns false when the reply never came or was an error.
   */
  protected async restoreZip(kind: "small restore" | "corpus restore", zip: Uint8Array, timeoutMs: number): Promise<boolean> {
    const preview = await this.step(
      kind,
      // The same ZIP every cycle, never changed: the fake keeps it without a 20 MB copy each time.
      () => this.user.sendDocument(zip, "project.zip", { mimeType: "application/zip", shareBytes: true }),
      (c) => isMessage(c) && !c.text.startsWith("⏳ You're number") && !c.text.startsWith("▶️"),
      timeoutMs,
      -2,
    );
    if (!preview || !preview.text.startsWith("♻️ <b>Restore preview")) return false;
    const id = this.latest((t) => t.startsWith("♻️ <b>Restore preview"))!;
    const start = performance.now();
    const done = this.tg.next(this.user.id, (c) => isMessage(c) && (c.text.startsWith("✅ Restored") || isErrorReply(c)), timeoutMs);
    this.user.pressButtonByText(id, /^♻️ (Replace all|Restore)$/);
    this.expect(2);
    const result = await done;
    const last = this.rec.samples.findLast((s) => s.userId === this.user.id && s.kind === kind)!;
    last.ms = result ? last.ms! + (result.at - start) : undefined;
    if (result && !result.text.startsWith("✅ Restored")) last.failed = true;
    await this.afterStep?.(kind);
    return result !== undefined;
  }

  /** /backup → 📦 Create backup → the ZIP arrives. */
  async backup(kind: "small backup" | "corpus backup", timeoutMs: number): Promise<void> {
    const menu = await this.step("backups menu", () => this.user.sendText("/backup"), (c) => isMessage(c) && c.text.startsWith("📦 <b>Backups"));
    if (!menu) return;
    const id = this.latest((t) => t.startsWith("📦 <b>Backups"))!;
    await this.step(kind, () => this.user.pressButtonByText(id, "📦 Create backup"), (c) => c.method === "sendDocument", timeoutMs);
  }
}

/** One of the many: small files, a small library, small backups and restores. */
export class LightUser extends Actor {
  private saves = 0;
  private restores = 0;

  constructor(tg: Telegram, user: FakeUser, rec: Recorder, private readonly rand: () => number) {
    super(tg, user, rec);
  }

  /** A few files and one backup, so every action has something to work on. */
  async warmUp(): Promise<void> {
    for (let i = 0; i < 3; i++) await this.save();
    await this.backup("small backup", HEAVY_TIMEOUT_MS);
  }

  /** Acts until `until`, starting after a think time of its own, as someone already in the middle of their day. */
  async run(until: number): Promise<void> {
    await sleep(between(this.rand, 0, 4000));
    while (performance.now() < until) {
      const r = this.rand();
      if (r < 0.3) await this.save();
      else if (r < 0.6) await this.browse();
      else if (r < 0.8) await this.rateFlow();
      else if (r < 0.9) await this.backup("small backup", HEAVY_TIMEOUT_MS);
      else await this.smallRestore();
      await sleep(between(this.rand, 1000, 4000)); // a person reads the reply, then acts again
    }
  }

  async save(): Promise<void> {
    const n = this.saves++;
    const body = Array.from({ length: 5 + Math.floor(this.rand() * 60) }, (_, i) => `value_${i} = compute(${n}, ${i})  # step ${i}`).join("\n");
    await this.step("save", () => this.user.sendDocument(Buffer.from(`def main():\n    pass\n${body}\n`), `u${this.user.id}_${n % 12}.py`), (c) => isMessage(c) && c.text.startsWith("✅ Saved"));
  }

  /** /files, then open one of them. */
  async browse(): Promise<void> {
    const list = await this.step("list", () => this.user.sendText("/files"), (c) => isMessage(c) && c.text.startsWith("📁"));
    if (!list) return;
    const id = this.latest((t) => t.startsWith("📁"))!;
    await sleep(between(this.rand, 500, 1500));
    await this.step("open", () => this.user.pressButtonByText(id, /^📄 /), this.edited(id));
  }

  /** /backup → My backups → the newest → Rate → Good. */
  async rateFlow(): Promise<void> {
    const menu = await this.step("backups menu", () => this.user.sendText("/backup"), (c) => isMessage(c) && c.text.startsWith("📦 <b>Backups"));
    if (!menu) return;
    const id = this.latest((t) => t.startsWith("📦 <b>Backups"))!;
    for (const [kind, button] of [
      ["backup list", "🗂 My backups"],
      ["backup open", /^📦 /],
      ["rate menu", "⭐ Rate"],
      ["rate", /Good$/],
    ] as const) {
      await sleep(between(this.rand, 500, 1500));
      if (!(await this.step(kind, () => this.user.pressButtonByText(id, button), this.edited(id)))) return;
    }
  }

  /** Three files of a project, changed a little each time: new files first, conflicts after. */
  async smallRestore(): Promise<void> {
    const { plainZip } = await import("../test/support/zip-fixtures.js");
    const n = this.restores++;
    const zip = await plainZip({
      "project/app.py": `print("app ${n}")\n`,
      "project/util.py": `def helper():\n    return ${n}\n`,
      "project/README.md": `# project\n\nrevision ${n}\n`,
    });
    await this.restoreZip("small restore", zip, HEAVY_TIMEOUT_MS);
  }
}

/** One of the two with the 10,000-file corpus: restore it from a ZIP, back it up, again. */
export class HeavyUser extends Actor {
  cycles = 0;

  constructor(tg: Telegram, user: FakeUser, rec: Recorder, private readonly corpusZip: Uint8Array) {
    super(tg, user, rec);
  }

  async run(until: () => boolean): Promise<void> {
    while (!until()) {
      await this.restoreZip("corpus restore", this.corpusZip, HEAVY_TIMEOUT_MS);
      if (until()) break;
      await this.backup("corpus backup", HEAVY_TIMEOUT_MS);
      this.cycles++;
    }
  }
}
