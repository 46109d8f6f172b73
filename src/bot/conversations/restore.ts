import { InlineKeyboard } from "grammy";
import type { ConflictAction, Decision } from "../../restore/restore-planner.js";
import { suggestRename } from "../../restore/restore-planner.js";
import type { RestoreService, RestoreSource as ServiceSource } from "../../restore/restore-service.js";
import type { ConflictCard, RestoreDecisions, RestorePreview } from "../../restore/restore-types.js";
import { cb, patterns, restoreChoicePattern } from "../callback-data.js";
import type { BotContext, BotConversation, InnerContext } from "../context.js";
import { errorText, knownError, type ErrorInfo } from "../error-messages.js";
import { clip, formatBytes, formatDate } from "../format.js";
import { raw } from "../html.js";
import type { HeavyJobKind, HeavyJobs } from "../../work/heavy-jobs.js";
import { foreground } from "../../work/foreground.js";
import { lineMessage } from "../heavy-work.js";
import { DownloadTooLargeError, downloadFilePath, TELEGRAM_DOWNLOAD_LIMIT, type FetchLike } from "../telegram-files.js";

export const RESTORE = "restore";

/** Where the archive comes from. Only ids are kept in conversation state; bytes are fetched when needed. */
export type RestoreSource =
  | { kind: "backup"; backupId: string }
  | { kind: "upload"; fileId: string; fileName: string }
  /** Already staged (an encrypted upload, decrypted before the conversation began). */
  | { kind: "staged"; uploadId: string };

export interface RestoreDeps {
  restore: RestoreService;
  /** Analysing, applying and keeping an archive are heavy jobs: one per user, a few at once, the rest in line. */
  heavyJobs: HeavyJobs;
  download: { apiRoot: string; fetch: FetchLike };
}

type Loaded = { ok: true; preview: RestorePreview; from: ServiceSource } | { ok: false; error: ErrorInfo };

/** A known service error as plain JSON for the replay log; a missing backup means the source is gone. */
function restoreFailure(err: unknown): { ok: false; error: ErrorInfo } {
  const info = knownError(err);
  if (!info) throw err;
  return { ok: false, error: info.kind === "backup" ? { kind: "restore", code: "source_missing" } : info };
}
const ACTIONS = new Map<string, ConflictAction>([
  ["r", "replace"],
  ["s", "skip"],
  ["n", "rename"],
]);

/**
 * ♻️ Restore: validate the whole archive, preview the changes, decide about every
 * conflict (or all at once), then apply — with an emergency backup first and a
 * rollback if anything fails. /cancel at any step changes nothing.
 */
