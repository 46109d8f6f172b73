/**
 * How long the fake Bot API holds its process's event loop while it handles one big body, as
 * in `npm run load`, where the load script hosts the fake: the bot uploads a backup ZIP
 * (sendDocument, multipart) and downloads the corpus ZIP the heavy user sent (GET /file/...).
 *
 *   node --import tsx bench/fake-body-probe.ts [--mb 20] [--rounds 3]
 *
 * The fake is served over HTTP in this process; the client (the "bot") runs in a worker
 * thread, so only the fake's own work lands on this thread. Per round: the user sends a
 * document (FakeUser.sendDocument), the worker uploads one and downloads it again. Each
 * phase prints its wall time and bench/loop-delay.ts figures: event-loop delay max / p99
 * (CPU = this thread's longest synchronous stretch, GC = longest GC pause).
 */
import { randomBytes } from "node:crypto";
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { createFakeTelegram } from "../test/support/fake-telegram/index.js";
import { formatLoopDelay, startLoopDelay } from "./loop-delay.js";

const { values } = parseArgs({ options: { mb: { type: "string", default: "20" }, rounds: { type: "string", default: "3" } } });
const SIZE = Math.round(Number(values.mb) * 1024 * 1024) - 4096; // under Telegram's 20 MB download limit
const ROUNDS = Number(values.rounds);

// The bot's side, as grammY sends it (node_modules/grammy/out/core/payload.js): unquoted
// filename, no space after the colons, the file in several chunks.
const CLIENT = `
const { parentPort, workerData } = require("node:worker_threads");
const { apiRoot, token, chatId } = workerData;
parentPort.on("message", async ({ op, bytes, filePath }) => {
  try {
    if (op === "upload") {
      const boundary = "grammy" + Math.random().toString(16).slice(2);
      const enc = new TextEncoder();
      const head = enc.encode("--" + boundary + '\\r\\ncontent-disposition:form-data;name="chat_id"\\r\\n\\r\\n' + chatId +
        "\\r\\n--" + boundary + '\\r\\ncontent-disposition:form-data;name="document";filename=backup.zip\\r\\ncontent-type:application/octet-stream\\r\\n\\r\\n');
      const tail = enc.encode("\\r\\n--" + boundary + "--\\r\\n");
      const body = new Blob([head, bytes, tail]);
      const res = await fetch(apiRoot + "/bot" + token + "/sendDocument", {
        method: "POST", headers: { "content-type": "multipart/form-data; boundary=" + boundary }, body,
      });
      const json = await res.json();
      if (!json.ok) throw new Error(JSON.stringify(json));
      parentPort.postMessage({ fileId: json.result.document.file_id, size: json.result.document.file_size });
    } else {
      const res = await fetch(apiRoot + "/file/bot" + token + "/" + filePath);
      const got = new Uint8Array(await res.arrayBuffer());
      parentPort.postMessage({ size: got.byteLength, first: got[0], last: got[got.byteLength - 1] });
    }
  } catch (e) {
    parentPort.postMessage({ error: String(e) });
  }
});
`;

const fake = createFakeTelegram();
const user = fake.user(1);
const server = await fake.listen();
const worker = new Worker(CLIENT, { eval: true, workerData: { apiRoot: server.apiRoot, token: fake.token, chatId: user.chatId } });
const ask = (msg: unknown): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    worker.once("message", (m: Record<string, unknown>) => (m["error"] ? reject(new Error(String(m["error"]))) : resolve(m)));
    worker.postMessage(msg);
  });

async function phase(name: string, run: () => Promise<void> | void): Promise<void> {
  await new Promise((r) => setTimeout(r, 50));
  const probe = startLoopDelay();
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const d = await probe.stop();
  console.log(`${name.padEnd(22)} ${ms.toFixed(0).padStart(5)} ms   loop max / p99 ${formatLoopDelay(d)} ms`);
}

console.log(`fake-body-probe: ${(SIZE / 1024 / 1024).toFixed(1)} MB bodies, ${ROUNDS} rounds, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)}`);
const bytes = randomBytes(SIZE); // a compressed ZIP looks like this: every byte value, CR and "-" included
for (let round = 1; round <= ROUNDS; round++) {
  await phase("user sends document", () => {
    user.sendDocument(bytes, "project.zip", { mimeType: "application/zip", shareBytes: true }); // as npm run load sends it
  });
  let fileId = "";
  await phase("bot uploads (HTTP)", async () => {
    const r = await ask({ op: "upload", bytes });
    if (r["size"] !== SIZE) throw new Error(`uploaded ${String(r["size"])} bytes, sent ${SIZE}`);
    fileId = String(r["fileId"]);
  });
  const filePath = fake.state.files.get(fileId)!.file_path;
  await phase("bot downloads (HTTP)", async () => {
    const r = await ask({ op: "download", filePath });
    if (r["size"] !== SIZE || r["first"] !== bytes[0] || r["last"] !== bytes[SIZE - 1]) throw new Error(`downloaded ${JSON.stringify(r)}`);
  });
}
await worker.terminate();
await server.close();
console.log(`load ${os.loadavg()[0]!.toFixed(2)}`);
