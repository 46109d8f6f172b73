import { Composer, InlineKeyboard } from "grammy";
import { ageFileNeeds } from "../../privacy/age-codec.js";
import { secretFromText, type AgeSecret } from "../../privacy/age-keys.js";
import { isPrivacyError, type PrivacyErrorCode } from "../../privacy/privacy-errors.js";
import { isEncryptedFileName, plainFileName, type PrivateCopies } from "../../privacy/private-copies.js";
import type { RestoreService } from "../../restore/restore-service.js";
import { cb, patterns } from "../callback-data.js";
import type { AwaitedInput, BotContext } from "../context.js";
import { RESTORE } from "../conversations/restore.js";
import { formatBytes } from "../format.js";
import type { StartHeavy } from "../heavy-work.js";
import { downloadByFileId, TELEGRAM_DOWNLOAD_LIMIT, type FetchLike } from "../telegram-files.js";
import { privacyErrorText } from "./privacy.js";

export interface EncryptedRestoreDeps {
  privacy: PrivateCopies;
  restore: RestoreService;
  /** Opening the file is a heavy job, run in the background (see heavy-work.ts). */
  startHeavy: StartHeavy;
  download: { apiRoot: string; fetch: FetchLike };
}

/** A key file is a few hundred bytes; anything much larger is not one. */
const KEY_FILE_LIMIT = 16 * 1024;
/** After these the same file cannot open whatever key is given: the step ends. */
const FILE_PROBLEMS: ReadonlySet<PrivacyErrorCode> = new Set(["not_age", "unsupported", "truncated", "tampered"]);

/**
 * Restoring a `codevault-backup-….zip.age` (or any age file holding a ZIP): the bot reads the
 * header, says whether the file needs a key or a passphrase and asks for it. The answer is
 * read by `ageSecretInput` (via secret-input.ts, before any conversation: the plugin stores the
 * updates a conversation sees in MongoDB), its message deleted at once, then a heavy job decrypts
 * the file in memory and stages the ZIP like any upload; the secret is dropped with the job. "▶️ Continue"
 * then enters the normal restore conversation (validated preview, decisions, apply) from an
 * update that carries no secret.
 */
export function encryptedRestoreFeature(deps: EncryptedRestoreDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on("message:document", async (ctx, next) => {
    const doc = ctx.message.document;
    if (!isEncryptedFileName(doc.file_name ?? "")) return next();
    if ((doc.file_size ?? 0) > TELEGRAM_DOWNLOAD_LIMIT) return ctx.reply(ctx.t("import-too-large", { limit: formatBytes(TELEGRAM_DOWNLOAD_LIMIT) }));
    const fileName = doc.file_name ?? "backup.zip.age";
    await ctx.replyWithChatAction("typing");
    // The header says what opens the file; the bytes are fetched again once the key is here.
    const bytes = await downloadByFileId(ctx.api, doc.file_id, deps.download);
    const needs = ageFileNeeds(bytes.subarray(0, 64 * 1024));
    if (!needs) return ctx.reply(privacyErrorText(ctx.t, "not_age"));
    await ctx.conversation.exitAll();
    ctx.session.awaiting = { kind: "age-secret", fileId: doc.file_id, fileName, needs };
    await ctx.reply(ctx.t(needs === "identity" ? "age-restore-needs-identity" : "age-restore-needs-passphrase", { name: fileName }));
  });

  composer.callbackQuery(patterns.ageOpened, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => {}); // pressed once
    // The restore service checks the upload is this user's (and still there) before anything is shown.
    await ctx.conversation.enter(RESTORE, { kind: "staged", uploadId: ctx.match[1] });
  });

  return composer;
}

/** The secret for an encrypted upload: a key file, its pasted text, or a passphrase. Returns false if the message is not one. */
export async function ageSecretInput(ctx: BotContext, awaiting: AwaitedInput, deps: EncryptedRestoreDeps): Promise<boolean> {
  if (awaiting.kind !== "age-secret") return false;
  const message = ctx.message;
  const keyDoc = message?.document;
  if (message?.text === undefined && !keyDoc) return false;
  if (keyDoc && /\.(zip|age)$/i.test(keyDoc.file_name ?? "")) {
    delete ctx.session.awaiting; // another archive instead of the key: that one is handled as sent
    return false;
  }
  const deleted = await ctx.deleteMessage().then(() => true, () => false);
  const notDeleted = deleted ? [] : [ctx.t("privacy-delete-yourself")];
  const say = (...lines: string[]) => ctx.reply([...lines, ...notDeleted].join("\n"));

  let text: string;
  if (keyDoc) {
    if ((keyDoc.file_size ?? 0) > KEY_FILE_LIMIT) return say(ctx.t("age-restore-key-file-too-large")).then(() => true);
    text = (await downloadByFileId(ctx.api, keyDoc.file_id, { ...deps.download, limit: KEY_FILE_LIMIT })).toString("utf8");
  } else text = message!.text!;
  if (awaiting.needs === "identity" && !/AGE-SECRET-KEY-/i.test(text)) return say(ctx.t("age-restore-not-a-key")).then(() => true);

  let secret: AgeSecret;
  try {
    secret = secretFromText(text);
  } catch (err) {
    if (!isPrivacyError(err)) throw err;
    return say(privacyErrorText(ctx.t, err.code), ctx.t("age-restore-try-again")).then(() => true);
  }
  // One answer per file: the step ends here, and opening runs as a heavy job in the background
  // (it may wait in line; the update is answered now). The secret lives only in this closure.
  delete ctx.session.awaiting;
  await say(ctx.t("age-restore-opening"));
  const userId = ctx.from!.id;
  deps.startHeavy(ctx, "restore", async () => {
    let uploadId: string;
    try {
      // Counted against the user's imports per hour before the download (LimitError otherwise).
      const openZip = async () => deps.privacy.decryptToBuffer(await downloadByFileId(ctx.api, awaiting.fileId, deps.download), secret);
      uploadId = await deps.restore.stageUpload(userId, openZip, plainFileName(awaiting.fileName));
    } catch (err) {
      if (!isPrivacyError(err)) throw err; // told by the error boundary
      const again = FILE_PROBLEMS.has(err.code) ? [] : [ctx.t("age-restore-send-again")];
      await ctx.reply([privacyErrorText(ctx.t, err.code), ...again].join("\n"));
      return;
    }
    await ctx.reply(ctx.t("age-restore-opened", { name: awaiting.fileName }), {
      reply_markup: new InlineKeyboard().text(ctx.t("btn-age-restore-continue"), cb.ageOpened(uploadId)).row().text(ctx.t("btn-home"), cb.menu("home")),
    });
  });
  return true;
}