export function restoreConversation(deps: RestoreDeps) {
  return async function restore(conversation: BotConversation, ctx: InnerContext, source: RestoreSource) {
    const userId = ctx.from!.id;
    // Inside external() only: the result is recorded, so a replay neither queues nor runs it again.
    // The "⏳ number N in line" news goes through the outside context external() hands over: the
    // conversation's own Api must not be called while external() runs (the plugin forbids it, and
    // the conversation stopped answering after a restore had waited in line).
    // The update waits for its heavy job: that wait is not foreground work (src/work/foreground.ts).
    const heavy = <T>(outside: BotContext, kind: HeavyJobKind, work: () => Promise<T>) =>
      foreground.aside(() => deps.heavyJobs.run(userId, kind, work, lineMessage(outside)));

    // Bot API calls stay outside external() (the conversation records them); the byte download goes inside.
    // An upload is downloaded from Telegram once and staged; every later step names it by its upload id.
    await ctx.replyWithChatAction("typing");
    const file = source.kind === "upload" ? await ctx.api.getFile(source.fileId) : undefined;
    const loaded = await conversation.external(async (outside): Promise<Loaded> => {
      let from: ServiceSource | undefined;
      try {
        return await heavy(outside, "restore", async () => {
          if (source.kind === "upload") {
            if (!file || (file.file_size ?? 0) > TELEGRAM_DOWNLOAD_LIMIT) throw new DownloadTooLargeError();
            // Counted against the user's imports per hour before the download (LimitError otherwise).
            const download = () => downloadFilePath(ctx.api.token, file.file_path ?? "", deps.download);
            from = { uploadId: await deps.restore.stageUpload(userId, download, source.fileName) };
          } else if (source.kind === "staged") {
            from = { uploadId: source.uploadId };
          } else {
            from = { backupId: source.backupId };
          }
          return { ok: true as const, preview: await deps.restore.preview(userId, from), from };
        });
      } catch (err) {
        if (from && "uploadId" in from) await deps.restore.endUpload(userId, from.uploadId).catch(() => {});
        return restoreFailure(err);
      }
    });
    if (!loaded.ok) {
      await ctx.reply(errorText(ctx.t, loaded.error));
      return;
    }
    const { preview, from } = loaded;
    const end = () => ("uploadId" in from ? conversation.external(() => deps.restore.endUpload(userId, from.uploadId)) : Promise.resolve());

    // A ZIP the user sent that is a backup (ours or an older bot's): restore it, or keep it as a backup?
    if (source.kind !== "backup" && preview.format !== "plain") {
      await ctx.reply(ctx.t("import-backup-found", { count: preview.counts.new + preview.counts.unchanged + preview.counts.conflicts }), {
        reply_markup: new InlineKeyboard()
          .text(ctx.t("btn-import-restore"), cb.restoreChoice("files"))
          .row()
          .text(ctx.t("btn-import-keep"), cb.restoreChoice("keep"))
          .row()
          .text(ctx.t("btn-cancel"), cb.restoreChoice("cancel")),
      });
      const choice = await waitChoice(conversation, restoreChoicePattern(["files", "keep", "cancel"]));
      if (choice === "cancel") return end().then(() => cancelled(ctx));
      if (choice === "keep" && "uploadId" in from) {
        const kept = await conversation.external(async (outside) => {
          try {
            const b = await heavy(outside, "import", () => deps.restore.keepUpload(userId, from.uploadId));
            return { ok: true as const, fileCount: b.fileCount, zipSize: b.zipSize };
          } catch (err) {
            // Not kept (e.g. the backup cap): the staged upload goes now rather than at expiry.
            await deps.restore.endUpload(userId, from.uploadId).catch(() => {});
            return restoreFailure(err);
          }
        });
        await ctx.reply(kept.ok ? ctx.t("import-kept", { count: kept.fileCount, size: formatBytes(kept.zipSize) }) : errorText(ctx.t, kept.error));
        return;
      }
    }

    const { counts } = preview;
    const summary = ctx.t("restore-preview", counts) + rejectedList(ctx, preview);
    if (counts.new === 0 && counts.conflicts === 0) {
      await end();
      await ctx.reply(ctx.t("restore-nothing") + "\n\n" + summary);
      return;
    }
    const kb = new InlineKeyboard();
    if (counts.conflicts > 0) {
      kb.text(ctx.t("btn-restore-ask"), cb.restoreChoice("ask")).row();
      kb.text(ctx.t("btn-restore-replace-all"), cb.restoreChoice("replace")).text(ctx.t("btn-restore-skip-all"), cb.restoreChoice("skip")).row();
      kb.text(ctx.t("btn-restore-rename-all"), cb.restoreChoice("rename")).row();
    } else {
      kb.text(ctx.t("btn-restore-go"), cb.restoreChoice("go")).row();
    }
    kb.text(ctx.t("btn-cancel"), cb.restoreChoice("cancel"));
    await ctx.reply(summary, { reply_markup: kb });
    const mode = await waitChoice(conversation, restoreChoicePattern(["ask", "replace", "skip", "rename", "go", "cancel"]));
    if (mode === "cancel") return end().then(() => cancelled(ctx));

    const decisions: RestoreDecisions = {};
    if (mode === "replace" || mode === "skip" || mode === "rename") decisions.defaultAction = mode;
    // A Map, not an object: a conflict named "__proto__" or "constructor" is just a name.
    const perFile = new Map<string, Decision>();
    if (mode === "ask") {
      const taken = new Set(preview.takenNames);
      for (const [i, card] of preview.conflicts.entries()) {
        await ctx.reply(conflictCard(ctx, card, i + 1, counts.conflicts), { reply_markup: conflictKeyboard(ctx) });
        const answer = await waitChoice(conversation, patterns.conflictChoice);
        if (answer === "cancel") return cancelled(ctx);
        const action = ACTIONS.get(answer.toLowerCase())!;
        if (answer !== answer.toLowerCase()) {
          decisions.defaultAction = action; // this one and every remaining conflict
          break;
        }
        if (action === "rename") {
          const renameTo = await askRename(conversation, ctx, deps, card.name, taken);
          if (renameTo === undefined) return cancelled(ctx);
          taken.add(renameTo);
          perFile.set(card.name, { action, renameTo });
        } else {
          perFile.set(card.name, { action });
        }
      }
      decisions.perFile = Object.fromEntries(perFile); // own properties, "__proto__" included
      if (counts.conflicts > preview.conflicts.length && !decisions.defaultAction) {
        await ctx.reply(ctx.t("restore-too-many-conflicts", { shown: preview.conflicts.length }));
      }
    }

    await ctx.reply(ctx.t("restore-applying"));
    await ctx.replyWithChatAction("typing");
    const outcome = await conversation.external(async (outside) => {
      try {
        return { ok: true as const, result: await heavy(outside, "restore", () => deps.restore.apply(userId, from, decisions)) };
      } catch (err) {
        return restoreFailure(err);
      } finally {
        // Whatever the outcome; if the database cannot remove it now, the staged upload expires within the hour.
        if ("uploadId" in from) await deps.restore.endUpload(userId, from.uploadId).catch(() => {});
      }
    });
    if (!outcome.ok) {
      await ctx.reply(errorText(ctx.t, outcome.error));
      return;
    }
    const r = outcome.result;
    const lines = [ctx.t("restore-done", { restored: r.restored, new: r.new, replaced: r.replaced, renamed: r.renamed, skipped: r.skipped })];
    if (r.olderVersions) lines.push(ctx.t("restore-done-history", { count: r.olderVersions }));
    if (r.unchanged) lines.push(ctx.t("restore-done-unchanged", { count: r.unchanged }));
    if (r.rejected) lines.push(ctx.t("restore-done-rejected", { count: r.rejected }));
    if (r.emergencyBackupId) lines.push(ctx.t("restore-done-emergency"));
    await ctx.reply(lines.join("\n"));
  };
}

