import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { DriveError } from "../../src/drive/drive-errors.js";
import { collectionsContaining } from "../support/db-search.js";
import { connectDrive, startDriveEnv, type DriveTestEnv } from "../support/drive-env.js";

let env: DriveTestEnv | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

const ADA = 101;

describe("connecting Google Drive with the device flow", () => {
  it("approve: shows the URL and code, polls until approved, stores the account's address and only sealed tokens", async () => {
    env = await startDriveEnv();
    const prompt = await env.services.driveAuth.begin(ADA);
    expect(prompt).toMatchObject({ verificationUrl: "https://www.google.com/device", expiresIn: 1800 });
    expect(prompt.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    // Polls are answered "pending" until the user approves on their phone.
    await expect.poll(() => env!.google.grant(prompt.userCode).lastPollAt).toBeDefined();
    env.google.approve(prompt.userCode, "ada@example.com");
    expect(await prompt.outcome).toEqual({ kind: "connected", email: "ada@example.com" });

    const status = await env.services.drive.status(ADA);
    expect(status).toMatchObject({ availability: "ready", connected: true, email: "ada@example.com", copies: 0 });
    const doc = await env.db.collection("drive_accounts").findOne({ _id: ADA as never });
    expect(doc).toMatchObject({ status: "connected", email: "ada@example.com", tokens: { v: 1, kid: expect.any(String) } });
    expect(env.google.state.issued).toHaveLength(2);
    expect(await collectionsContaining(env.db, env.google.state.issued)).toEqual({});
  });

  it("slow_down adds to the interval and the flow still completes", async () => {
    env = await startDriveEnv();
    const prompt = await env.services.driveAuth.begin(ADA);
    env.google.slowDown(prompt.userCode, 2);
    await expect.poll(() => env!.google.grant(prompt.userCode).lastPollAt).toBeDefined();
    env.google.approve(prompt.userCode, "ada@example.com");
    expect(await prompt.outcome).toEqual({ kind: "connected", email: "ada@example.com" });
  });

  it("deny, expire and cancel end the flow with their own outcome and store nothing", async () => {
    env = await startDriveEnv();
    const { driveAuth } = env.services;
    const denied = await driveAuth.begin(ADA);
    env.google.deny(denied.userCode);
    expect(await denied.outcome).toEqual({ kind: "denied" });

    const expired = await driveAuth.begin(ADA);
    env.google.expire(expired.userCode);
    expect(await expired.outcome).toEqual({ kind: "expired" });

    const cancelled = await driveAuth.begin(ADA);
    expect(driveAuth.isConnecting(ADA)).toBe(true);
    expect(driveAuth.cancel(ADA)).toBe(true);
    expect(await cancelled.outcome).toEqual({ kind: "cancelled" });
    expect(driveAuth.isConnecting(ADA)).toBe(false);
    // Approving after the cancel gives the bot nothing: it stopped polling.
    env.google.approve(cancelled.userCode, "ada@example.com");
    expect(await env.db.collection("drive_accounts").countDocuments()).toBe(0);
    expect((await env.services.drive.status(ADA)).connected).toBe(false);
  });

  it("a code that runs out while nobody answers ends as expired (the bot stops at expires_in)", async () => {
    env = await startDriveEnv({ google: { deviceExpiresIn: 0.3, deviceInterval: 0.05 } });
    const prompt = await env.services.driveAuth.begin(ADA);
    expect(await prompt.outcome).toEqual({ kind: "expired" });
  });

  it("refreshed tokens are merged, sealed again with a fresh nonce, and keep the refresh token", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, "ada@example.com");
    const before = await env.db.collection("drive_accounts").findOne({ _id: ADA as never });
    env.google.state.expireAccessTokens();
    const { client } = await env.services.driveAuth.client(ADA);
    client.setCredentials({ ...client.credentials, expiry_date: Date.now() - 1 });
    await client.getAccessToken();
    await expect
      .poll(async () => ((await env!.db.collection("drive_accounts").findOne({ _id: ADA as never }))?.tokens as { iv: string }).iv)
      .not.toBe((before!.tokens as { iv: string }).iv);
    expect(env.google.state.issued).toHaveLength(3);
    expect(await collectionsContaining(env.db, env.google.state.issued)).toEqual({});
    // The stored refresh token still works: a new client refreshes again.
    env.google.state.expireAccessTokens();
    const again = await env.services.driveAuth.client(ADA);
    again.client.setCredentials({ ...again.client.credentials, expiry_date: Date.now() - 1 });
    expect((await again.client.getAccessToken()).token).toBe(env.google.state.issued[3]);
  });

  it("disconnect revokes the grant at /revoke and forgets the tokens", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, "ada@example.com");
    const refresh = env.google.state.issued[1]!;
    expect(await env.services.driveAuth.disconnect(ADA)).toEqual({ revoked: true, wasConnected: true });
    expect(env.google.state.revoked).toEqual([refresh]);
    expect(env.google.state.revokedGrants.size).toBe(1);
    const doc = await env.db.collection("drive_accounts").findOne({ _id: ADA as never });
    expect(doc).toMatchObject({ status: "disconnected", disconnectReason: "user" });
    expect(doc).not.toHaveProperty("tokens");
    await expect(env.services.driveAuth.client(ADA)).rejects.toMatchObject({ code: "not_connected", kind: "needs_user" });
  });
});

