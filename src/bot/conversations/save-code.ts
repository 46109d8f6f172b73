import type { FileLibrary } from "../../files/file-library.js";
import type { BotConversation, InnerContext } from "../context.js";
import { remind } from "./remind.js";
import { saveDocumentBytes, saveText, type DownloadOptions } from "../save-outcome.js";
import { downloadFilePath } from "../telegram-files.js";
import { replySaveOutcome } from "../save-replies.js";

export const SAVE_CODE = "save-code";

/** `/save app.py #tag` → "send the code now" → the next text or document becomes app.py. */
export function saveCodeConversation(deps: { files: FileLibrary; download: DownloadOptions }) {
  return async function saveCode(conversation: BotConversation, ctx: InnerContext, fileName: string, tags: string[]) {
    await ctx.reply(ctx.t("save-send-code", { name: fileName }));
    const answer = await conversation.waitFor(["message:text", "message:document"], {
      otherwise: remind("save-expect-code"),
    });
    const text = answer.message.text;
    // Another command while we wait: leave and let it run as usual.
    if (text?.startsWith("/")) await conversation.halt({ next: true });
    const userId = answer.from.id;
    const document = answer.message.document;
    // The Bot API call happens here, outside external(): conversations record it themselves.
    const file = document ? await answer.getFile() : undefined;
    const overrides = { fileName, tags: tags.length ? tags : undefined };
    const outcome = await conversation.external(() =>
      text !== undefined
        ? saveText(deps.files, userId, { fileName, content: text, tags: overrides.tags })
        : saveDocumentBytes(deps.files, userId, document!, answer.message.caption, () => downloadFilePath(answer.api.token, file?.file_path ?? "", deps.download), overrides),
    );
    await replySaveOutcome(answer, outcome);
  };
}