/** Waits for one of our buttons. A command leaves the conversation; anything else gets a reminder. */
async function waitChoice(conversation: BotConversation, pattern: RegExp): Promise<string> {
  for (;;) {
    const next = await conversation.wait();
    const data = next.callbackQuery?.data;
    const match = data ? pattern.exec(data) : null;
    if (match) {
      await next.answerCallbackQuery();
      await next.editMessageReplyMarkup().catch(() => {}); // the choice is made: no second press
      return match[1]!;
    }
    if (next.message?.text?.startsWith("/")) await conversation.halt({ next: true });
    if (next.callbackQuery) await next.answerCallbackQuery({ text: next.t("button-expired"), show_alert: true });
    else await next.reply(next.t("restore-use-buttons"));
  }
}

async function askRename(
  conversation: BotConversation,
  ctx: InnerContext,
  deps: RestoreDeps,
  name: string,
  taken: Set<string>,
): Promise<string | undefined> {
  const suggestion = suggestRename(name, taken);
  await ctx.reply(ctx.t("restore-rename-ask", { name, suggestion }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t("btn-restore-use-suggestion"), cb.restoreChoice("use"))
      .row()
      .text(ctx.t("btn-cancel"), cb.restoreChoice("cancel")),
  });
  for (;;) {
    const next = await conversation.wait();
    const choice = restoreChoicePattern(["use", "cancel"]).exec(next.callbackQuery?.data ?? "")?.[1];
    if (choice) {
      await next.answerCallbackQuery();
      return choice === "use" ? suggestion : undefined;
    }
    const text = next.message?.text?.trim();
    if (text === undefined) {
      if (next.callbackQuery) await next.answerCallbackQuery({ text: next.t("button-expired"), show_alert: true });
      else await next.reply(next.t("restore-use-buttons"));
      continue;
    }
    if (text.startsWith("/")) await conversation.halt({ next: true });
    const problem = deps.restore.checkRenameTarget(text, taken);
    if (problem === "ok") return text;
    await next.reply(next.t(problem === "rename_taken" ? "restore-rename-taken" : "restore-rename-invalid", { name: text }));
  }
}

function conflictKeyboard(ctx: InnerContext): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t("btn-conflict-replace"), cb.conflictChoice("r"))
    .text(ctx.t("btn-conflict-skip"), cb.conflictChoice("s"))
    .text(ctx.t("btn-conflict-rename"), cb.conflictChoice("n"))
    .row()
    .text(ctx.t("btn-conflict-replace-all"), cb.conflictChoice("R"))
    .row()
    .text(ctx.t("btn-conflict-skip-all"), cb.conflictChoice("S"))
    .row()
    .text(ctx.t("btn-conflict-rename-all"), cb.conflictChoice("N"))
    .row()
    .text(ctx.t("btn-cancel"), cb.conflictChoice("cancel"));
}

function conflictCard(ctx: InnerContext, card: ConflictCard, index: number, total: number): string {
  const lines = [
    ctx.t("conflict-title", { index, total, name: card.name }),
    ctx.t("conflict-current", { size: formatBytes(card.currentSize), date: formatDate(card.currentDate) }),
    ctx.t("conflict-incoming", { size: formatBytes(card.incomingSize), date: card.incomingDate ? formatDate(card.incomingDate) : "—" }),
  ];
  if (card.diff) {
    lines.push(
      ctx.t("conflict-diff", {
        line: card.diff.line,
        current: clip(card.diff.current, 300) || "∅",
        incoming: clip(card.diff.incoming, 300) || "∅",
      }),
    );
  }
  return lines.join("\n");
}

function rejectedList(ctx: InnerContext, preview: RestorePreview): string {
  if (!preview.rejected.length) return "";
  const shown = preview.rejected.slice(0, 10).map((r) => ctx.t("restore-rejected-item", { name: r.name, reason: raw(ctx.t(`reject-${r.reason}`)) }));
  const more = preview.counts.rejected - shown.length;
  return "\n\n" + ctx.t("restore-rejected-title") + "\n" + shown.join("\n") + (more > 0 ? `\n${ctx.t("restore-rejected-more", { count: more })}` : "");
}

async function cancelled(ctx: InnerContext): Promise<void> {
  await ctx.reply(ctx.t("cancel-done"));
}
