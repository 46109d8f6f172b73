import type { File, Message } from "grammy/types";
import { ApiError, badRequest } from "./errors.js";
import { targetChat } from "./markup.js";
import { baseBotMessage, renderCaption } from "./methods-messages.js";
import type { MethodContext, MethodTable } from "./methods.js";
import type { Params } from "./params.js";
import type { FakeState, MessageRecord, StoredFile } from "./state.js";

/** sendDocument (multipart upload or file_id), getFile. Downloads are served by the handler. */

export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

const MIME_BY_EXT: Record<string, string> = {
  txt: "text/plain", md: "text/markdown", py: "text/x-python", js: "text/javascript", mjs: "text/javascript",
  json: "application/json", html: "text/html", css: "text/css", csv: "text/csv",
  xml: "application/xml", yaml: "application/x-yaml", yml: "application/x-yaml", sh: "application/x-sh",
  c: "text/x-csrc", h: "text/x-chdr", cpp: "text/x-c++src", java: "text/x-java", go: "text/x-go",
  rs: "text/rust", rb: "text/x-ruby", php: "application/x-php", zip: "application/zip",
  gz: "application/gzip", tar: "application/x-tar", pdf: "application/pdf", png: "image/png",
  jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif",
};

/** Telegram guesses a MIME type from the extension (grammY uploads everything as octet-stream). */
export function guessMime(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf(".");
  if (dot < 0) return undefined;
  return MIME_BY_EXT[fileName.slice(dot + 1).toLowerCase()];
}

/** Resolves an InputFile parameter: `attach://<part>`, a part named like the field, or a known file_id. */
export function resolveInputFile(state: FakeState, params: Params, field: string): StoredFile {
  const value = params.fields[field];
  let upload = params.files.get(field);
  if (typeof value === "string" && value.startsWith("attach://")) {
    upload = params.files.get(value.slice("attach://".length));
    if (upload === undefined) throw badRequest(`there is no ${field} in the request`);
  }
  if (upload !== undefined) {
    if (upload.bytes.byteLength > MAX_UPLOAD_BYTES) throw new ApiError(413, "Request Entity Too Large");
    if (upload.bytes.byteLength === 0) throw badRequest("file must be non-empty");
    // The upload's bytes are this request's own: kept, not copied.
    return state.storeFile(upload.bytes, upload.filename, guessMime(upload.filename) ?? "application/octet-stream", { share: true });
  }
  if (typeof value !== "string" || value === "") throw badRequest(`there is no ${field} in the request`);
  if (/^https?:\/\//i.test(value)) throw badRequest("failed to get HTTP URL content"); // the fake has no internet
  const known = state.files.get(value);
  if (known === undefined) throw badRequest("wrong file identifier/HTTP URL specified");
  return known;
}

export function documentOf(file: StoredFile): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_name: file.file_name,
    file_size: file.bytes.byteLength,
  };
  if (file.mime_type !== undefined) doc["mime_type"] = file.mime_type;
  return doc;
}

function sendDocument(ctx: MethodContext): Message {
  const { state, params } = ctx;
  const chat = targetChat(state, params, { sending: true });
  const file = resolveInputFile(state, params, "document");
  const rawCaption = params.string("caption");
  const parseMode = params.string("parse_mode");
  const caption = renderCaption(rawCaption, parseMode);
  const { body, markup } = baseBotMessage(ctx, chat);
  body["document"] = documentOf(file);
  if (caption !== undefined && caption !== "") body["caption"] = caption;
  const rec: Omit<MessageRecord, "message"> & { message: Record<string, unknown> } = {
    fromBot: true,
    method: "sendDocument",
    message: body,
    file,
    edited: false,
    deleted: false,
  };
  if (rawCaption !== undefined) rec.rawCaption = rawCaption;
  if (parseMode !== undefined) rec.parseMode = parseMode;
  if (markup !== undefined) rec.replyMarkup = markup;
  return structuredClone(state.addMessage(chat.chat.id, rec as never).message);
}

function getFile({ state, params }: MethodContext): File {
  const id = params.string("file_id", "invalid file_id") as string;
  const file = state.files.get(id);
  if (file === undefined) throw badRequest("wrong file_id or the file is temporarily unavailable");
  if (file.bytes.byteLength > MAX_DOWNLOAD_BYTES) throw badRequest("file is too big");
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.bytes.byteLength,
    file_path: file.file_path,
  };
}

export const fileMethods: MethodTable = { sendDocument, getFile };
