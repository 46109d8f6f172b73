import { Composer, type Api } from "grammy";
import type { InlineKeyboard } from "grammy";
import type { BackupSummary } from "../../backups/backup-types.js";
import { backupFileName, type BackupService } from "../../backups/backup-service.js";
import type { ConnectOutcome, DriveAuth } from "../../drive/drive-auth.js";
import { classifyDriveError } from "../../drive/drive-errors.js";
import { manualUploadKey } from "../../drive/drive-files.js";
import type { DriveService } from "../../drive/drive-service.js";
import type { Events } from "../../events.js";
import { cb, patterns } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { HeavyJobBusyError, type HeavyJobs } from "../../work/heavy-jobs.js";
import { lineMessage } from "../heavy-work.js";
import { driveStatusText, reasonText, uploadDoneText, uploadFailedText } from "../drive-texts.js";
import { clip, formatBytes, formatDate } from "../format.js";
import type { ScheduleService } from "../../jobs/index.js";
import { scheduleStatusLines } from "../schedule-texts.js";
import type { UserSettings } from "../../users/user-settings.js";
import { rememberLocale } from "../remember-locale.js";
import { plainText, raw, type Translate as T } from "../html.js";
import { ownedBackup } from "../owned.js";
import { driveConnectKeyboard, driveDisconnectKeyboard, driveMenuKeyboard, driveNextKeyboard } from "../keyboards/drive.js";

/** Alerts have no parse mode and hold 200 characters. */
const alert = (text: string) => ({ text: clip(plainText(text), 200), show_alert: true });

export interface DriveFeatureDeps {
  driveAuth: DriveAuth;
  drive: DriveService;
  backups: BackupService;
  events: Events;
  /** A Drive upload is a heavy job: not while the user's backup or restore runs, queued when the server is busy. */
  heavyJobs: HeavyJobs;
  /** The upload message is edited with the percentage at most this often. Default 3 s. */
  progressEveryMs?: number;
  /** Scheduled backups (🗓 Schedule, a manual upload retried by itself, resume after reconnecting); off without it. */
  schedules?: ScheduleService;
  /** DEFAULT_TIMEZONE, shown before a schedule is set. */
  defaultTimezone?: string;
  /** Where the language of a user who will hear from the scheduler later is kept. */
  settings?: UserSettings;
}

/** Codes after which only connecting (again) helps. */
const NEEDS_CONNECT = new Set(["revoked", "not_connected", "key_unknown"]);

/**
 * ☁️ Google Drive: status, 🔗 connect (device flow; Google is polled in the background, so the
 * chat stays free and /cancel stops it), ⬆️ upload now or a backup's ☁️ upload (in the background,
 * progress edited in place), 🧹 keep N, 🚪 disconnect.
 */
