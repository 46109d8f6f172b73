import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export const ROOT = new URL("../../", import.meta.url).pathname;

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Resolves once every process holding its output (npm's children too) has ended. */
  closed: Promise<void>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The bot (or any TypeScript entry point) as Docker runs it: `node --import tsx <entry>`.
 * Not the tsx CLI: it relays SIGTERM and SIGKILLs its child when that does not acknowledge
 * within 30 ms, which turned a clean shutdown into exit 143 under load.
 */
export function startNodeProcess(entry: string, env: Record<string, string | undefined>, args: string[] = []): RunningProcess {
  return startProcess(process.execPath, ["--import", "tsx", entry, ...args], env);
}

/** Starts `npm run <script>` (or any command) in the project root, collecting its output. */
export function startProcess(command: string, args: string[], env: Record<string, string | undefined>): RunningProcess {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, npm_config_update_notifier: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so a signal reaches npm, the shell and node alike, as in a terminal.
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    child,
    output: () => output,
    exited,
    closed,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = output.match(pattern);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before printing ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** Signals the whole process group (like Ctrl-C in a terminal) and waits until all of it is gone. */
    async stop(signal = "SIGTERM") {
      const group = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          // already gone
        }
      };
      group(signal);
      const timer = setTimeout(() => group("SIGKILL"), 15_000);
      const code = await exited;
      await closed;
      clearTimeout(timer);
      return code;
    },
  };
}
