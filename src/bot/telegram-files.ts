import type { Context } from "grammy";

/** Telegram lets bots download files up to 20 MB. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export class DownloadTooLargeError extends Error {}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Downloads the document or file of the current message through the Bot API's
 * `/file/bot<token>/<path>` route, stopping as soon as more than `limit` bytes
 * arrive (a declared size is only a claim).
 */
export async function downloadTelegramFile(
  ctx: Context,
  opts: { apiRoot: string; fetch: FetchLike; limit?: number },
): Promise<Buffer> {
  const fileId = ctx.message?.document?.file_id;
  if (!fileId) throw new Error("downloadTelegramFile needs a message with a document");
  return downloadByFileId(ctx.api, fileId, opts);
}

/** Downloads a file by its file_id (e.g. a ZIP sent earlier in a conversation), with the same limit. */
export async function downloadByFileId(
  api: Context["api"],
  fileId: string,
  opts: { apiRoot: string; fetch: FetchLike; limit?: number },
): Promise<Buffer> {
  const file = await api.getFile(fileId);
  if ((file.file_size ?? 0) > (opts.limit ?? TELEGRAM_DOWNLOAD_LIMIT)) throw new DownloadTooLargeError();
  return downloadFilePath(api.token, file.file_path ?? "", opts);
}

/**
 * Fetches `/file/bot<token>/<path>`, stopping as soon as more than `limit` bytes arrive.
 * Separate from getFile so conversations can call the Bot API outside `external()`.
 */
export async function downloadFilePath(
  token: string,
  filePath: string,
  opts: { apiRoot: string; fetch: FetchLike; limit?: number },
): Promise<Buffer> {
  const limit = opts.limit ?? TELEGRAM_DOWNLOAD_LIMIT;
  const res = await opts.fetch(`${opts.apiRoot}/file/bot${token}/${filePath}`);
  if (!res.ok || !res.body) throw new Error(`file download failed with HTTP ${res.status}`);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    received += chunk.byteLength;
    if (received > limit) throw new DownloadTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
