import type { IncomingMessage, ServerResponse } from "node:http";

/** One request as the handlers see it; the body is read by the handler (uploads stream it). */
export interface FakeRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  origin: string;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req)).toString("utf8"));
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req)).toString("utf8");
  if (!text) return {};
  return JSON.parse(text) as Record<string, unknown>;
}

export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...(body === undefined ? {} : { "content-type": "application/json; charset=UTF-8" }),
    "content-length": String(bytes.length),
    ...headers,
  });
  res.end(bytes);
}

/** Consumes and drops the rest of a request body (so a reply is not cut short by unread input). */
export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _ of req) void _;
}