describe("disconnect when Google cannot be reached", () => {
  it("forgets the tokens anyway and says the grant was not revoked (the user removes it at Google)", async () => {
    env = await startDriveEnv();
    await connectDrive(env, ADA, "ada@example.com");
    env.google.faults.add({ kind: "drop" }, { path: "/revoke", times: 5 });
    expect(await env.services.driveAuth.disconnect(ADA)).toEqual({ revoked: false, wasConnected: true });
    expect(env.google.state.revokedGrants.size).toBe(0);
    expect(await env.db.collection("drive_accounts").findOne({ _id: ADA as never })).not.toHaveProperty("tokens");
    expect(await env.services.driveAuth.disconnect(ADA)).toEqual({ revoked: false, wasConnected: false });
  });
});

describe("fail closed: no key, a lost key, rotation", () => {
  it("without TOKEN_ENCRYPTION_KEY nobody can connect and nothing is stored; without a client Drive is not set up", async () => {
    env = await startDriveEnv({ key: null });
    expect(env.services.driveAuth.availability()).toBe("no_key");
    await expect(env.services.driveAuth.begin(ADA)).rejects.toEqual(new DriveError("no_key"));
    expect(env.google.state.grants.size).toBe(0);
    expect(await env.db.collection("drive_accounts").countDocuments()).toBe(0);
  });

  it("tokens sealed with a key the server no longer has are unusable: the user is asked to connect again", async () => {
    const oldKey = randomBytes(32);
    env = await startDriveEnv({ key: oldKey });
    await connectDrive(env, ADA, "ada@example.com");
    const { createServices } = await import("../../src/app.js");
    const other = createServices({ db: env.db, events: env.events, drive: { ...env.driveConfig, key: randomBytes(32) } });
    await expect(other.driveAuth.client(ADA)).rejects.toMatchObject({ code: "key_unknown", kind: "needs_user" });
    expect(await other.drive.status(ADA)).toMatchObject({ connected: false, disconnectReason: "key_unknown" });
  });

  it("rotate-key re-seals every token with the new key; the old key is then no longer needed", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    env = await startDriveEnv({ key: oldKey });
    await connectDrive(env, ADA, "ada@example.com");
    await connectDrive(env, 102, "bob@example.com");
    const { createServices } = await import("../../src/app.js");
    const rotated = createServices({ db: env.db, events: env.events, drive: { ...env.driveConfig, key: newKey, previousKeys: [oldKey] } });
    expect(await rotated.driveAuth.accounts.rotateKey()).toEqual({ rotated: 2, current: 0, unreadable: 0 });
    expect(await rotated.driveAuth.accounts.rotateKey()).toEqual({ rotated: 0, current: 2, unreadable: 0 });
    const onlyNew = createServices({ db: env.db, events: env.events, drive: { ...env.driveConfig, key: newKey } });
    expect((await onlyNew.driveAuth.client(102)).email).toBe("bob@example.com");
    expect(await collectionsContaining(env.db, env.google.state.issued)).toEqual({});
  });
});

describe("secrets stay out of logs", () => {
  it("no token, device code, client secret or Authorization header in any log line of connect, refresh, upload, failure and disconnect", async () => {
    env = await startDriveEnv({ tuning: { chunkBytes: 256 * 1024, multipartMaxBytes: 1024 } });
    await connectDrive(env, ADA, "ada@example.com");
    await env.services.files.save(ADA, { fileName: "a.txt", content: randomBytes(400_000).toString("base64") });
    const backup = await env.services.backups.create(ADA);
    env.google.state.expireAccessTokens();
    env.google.faults.add({ kind: "status", status: 503 }, { path: "/upload/", times: 2 });
    await env.services.drive.upload(ADA, backup.id);
    env.google.state.account("ada@example.com").quotaLimit = 1;
    await expect(env.services.drive.upload(ADA, (await env.services.backups.create(ADA)).id)).rejects.toMatchObject({ code: "quota" });
    await env.services.driveAuth.disconnect(ADA);

    const grants = [...env.google.state.grants.values()];
    const secrets = [...env.google.state.issued, ...grants.map((g) => g.deviceCode), ...grants.map((g) => g.userCode), env.google.clientSecret];
    expect(env.logs.length).toBeGreaterThan(5);
    expect(env.logs.join("\n")).toContain('"failure":"quota"');
    for (const line of env.logs) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(line.toLowerCase()).not.toContain("bearer");
    }
  });
});
