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
  const limit = opts.limit ?? TELEGRAM_DOWNLOAD_LIMIT;
  const file = await ctx.getFile();
  if ((file.file_size ?? 0) > limit) throw new DownloadTooLargeError();
  const res = await opts.fetch(`${opts.apiRoot}/file/bot${ctx.api.token}/${file.file_path}`);
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
