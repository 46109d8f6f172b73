import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";

const TOKEN = "7123456789:AAHk3x9Qw-Zr_Lm8Vn2Pq5Ts7Uv0Wx4Yz1Bc";

function capture() {
  const lines: string[] = [];
  const logger = createLogger("debug", { write: (line: string) => lines.push(line) });
  return { logger, text: () => lines.join(""), parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("logger: no secret reaches a log line, whatever the call looks like", () => {
  it("scrubs the bot token from messages, fields, error messages and stacks", () => {
    const { logger, text, parsed } = capture();
    const url = `https://api.telegram.org/file/bot${TOKEN}/documents/file_7.zip`;
    const err = new Error(`request to ${url} failed, reason: socket hang up`);
    logger.error({ err }, "download failed");
    logger.error(err); // message taken from the error itself
    logger.warn(`retrying ${url}`);
    logger.info({ event: "bot_error", errorMessage: `fetch ${url}`, nested: { deeper: [`token ${TOKEN}`] } }, "bot_error");
    expect(text()).not.toContain(TOKEN);
    expect(text()).not.toContain(TOKEN.split(":")[1]);
    const [first, second, third, fourth] = parsed();
    expect((first!.err as { message: string }).message).toBe(
      "request to https://api.telegram.org/file/bot[redacted]/documents/file_7.zip failed, reason: socket hang up",
    );
    expect((first!.err as { stack: string }).stack).toContain("/file/bot[redacted]/documents/file_7.zip");
    expect((first!.err as { type: string }).type).toBe("Error");
    expect(second!.msg).toBe("request to https://api.telegram.org/file/bot[redacted]/documents/file_7.zip failed, reason: socket hang up");
    expect(third!.msg).toBe("retrying https://api.telegram.org/file/bot[redacted]/documents/file_7.zip");
    expect(fourth).toMatchObject({ errorMessage: "fetch https://api.telegram.org/file/bot[redacted]/documents/file_7.zip", nested: { deeper: ["token [redacted]"] } });
  });

  it("scrubs Authorization headers and Bearer credentials, in fields and inside strings", () => {
    const { logger, text, parsed } = capture();
    logger.info({ request: { headers: { Authorization: "Bearer ghp_secretvalue123", accept: "json" } } }, "github call");
    logger.error({ errorMessage: 'GET /repos failed; headers {"authorization":"token ghp_othersecret"}' }, "x");
    logger.error("upstream said: Authorization: Basic dXNlcjpwYXNz was refused");
    expect(text()).not.toMatch(/ghp_secretvalue123|ghp_othersecret|dXNlcjpwYXNz/);
    expect(parsed()[0]).toMatchObject({ request: { headers: { Authorization: "[redacted]", accept: "json" } } });
  });

  it("leaves ordinary text alone", () => {
    const { logger, parsed } = capture();
    logger.info({ userId: 42, fileName: "main.py", at: "12:30:45" }, "saved 3 files at 12:30");
    expect(parsed()[0]).toMatchObject({ userId: 42, fileName: "main.py", at: "12:30:45", msg: "saved 3 files at 12:30" });
  });
});

describe("logger: values that are not plain objects", () => {
  it("keeps ObjectIds and dates in their JSON form, and scrubs URLs", async () => {
    const { ObjectId } = await import("mongodb");
    const { logger, parsed } = capture();
    const id = new ObjectId();
    const at = new Date("2025-01-02T03:04:05Z");
    logger.info({ id, at, url: new URL(`https://api.telegram.org/bot${TOKEN}/getMe`) }, "x");
    expect(parsed()[0]).toMatchObject({ id: id.toHexString(), at: "2025-01-02T03:04:05.000Z", url: "https://api.telegram.org/bot[redacted]/getMe" });
  });
});
