/**
 * An in-process MongoDB server for tests: speaks the wire protocol over TCP so
 * the official driver (and GridFS, Agenda, ...) work against it unchanged.
 * Data lives in memory and disappears on close().
 */
import net from "node:net";
import { runCommand, type ServerState } from "./commands/index.js";
import { Cursors } from "./cursors.js";
import { CommandError, errorReply } from "./errors.js";
import type { CommandStats } from "./stats.js";
import { Store } from "./store.js";
import { startTurn } from "./turns.js";
import type { Doc } from "./values.js";
import { MessageFramer, encodeMsgReply, encodeOpReply, parseMessage } from "./wire.js";

export interface MongoTestServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Records each command's time on the server's thread (see stats.ts). */
  stats?: CommandStats;
}

export interface MongoTestServer {
  uri: string;
  port: number;
  close(): Promise<void>;
}

let nextRequestId = 1;

/** Builds the reply bytes for one request message (undefined = no reply wanted). */
async function respond(message: Buffer, state: ServerState, connectionId: number, stats?: CommandStats): Promise<Buffer | undefined> {
  const started = stats ? performance.now() : 0;
  const request = parseMessage(message);
  if (request.kind === "unsupported") throw new Error(`unsupported opCode ${request.opCode}`);
  let reply: Doc;
  if (request.kind === "query") {
    const [db = "", coll] = splitNamespace(request.fullCollectionName);
    reply =
      coll === "$cmd"
        ? await runCommand(request.command, { state, db, connectionId })
        : errorReply(new CommandError("CommandNotFound", "OP_QUERY is only supported for commands"));
  } else {
    const db = typeof request.command.$db === "string" ? request.command.$db : "admin";
    reply = await runCommand(request.command, { state, db, connectionId });
    if (request.moreToCome) return undefined;
  }
  const encode = request.kind === "query" ? encodeOpReply : encodeMsgReply;
  const requestId = nextRequestId++ & 0x7fffffff;
  let bytes: Buffer;
  try {
    bytes = encode(requestId, request.requestId, reply);
  } catch (err) {
    // e.g. a reply over the BSON size limit: report it instead of dropping the connection.
    bytes = encode(requestId, request.requestId, errorReply(err));
  }
  if (stats) {
    // Wall time from parse to reply, pauses for other connections included.
    const name = Object.keys(request.command)[0] ?? "";
    stats.record(name, name === "getMore" ? request.command.collection : request.command[name], performance.now() - started);
  }
  return bytes;
}

function splitNamespace(ns: string): [string, string] {
  const dot = ns.indexOf(".");
  return dot < 0 ? [ns, ""] : [ns.slice(0, dot), ns.slice(dot + 1)];
}

/**
 * One connection's requests run one after another, in the order they came, as on mongod; a long
 * one pauses between documents (turns.ts) so other connections' requests run in the meantime.
 */
function serveConnection(socket: net.Socket, state: ServerState, connectionId: number, stats?: CommandStats): void {
  const framer = new MessageFramer();
  const waiting: Buffer[] = [];
  let running = false;
  socket.setNoDelay(true);
  socket.on("error", () => socket.destroy()); // clients resetting connections is normal

  async function runWaiting(): Promise<void> {
    running = true;
    try {
      while (waiting.length && !socket.destroyed) {
        const reply = await respond(waiting.shift() as Buffer, state, connectionId, stats);
        if (reply && !socket.destroyed) socket.write(reply);
      }
    } catch {
      // Malformed or unsupported traffic: drop the connection like mongod does.
      socket.destroy();
    } finally {
      running = false;
    }
  }

  socket.on("data", (chunk: Buffer) => {
    startTurn();
    try {
      waiting.push(...framer.push(chunk));
    } catch {
      socket.destroy();
      return;
    }
    if (!running) void runWaiting();
  });
}

export async function startMongoTestServer(opts: MongoTestServerOptions = {}): Promise<MongoTestServer> {
  const host = opts.host ?? "127.0.0.1";
  const sockets = new Set<net.Socket>();
  const state: ServerState = {
    store: new Store(),
    cursors: new Cursors(),
    startedAt: new Date(),
    connectionCount: () => sockets.size,
  };
  let connectionId = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serveConnection(socket, state, ++connectionId, opts.stats);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("server has no TCP address");
  const port = address.port;
  const hostPart = host.includes(":") ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    uri: `mongodb://${hostPart}:${port}/?directConnection=true`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        state.cursors.clear();
      });
      return closing;
    },
  };
}
