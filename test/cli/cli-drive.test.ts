import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrivateCopies } from "../../src/privacy/private-copies.js";
import { DriveAccounts } from "../../src/drive/drive-accounts.js";
import { keyId, SecretBox } from "../../src/crypto/secret-box.js";
import { ROOT } from "../support/processes.js";
import { startServices, type TestServices } from "../support/services.js";

/** `npm run cli -- drive rotate-key` as a real process against the test MongoDB server. */
let env: TestServices;
beforeAll(async () => {
  env = await startServices();
});
afterAll(async () => {
  await env?.stop();
});

function cli(extraEnv: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, MONGODB_URI: env.uri, MONGODB_DB: env.dbName, TOKEN_ENCRYPTION_KEY: "", ...extraEnv } },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
  });
}

describe("admin CLI: drive rotate-key", () => {
  it("re-encrypts every stored token with the new key; without a key it says so", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = new DriveAccounts(env.db, new SecretBox([oldKey]));
    await before.connect(1, "ada@example.com", { refresh_token: "1//ada-refresh", access_token: "ya29.ada" });
    await before.connect(2, "bob@example.com", { refresh_token: "1//bob-refresh" });

    const missing = await cli({}, "drive", "rotate-key");
    expect(missing).toMatchObject({ code: 1, stderr: "codevault: TOKEN_ENCRYPTION_KEY is not set\n" });

    const unreadable = await cli({ TOKEN_ENCRYPTION_KEY: newKey.toString("base64") }, "drive", "rotate-key");
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(/2 account\(s\) were sealed with a key that is not configured/);

    const run = await cli(
      { TOKEN_ENCRYPTION_KEY: newKey.toString("base64"), TOKEN_ENCRYPTION_KEY_PREVIOUS: oldKey.toString("base64") },
      "drive",
      "rotate-key",
    );
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe("re-encrypted: 2\nalready with the current key: 0\n");
    const docs = await env.db.collection("drive_accounts").find({}).toArray();
    expect(docs.map((d) => (d.tokens as { kid: string }).kid)).toEqual([keyId(newKey), keyId(newKey)]);
    const after = new DriveAccounts(env.db, new SecretBox([newKey]));
    expect((await after.tokens(1)).tokens).toMatchObject({ refresh_token: "1//ada-refresh" });
    expect((await after.tokens(2)).tokens).toMatchObject({ refresh_token: "1//bob-refresh" });
  });

  it("re-encrypts private-copy passphrases too, so they still open after the old key is gone", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    await env.db.collection("drive_accounts").deleteMany({}); // the previous test's tokens are sealed with keys not given here
    await new PrivateCopies({ db: env.db, secretBox: new SecretBox([oldKey]) }).usePassphrase(7, "a passphrase to rotate");
    const run = await cli(
      { TOKEN_ENCRYPTION_KEY: newKey.toString("base64"), TOKEN_ENCRYPTION_KEY_PREVIOUS: oldKey.toString("base64") },
      "drive",
      "rotate-key",
    );
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain("private-copy passphrases re-encrypted: 1\n");
    const doc = await env.db.collection("privacy_settings").findOne({ _id: 7 as never });
    expect((doc!.passphrase as { kid: string }).kid).toBe(keyId(newKey));
    expect(await new PrivateCopies({ db: env.db, secretBox: new SecretBox([newKey]) }).keyFor(7)).toEqual({ kind: "passphrase", passphrase: "a passphrase to rotate" });
  });
});
