import { Composer, InputFile } from "grammy";
import type { BackupService } from "../../backups/backup-service.js";
import type { BackupSummary, VerifyProblem } from "../../backups/backup-types.js";
import { patterns, RATING_BY_LETTER, cb } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { answerWhile } from "../button-answer.js";
import { ownedBackup } from "../owned.js";
import { BACKUP_NOTE } from "../conversations/backup-note.js";
import { formatBytes, formatDate } from "../format.js";
import { raw } from "../html.js";
import type { StartHeavy } from "../heavy-work.js";
import type { PrivateCopies } from "../../privacy/private-copies.js";
import {
  backupDetailKeyboard,
  backupListKeyboard,
  backupsMenuKeyboard,
  backupSelectKeyboard,
  confirmKeyboard,
  RATING_ICON,
  rateKeyboard,
} from "../keyboards/backups.js";

const PAGE_SIZE = 10;

/** /backup: create, list, open, download, rate, note, verify and delete backups (one or many). */
export function backupsFeature(deps: { backups: BackupService; privacy: PrivateCopies; startHeavy: StartHeavy }): Composer<BotContext> {
  const { backups } = deps;
  const composer = new Composer<BotContext>();

  async function showMenu(ctx: BotContext, edit: boolean) {
    const page = await backups.list(ctx.from!.id, { pageSize: 1 });
    const latest = page.items[0];
    const text =
      ctx.t("backups-title") +
      "\n\n" +
      (latest ? ctx.t("backups-summary", { count: page.total, date: formatDate(latest.createdAt) }) : ctx.t("backups-none"));
    const options = { reply_markup: backupsMenuKeyboard(ctx.t) };
    if (edit) await ctx.editMessageText(text, options);
    else await ctx.reply(text, options);
  }

  async function showList(ctx: BotContext, pageNo: number) {
    const page = await backups.list(ctx.from!.id, { page: pageNo, pageSize: PAGE_SIZE });
    ctx.session.backupsPage = page.page;
    const text =
      page.total === 0
        ? ctx.t("backups-list-empty")
        : ctx.t("backups-list-title", { total: page.total, page: page.page + 1, pages: page.pages }) +
          "\n\n" +
          page.items.map((b) => backupLine(ctx, b)).join("\n");
    await ctx.editMessageText(text, { reply_markup: backupListKeyboard(ctx.t, page) });
  }

  async function showSelect(ctx: BotContext, pageNo: number) {
    const page = await backups.list(ctx.from!.id, { page: pageNo, pageSize: PAGE_SIZE });
    const text = ctx.t("backups-select-title", { count: ctx.session.selectedBackups.length, page: page.page + 1, pages: page.pages });
    await ctx.editMessageText(text, { reply_markup: backupSelectKeyboard(ctx.t, page, ctx.session.selectedBackups) });
  }

  async function showDetail(ctx: BotContext, backup: BackupSummary, extra?: string) {
    const text = backupDetail(ctx, backup) + (extra ? `\n\n${extra}` : "");
    await ctx.editMessageText(text, { reply_markup: backupDetailKeyboard(ctx.t, backup, ctx.session.backupsPage) });
  }

  async function sendBackup(ctx: BotContext, backup: BackupSummary) {
    await ctx.replyWithChatAction("upload_document");
    const parts = await backups.exportParts(ctx.from!.id, backup.id);
    if (parts.length > 1) await ctx.reply(ctx.t("backup-sending-parts", { count: parts.length, limit: formatBytes(backups.partBytes) }));
    for (const [i, part] of parts.entries()) {
      // With 🔒 chat copies on, each part is its own age file (each opens to a valid ZIP).
      const encrypted = await deps.privacy.encryptForChat(ctx.from!.id, part.bytes, part.fileName);
      const caption =
        parts.length > 1
          ? ctx.t("backup-part-caption", { part: i + 1, total: parts.length, date: formatDate(backup.createdAt) }) + (encrypted ? " 🔒" : "")
          : ctx.t(encrypted ? "backup-caption-encrypted" : "backup-caption", { count: backup.fileCount, date: formatDate(backup.createdAt) });
      await ctx.replyWithDocument(new InputFile(encrypted?.bytes ?? part.bytes, encrypted?.fileName ?? part.fileName), { caption });
    }
  }

  composer.command("backup", (ctx) => showMenu(ctx, false));
  composer.callbackQuery(cb.menu("backups"), (ctx) => answerWhile(ctx, () => showMenu(ctx, true)));

  composer.callbackQuery(patterns.backupCreate, async (ctx) => {
    const withHistory = ctx.match[1] === "h";
    // A heavy job: refused while another of this user's runs, queued when the server is busy.
    deps.startHeavy(ctx, "backup", async () => {
      await ctx.replyWithChatAction("upload_document");
      const backup = await backups.create(ctx.from.id, { withHistory }); // a BackupError is told by the error boundary
      await ctx.reply(
        backup.fileCount === 0
          ? ctx.t("backup-created-empty")
          : ctx.t(withHistory ? "backup-created-history" : "backup-created", {
              count: backup.fileCount,
              size: formatBytes(backup.totalSize),
              zip: formatBytes(backup.zipSize),
            }),
      );
      await sendBackup(ctx, backup);
    });
    await ctx.answerCallbackQuery({ text: ctx.t("backup-creating") });
  });

  composer.callbackQuery(patterns.backupList, (ctx) => answerWhile(ctx, () => showList(ctx, Number(ctx.match[1]))));

  composer.callbackQuery(patterns.backupOpen, async (ctx) => {
    const backup = await ownedBackup(ctx, backups, ctx.match[1]);
    if (!backup) return;
    await answerWhile(ctx, () => showDetail(ctx, backup));
  });

  composer.callbackQuery(patterns.backupDownload, async (ctx) => {
    const backup = await ownedBackup(ctx, backups, ctx.match[1]);
    if (!backup) return;
    await ctx.answerCallbackQuery();
    await sendBackup(ctx, backup);
  });

  composer.callbackQuery(patterns.backupRateMenu, async (ctx) => {
    const backup = await ownedBackup(ctx, backups, ctx.match[1]);
    if (!backup) return;
    await answerWhile(ctx, () =>
      ctx.editMessageText(backupDetail(ctx, backup) + "\n\n" + ctx.t("backup-rate-ask"), {
        reply_markup: rateKeyboard(ctx.t, backup),
      }),
    );
  });

  composer.callbackQuery(patterns.backupRate, async (ctx) => {
    if (!(await ownedBackup(ctx, backups, ctx.match[1]))) return;
    const rating = RATING_BY_LETTER[ctx.match[2] as keyof typeof RATING_BY_LETTER];
    const backup = await backups.rate(ctx.from.id, ctx.match[1]!, rating);
    await answerWhile(ctx, () => showDetail(ctx, backup), { text: ctx.t("backup-rated", { icon: RATING_ICON[rating] }) });
  });

  composer.callbackQuery(patterns.backupNote, async (ctx) => {
    if (!(await ownedBackup(ctx, backups, ctx.match[1]))) return;
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(BACKUP_NOTE, ctx.match[1]);
  });

  composer.callbackQuery(patterns.backupVerify, async (ctx) => {
    if (!(await ownedBackup(ctx, backups, ctx.match[1]))) return;
    const backupId = ctx.match[1]!;
    deps.startHeavy(ctx, "verify", async () => {
      const result = await backups.verify(ctx.from.id, backupId);
      const backup = (await backups.get(ctx.from.id, backupId))!;
      const text = result.ok
        ? ctx.t("backup-verify-ok", { count: result.fileCount, size: formatBytes(result.totalSize) })
        : ctx.t("backup-verify-failed", { count: result.problems.length }) +
          "\n" +
          result.problems.slice(0, 10).map((p) => ctx.t("list-item", { text: raw(describeProblem(ctx, p)) })).join("\n");
      await showDetail(ctx, backup, text);
    });
    await ctx.answerCallbackQuery({ text: ctx.t("backup-verifying") });
  });

  composer.callbackQuery(patterns.backupDelete, async (ctx) => {
    const backup = await ownedBackup(ctx, backups, ctx.match[1]);
    if (!backup) return;
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(backupDetail(ctx, backup) + "\n\n" + ctx.t("backup-delete-confirm"), {
      reply_markup: confirmKeyboard(ctx.t, cb.backupDeleteConfirm(backup.id), cb.backupOpen(backup.id)),
    });
  });

  composer.callbackQuery(patterns.backupDeleteConfirm, async (ctx) => {
    if (!(await ownedBackup(ctx, backups, ctx.match[1]))) return;
    const count = await backups.delete(ctx.from.id, [ctx.match[1]!]);
    await ctx.answerCallbackQuery({ text: ctx.t("backups-deleted", { count }) });
    await showList(ctx, ctx.session.backupsPage);
  });

  // Multi-delete: tick backups across pages, then one confirmation naming the count.
  composer.callbackQuery(patterns.backupSelectPage, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showSelect(ctx, Number(ctx.match[1]));
  });

  composer.callbackQuery(patterns.backupToggle, async (ctx) => {
    if (!(await ownedBackup(ctx, backups, ctx.match[1]))) return;
    const id = ctx.match[1]!;
    const selected = ctx.session.selectedBackups;
    ctx.session.selectedBackups = selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
    await ctx.answerCallbackQuery();
    await showSelect(ctx, Number(ctx.match[2]));
  });

  composer.callbackQuery(cb.backupDeleteSelected, async (ctx) => {
    const count = ctx.session.selectedBackups.length;
    if (count === 0) return ctx.answerCallbackQuery({ text: ctx.t("backups-select-none"), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("backups-delete-many-confirm", { count }), {
      reply_markup: confirmKeyboard(ctx.t, cb.backupDeleteSelectedConfirm, cb.backupSelectPage(0)),
    });
  });

  composer.callbackQuery(cb.backupDeleteSelectedConfirm, async (ctx) => {
    const count = await backups.delete(ctx.from.id, ctx.session.selectedBackups);
    ctx.session.selectedBackups = [];
    await ctx.answerCallbackQuery({ text: ctx.t("backups-deleted", { count }) });
    await showList(ctx, 0);
  });

  composer.callbackQuery(cb.backupSelectCancel, async (ctx) => {
    ctx.session.selectedBackups = [];
    await ctx.answerCallbackQuery();
    await showList(ctx, ctx.session.backupsPage);
  });

  return composer;
}

