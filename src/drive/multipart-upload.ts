import { Transform } from "node:stream";
import type { drive_v3 } from "@googleapis/drive";
import type { OAuth2Client } from "google-auth-library";
import type { StreamingMd5 } from "./streaming-md5.js";
import type { UploadPayload } from "./upload-payload.js";

/**
 * A small payload in one multipart request (files.create with a media body), hashed as it
 * streams. googleapis does not re-send a stream body after refreshing a token, so the token is
 * refreshed first; and `rootUrl` must be given on the call itself for media uploads.
 */
export async function multipartUpload(input: {
  client: OAuth2Client;
  api: drive_v3.Drive;
  apiRoot: string;
  metadata: drive_v3.Schema$File;
  payload: UploadPayload;
  fields: string;
  md5: StreamingMd5;
  timeoutMs: number;
  onProgress?(sent: number, total: number): void;
  signal?: AbortSignal;
}): Promise<drive_v3.Schema$File> {
  const { payload, md5 } = input;
  await input.client.getAccessToken();
  let sent = 0;
  const counting = new Transform({
    transform: (chunk: Buffer, _enc, done) => {
      md5.update(sent, chunk);
      sent += chunk.length;
      input.onProgress?.(Math.min(sent, payload.size), payload.size);
      done(null, chunk);
    },
  });
  const source = await payload.open(0);
  source.on("error", (err) => counting.destroy(err));
  const res = await input.api.files.create(
    { requestBody: input.metadata, media: { mimeType: payload.mimeType, body: source.pipe(counting) }, fields: input.fields },
    { rootUrl: `${input.apiRoot}/`, timeout: input.timeoutMs, signal: input.signal },
  );
  return res.data;
}
