/**
 * A TCP proxy in front of a server (the MongoDB test server, or a real one) that a
 * test can cut and heal, to play a network outage at an exact moment:
 *
 *   const proxy = await startTcpProxy(mongo.uri);
 *   const client = new MongoClient(proxy.uri);
 *   proxy.cut();   // every open connection is reset, new ones are refused
 *   proxy.heal();  // connections are accepted again
 *
 * It also knows when every connection through it has closed on both sides, so a
 * test can wait for "everything a killed process sent has reached the server".
 */
import net from "node:net";

export interface TcpProxy {
  /** The target's connection string with the proxy's address (a direct connection). */
  uri: string;
  port: number;
  cut(): void;
  heal(): void;
  readonly isCut: boolean;
  /** Connections refused since the proxy was cut (someone kept trying). */
  refusedConnections(): number;
  /** Connection pairs still open on either side. */
  openConnections(): number;
  /** Resolves once no connection is open through the proxy. */
  waitUntilIdle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/** `targetUri`: a mongodb:// URI (the first host is used) or "host:port". */
export async function startTcpProxy(targetUri: string): Promise<TcpProxy> {
  const target = parseTarget(targetUri);
  const pairs = new Set<Pair>();
  let isCut = false;
  let refused = 0;

  const server = net.createServer((client) => {
    if (isCut) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    let closed = 0;
    const onClose = () => {
      if (++closed === 2) pairs.delete(pair);
    };
    client.on("close", onClose);
    upstream.on("close", onClose);
    // A client gone (a killed process) reads nothing more: what the server still sends is dropped, so
    // the server's writes never back up and its side closes once it has read everything the client sent.
    client.on("close", () => {
      upstream.unpipe(client);
      upstream.resume();
    });
    // Errors end the pair; a reset on one side is passed on as a reset to the other.
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("tcp-proxy: no TCP address");
  const port = address.port;

  return {
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    port,
    get isCut() {
      return isCut;
    },
    cut() {
      isCut = true;
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
    },
    heal() {
      isCut = false;
    },
    refusedConnections: () => refused,
    openConnections: () => pairs.size,
    async waitUntilIdle(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (pairs.size > 0) {
        if (Date.now() > deadline) throw new Error(`tcp-proxy: ${pairs.size} connection(s) still open after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const { client, upstream } of pairs) {
          client.destroy();
          upstream.destroy();
        }
      });
    },
  };
}

function parseTarget(uri: string): { host: string; port: number } {
  const hostPart = uri.replace(/^mongodb(\+srv)?:\/\//, "").replace(/^[^@/]*@/, "").split(/[/?,]/)[0]!;
  const match = hostPart.match(/^\[?([^\]]+?)\]?(?::(\d+))?$/);
  if (!match) throw new Error(`tcp-proxy: cannot read a host from ${uri}`);
  return { host: match[1]!, port: Number(match[2] ?? 27017) };
}
