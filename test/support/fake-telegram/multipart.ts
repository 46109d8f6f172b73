import type { UploadedFile } from "./params.js";
import { nextTurn, STEP_BYTES } from "./turns.js";

/**
 * multipart/form-data parser written by hand, because the web `Request.formData()`
 * (undici in Node 20) rejects what grammY sends: grammY writes part headers as
 * `content-disposition:form-data;name="x";filename=a.py` — no space after the colon
 * and an UNQUOTED filename — and undici answers "Failed to parse body as FormData".
 * Telegram itself accepts it, so this parser accepts quoted or unquoted values.
 */
export interface ParsedMultipart {
  fields: Record<string, string>;
  files: Map<string, UploadedFile>;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

/**
 * The first `needle` at or after `from`: a native search (Buffer.indexOf; a JavaScript loop held the
 * thread for tens of ms on a 20 MB upload), a step at a time with turns for other calls in between.
 * Steps overlap by needle.length - 1 bytes, so a needle across two steps is found.
 */
async function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): Promise<number> {
  const bytes = Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength);
  for (let start = from; start < bytes.byteLength; start += STEP_BYTES) {
    if (start > from) await nextTurn();
    const at = bytes.subarray(0, start + STEP_BYTES + needle.byteLength - 1).indexOf(needle, start);
    if (at !== -1) return at;
  }
  return -1;
}

function headerParam(header: string, name: string): string | undefined {
  // name="quoted value" | name=unquoted-value (up to ';' or end)
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, "i");
  const m = re.exec(header);
  if (m === null) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? "").trim();
}

export async function parseMultipart(body: Uint8Array, boundary: string): Promise<ParsedMultipart> {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const delimiter = enc.encode(`--${boundary}`);
  const fields: Record<string, string> = {};
  const files = new Map<string, UploadedFile>();

  let pos = await indexOf(body, delimiter, 0);
  if (pos === -1) throw new MultipartError("no multipart boundary found");
  for (;;) {
    pos += delimiter.length;
    // "--" right after a delimiter marks the end
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    // skip transport padding and CRLF
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = await indexOf(body, enc.encode("\r\n\r\n"), pos);
    if (headerEnd === -1) throw new MultipartError("unterminated part headers");
    const headerLines = dec.decode(body.subarray(pos, headerEnd)).split("\r\n");
    const next = await indexOf(body, enc.encode(`\r\n--${boundary}`), headerEnd + 4);
    if (next === -1) throw new MultipartError("missing closing boundary");
    const content = body.subarray(headerEnd + 4, next);

    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get("content-disposition") ?? "";
    const name = headerParam(disposition, "name");
    if (name === undefined) throw new MultipartError("part without a name");
    const filename = headerParam(disposition, "filename");
    if (filename !== undefined) {
      // A view of the body, not a copy: the body belongs to this request alone.
      const file: UploadedFile = { filename, bytes: content };
      const ct = headers.get("content-type");
      if (ct !== undefined) file.contentType = ct;
      files.set(name, file);
    } else {
      fields[name] = dec.decode(content);
    }
    pos = next + 2; // at the "--boundary" again
  }
  return { fields, files };
}
