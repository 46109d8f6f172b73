/**
 * An in-process MongoDB server for tests: speaks the wire protocol over TCP so
 * the official driver (and GridFS, Agenda, ...) work against it unchanged.
 * Data lives in memory and disappears on close().
 */
import net from "node:net";
import { runCommand, type ServerState } from "./commands/index.js";
import { Cursors } from "./cursors.js";
import { CommandError, errorReply } from "./errors.js";
import { Store } from "./store.js";
import type { Doc } from "./values.js";
import { MessageFramer, encodeMsgReply, encodeOpReply, parseMessage } from "./wire.js";

export interface MongoTestServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
}

export interface MongoTestServer {
  uri: string;
  port: number;
  close(): Promise<void>;
}

let nextRequestId = 1;

/** Builds the reply bytes for one request message (undefined = no reply wanted). */
function respond(message: Buffer, state: ServerState, connectionId: number): Buffer | undefined {
  const request = parseMessage(message);
  if (request.kind === "unsupported") throw new Error(`unsupported opCode ${request.opCode}`);
  let reply: Doc;
  if (request.kind === "query") {
    const [db = "", coll] = splitNamespace(request.fullCollectionName);
    reply =
      coll === "$cmd"
        ? runCommand(request.command, { state, db, connectionId })
        : errorReply(new CommandError("CommandNotFound", "OP_QUERY is only supported for commands"));
  } else {
    const db = typeof request.command.$db === "string" ? request.command.$db : "admin";
    reply = runCommand(request.command, { state, db, connectionId });
    if (request.moreToCome) return undefined;
  }
  const encode = request.kind === "query" ? encodeOpReply : encodeMsgReply;
  const requestId = nextRequestId++ & 0x7fffffff;
  try {
    return encode(requestId, request.requestId, reply);
  } catch (err) {
    // e.g. a reply over the BSON size limit: report it instead of dropping the connection.
    return encode(requestId, request.requestId, errorReply(err));
  }
}

function splitNamespace(ns: string): [string, string] {
  const dot = ns.indexOf(".");
  return dot < 0 ? [ns, ""] : [ns.slice(0, dot), ns.slice(dot + 1)];
}

function serveConnection(socket: net.Socket, state: ServerState, connectionId: number): void {
  const framer = new MessageFramer();
  socket.setNoDelay(true);
  socket.on("error", () => socket.destroy()); // clients resetting connections is normal
  socket.on("data", (chunk: Buffer) => {
    try {
      for (const message of framer.push(chunk)) {
        const reply = respond(message, state, connectionId);
        if (reply && !socket.destroyed) socket.write(reply);
      }
    } catch {
      // Malformed or unsupported traffic: drop the connection like mongod does.
      socket.destroy();
    }
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
    serveConnection(socket, state, ++connectionId);
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