function backupLine(ctx: BotContext, b: BackupSummary): string {
  const line = ctx.t("backup-line", {
    date: formatDate(b.createdAt),
    count: b.fileCount,
    zip: formatBytes(b.zipSize),
    rating: (b.rating ? ` · ${RATING_ICON[b.rating]}` : "") + (b.driveCopy ? (b.driveCopy.encrypted ? " · ☁️🔒" : " · ☁️") : ""),
  });
  return b.note ? line + "\n" + ctx.t("backup-line-note", { note: b.note.length > 60 ? `${b.note.slice(0, 60)}…` : b.note }) : line;
}

function backupDetail(ctx: BotContext, b: BackupSummary): string {
  const lines = [
    ctx.t("backup-detail", {
      date: formatDate(b.createdAt),
      type: raw(ctx.t(`backup-type-${b.type}`)),
      count: b.fileCount,
      size: formatBytes(b.totalSize),
      zip: formatBytes(b.zipSize),
    }),
  ];
  if (b.withHistory) lines.push(ctx.t("backup-with-history"));
  if (b.rating) lines.push(`${RATING_ICON[b.rating]} ${ctx.t(`rating-${b.rating}`)}`);
  if (b.note) lines.push(ctx.t("file-note", { note: b.note }));
  if (b.verifiedAt) lines.push(ctx.t(b.verifyOk ? "backup-last-verified-ok" : "backup-last-verified-bad", { date: formatDate(b.verifiedAt) }));
  if (b.driveCopy) lines.push(ctx.t(b.driveCopy.encrypted ? "backup-on-drive-encrypted" : "backup-on-drive", { date: formatDate(b.driveCopy.uploadedAt) }));
  return lines.join("\n");
}

function describeProblem(ctx: BotContext, p: VerifyProblem): string {
  switch (p.kind) {
    case "file_missing":
    case "file_mismatch":
      return ctx.t(`verify-${p.kind}`, { name: p.name });
    case "archive_invalid":
      return ctx.t("verify-archive_invalid", { entry: p.entry ?? "—" });
    default:
      return ctx.t(`verify-${p.kind}`);
  }
}