export function driveFeature(deps: DriveFeatureDeps): Composer<BotContext> {
  const { driveAuth, drive, backups } = deps;
  const progressEveryMs = deps.progressEveryMs ?? 3000;
  const uploading = new Set<number>();
  const composer = new Composer<BotContext>();

  async function showStatus(ctx: BotContext, edit: boolean, extra?: string) {
    const status = await drive.status(ctx.from!.id);
    const schedule = deps.schedules && status.availability === "ready" ? await deps.schedules.get(ctx.from!.id) : undefined;
    let text = driveStatusText(ctx.t, status);
    if (schedule !== undefined && (status.connected || schedule)) text += `\n\n${scheduleStatusLines(ctx.t, schedule, deps.defaultTimezone ?? "UTC").join("\n")}`;
    if (extra) text += `\n\n${extra}`;
    const failed = schedule?.lastResult?.status === "failed" ? schedule.lastResult.backupId : undefined;
    const options = {
      reply_markup: driveMenuKeyboard(ctx.t, status, {
        schedule: schedule !== undefined && (status.connected || schedule !== null),
        tryNowBackupId: status.connected ? failed : undefined,
      }),
    };
    if (edit) await ctx.editMessageText(text, options);
    else await ctx.reply(text, options);
  }

  composer.command("drive", (ctx) => showStatus(ctx, false));
  composer.callbackQuery(cb.menu("drive"), async (ctx) => {
    await ctx.answerCallbackQuery();
    await showStatus(ctx, true);
  });

  composer.callbackQuery(cb.driveConnect, async (ctx) => {
    const userId = ctx.from.id;
    const status = await drive.status(userId);
    if (status.availability !== "ready") return ctx.answerCallbackQuery(alert(reasonText(ctx.t, status.availability)));
    if (status.connected) return ctx.answerCallbackQuery(alert(ctx.t("drive-already-connected", { email: status.email ?? "" })));
    await ctx.answerCallbackQuery();
    let prompt;
    try {
      prompt = await driveAuth.begin(userId);
    } catch (err) {
      return ctx.reply(ctx.t("drive-connect-failed", { reason: raw(reasonText(ctx.t, classifyDriveError(err).code)) }));
    }
    const message = await ctx.reply(
      ctx.t("drive-connect-prompt", {
        url: prompt.verificationUrl,
        code: prompt.userCode,
        minutes: Math.max(1, Math.round(prompt.expiresIn / 60)),
      }),
      { reply_markup: driveConnectKeyboard(ctx.t, prompt.verificationUrl) },
    );
    const t = ctx.t;
    void prompt.outcome.then(async (outcome) => {
      // Reconnected: a schedule paused by a revoked grant runs again.
      const resumed =
        outcome.kind === "connected" && deps.schedules
          ? await deps.schedules.resume(userId).catch((err: Error) => {
              deps.events.emit("schedule_resume_failed", "error", { userId, error: err.message });
              return false;
            })
          : false;
      const text = connectOutcomeText(t, outcome) + (resumed ? `\n${t("schedule-resumed")}` : "");
      return ctx.api
        .editMessageText(message.chat.id, message.message_id, text, {
          reply_markup: connectOutcomeKeyboard(t, outcome),
        })
        .catch((err: Error) => deps.events.emit("drive_connect_notify_error", "warn", { userId, error: err.message }));
    });
  });

  composer.callbackQuery(cb.driveConnectCancel, async (ctx) => {
    const cancelled = driveAuth.cancel(ctx.from.id);
    await ctx.answerCallbackQuery(cancelled ? { text: ctx.t("drive-connect-cancelled") } : {});
  });

  composer.callbackQuery(cb.driveUpload, (ctx) =>
    startUpload(ctx, async () => {
      const picked = await drive.backupForUpload(ctx.from.id);
      return { backup: picked.backup, reusedFrom: picked.reused ? picked.backup.createdAt : undefined };
    }),
  );

  composer.callbackQuery(patterns.driveUploadBackup, async (ctx) => {
    const backup = await ownedBackup(ctx, backups, ctx.match[1]);
    if (!backup) return;
    await startUpload(ctx, async () => ({ backup }));
  });

  /** Checks, then runs the upload in the background: a long upload must not hold up other updates (or a webhook). */
  async function startUpload(ctx: BotContext, pick: () => Promise<{ backup: BackupSummary; reusedFrom?: Date }>) {
    const userId = ctx.from!.id;
    if (uploading.has(userId)) return ctx.answerCallbackQuery(alert(ctx.t("drive-busy")));
    const running = deps.heavyJobs.runningFor(userId);
    if (running !== undefined) throw new HeavyJobBusyError(running); // "one thing at a time", from error-messages.ts
    const status = await drive.status(userId);
    if (status.availability !== "ready" || !status.connected) {
      await ctx.answerCallbackQuery();
      await ctx.reply(driveStatusText(ctx.t, status), { reply_markup: driveMenuKeyboard(ctx.t, status) });
      return;
    }
    await ctx.answerCallbackQuery();
    if (deps.schedules && deps.settings) await rememberLocale(ctx, deps.settings); // a failed upload may be retried and told later
    const message = await ctx.reply(ctx.t("drive-preparing"));
    uploading.add(userId);
    void deps.heavyJobs
      .run(userId, "upload", () => runUpload(ctx.api, ctx.t, userId, message.chat.id, message.message_id, pick), lineMessage(ctx))
      .catch((err: Error) => deps.events.emit("drive_upload_notify_error", "warn", { userId, error: err.message }))
      .finally(() => uploading.delete(userId));
  }

  async function runUpload(api: Api, t: T, userId: number, chatId: number, messageId: number, pick: () => Promise<{ backup: BackupSummary; reusedFrom?: Date }>) {
    // Edits go one after another, so a late progress edit never overwrites the result.
    let queue = Promise.resolve();
    const edit = (text: string, keyboard?: InlineKeyboard) => {
      queue = queue.then(() =>
        api
          .editMessageText(chatId, messageId, text, { reply_markup: keyboard, link_preview_options: { is_disabled: true } })
          .then(() => undefined, () => undefined),
      );
      return queue;
    };
    let picked: { backup: BackupSummary; reusedFrom?: Date };
    try {
      picked = await pick();
    } catch {
      return edit(uploadFailedText(t, { code: "backup_failed", kind: "transient" }, false), driveNextKeyboard(t, { upload: true }));
    }
    const { backup } = picked;
    const uploadingText = (percent: number) => t("drive-uploading", { date: formatDate(backup.createdAt), size: formatBytes(backup.zipSize), percent });
    void edit(uploadingText(0));
    let lastAt = Date.now();
    let lastPercent = 0;
    try {
      const result = await drive.upload(userId, backup.id, {
        onProgress: (sent, total) => {
          const percent = Math.floor((sent * 100) / Math.max(total, 1));
          if (percent === lastPercent || percent >= 100 || Date.now() - lastAt < progressEveryMs) return;
          lastAt = Date.now();
          lastPercent = percent;
          void edit(uploadingText(percent));
        },
      });
      await edit(uploadDoneText(t, result, result.fileName || backupFileName(backup.createdAt), { reusedFrom: picked.reusedFrom }), driveNextKeyboard(t, {}));
    } catch (raw) {
      const err = classifyDriveError(raw);
      // A passing failure is retried by the scheduler as a one-off job (same backup, same key, same backoff).
      const retryAt =
        err.transient && deps.schedules
          ? await deps.schedules.retryUpload(userId, { backupId: backup.id, idempotencyKey: manualUploadKey(backup.id) }).catch((e: Error) => {
              deps.events.emit("drive_retry_schedule_failed", "error", { userId, error: e.message });
              return null; // the user is offered 🔁 Try again instead
            })
          : null;
      await edit(
        uploadFailedText(t, err, true, retryAt ? formatDate(retryAt) : undefined),
        driveNextKeyboard(t, { retryBackupId: err.transient && !retryAt ? backup.id : undefined, connect: NEEDS_CONNECT.has(err.code) }),
      );
    }
  }

  composer.callbackQuery(cb.driveKeep, async (ctx) => {
    await ctx.answerCallbackQuery();
    let extra: string;
    try {
      const count = await drive.keepNewest(ctx.from.id);
      extra = ctx.t("drive-keep-done", { count, keep: drive.keep });
    } catch (raw) {
      extra = reasonText(ctx.t, classifyDriveError(raw).code);
    }
    await showStatus(ctx, true, extra);
  });

  composer.callbackQuery(cb.driveDisconnect, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("drive-disconnect-confirm"), { reply_markup: driveDisconnectKeyboard(ctx.t) });
  });

  composer.callbackQuery(cb.driveDisconnectConfirm, async (ctx) => {
    await ctx.answerCallbackQuery();
    const result = await driveAuth.disconnect(ctx.from.id);
    const text = !result.wasConnected ? ctx.t("drive-disconnect-none") : ctx.t(result.revoked ? "drive-disconnect-done" : "drive-disconnect-local");
    await ctx.editMessageText(text, { reply_markup: driveNextKeyboard(ctx.t, {}) });
  });

  return composer;
}

function connectOutcomeText(t: T, outcome: ConnectOutcome): string {
  switch (outcome.kind) {
    case "connected":
      return t("drive-connect-ok", { email: outcome.email });
    case "denied":
      return t("drive-connect-denied");
    case "expired":
      return t("drive-connect-expired");
    case "cancelled":
      return t("drive-connect-cancelled");
    case "failed":
      return t("drive-connect-failed", { reason: raw(reasonText(t, outcome.code)) });
  }
}

function connectOutcomeKeyboard(t: T, outcome: ConnectOutcome): InlineKeyboard {
  if (outcome.kind === "connected") return driveNextKeyboard(t, { upload: true });
  if (outcome.kind === "cancelled") return driveNextKeyboard(t, {});
  return driveNextKeyboard(t, { connect: true });
}
