/**
 * Every benchmark case runs in a fresh child process, so its peak RSS is its own:
 * `forkCase` starts one (with --expose-gc, on this Node or another binary) and waits for its result; `serveCase`
 * is the child's side, run by a cases module when it was started that way.
 */
import { fork } from "node:child_process";

export function forkCase<R>(module: string, flag: string, spec: { case: string }, execPath = process.execPath, nodeArgs: string[] = []): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = fork(module, [flag, JSON.stringify(spec)], {
      execPath,
      execArgv: [...process.execArgv, ...nodeArgs, "--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let got: R | undefined;
    child.on("message", (m) => (got = m as R));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 && got ? resolve(got) : reject(new Error(`bench case ${spec.case} exited ${code}`))));
  });
}

/** In a child started by forkCase with `flag`: runs the case and sends its result back over IPC. */
export function serveCase<S, R>(flag: string, run: (spec: S) => Promise<R>): void {
  if (!process.argv.includes(flag) || !process.send) return;
  const spec = JSON.parse(process.argv[process.argv.indexOf(flag) + 1]!) as S;
  run(spec).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
