import { createServer, type Server } from "node:http";

/**
 * A fake GitHub REST API for the zipball endpoint, over node:http: 302 to a
 * codeload-like URL that serves the bytes, 404 for unknown repositories.
 */
export async function startFakeGitHub(repos: Record<string, Buffer>, opts: { token?: string } = {}) {
  const requests: { url: string; authorization?: string }[] = [];
  const gates = new Map<string, { reached: () => void; opened: Promise<void> }>();
  const server: Server = createServer(async (req, res) => {
    const url = req.url ?? "/";
    requests.push({ url, authorization: req.headers.authorization });
    const api = /^\/repos\/([^/]+)\/([^/]+)\/zipball(?:\/(.+))?$/.exec(url);
    if (api) {
      const key = `${decodeURIComponent(api[1]!)}/${decodeURIComponent(api[2]!)}`;
      const isPrivate = key.startsWith("private/");
      if (!repos[key] || (isPrivate && req.headers.authorization !== `Bearer ${opts.token}`)) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found" }));
        return;
      }
      res.writeHead(302, { location: `/codeload/${encodeURIComponent(key)}/${api[3] ?? "HEAD"}` }).end();
      return;
    }
    const download = /^\/codeload\/([^/]+)\//.exec(url);
    if (download) {
      const key = decodeURIComponent(download[1]!);
      const gate = gates.get(key);
      if (gate) {
        gate.reached();
        await gate.opened;
      }
      const bytes = repos[key]!;
      res.writeHead(200, { "content-type": "application/zip", "content-length": bytes.length }).end(bytes);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    requests,
    /**
     * Holds the download of `repo` ("owner/name") until `open()`: a slow download the test
     * controls. `reached` resolves once the bot is waiting on it.
     */
    hold(repo: string) {
      let open!: () => void;
      let reached!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      const isReached = new Promise<void>((r) => (reached = r));
      gates.set(repo, { reached, opened });
      return { reached: isReached, open: () => (gates.delete(repo), open()) };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
