import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { drive } from "@googleapis/drive";
import { OAuth2Client } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { FOLDER_MIME, startFakeGoogle, type FakeGoogle } from "../support/fake-google/index.js";

/** Contract: the fake behaves like Google's OAuth and Drive v3 endpoints as seen by Google's own clients and by fetch. */

let google: FakeGoogle;
afterEach(async () => {
  await google?.close();
});

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

async function form(path: string, body: Record<string, string>) {
  const res = await fetch(google.root + path, { method: "POST", body: new URLSearchParams(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function deviceCode() {
  const { body } = await form("/device/code", { client_id: google.clientId, scope: "https://www.googleapis.com/auth/drive.file" });
  return body as { device_code: string; user_code: string; verification_url: string; expires_in: number; interval: number };
}

const poll = (device_code: string) =>
  form("/token", {
    client_id: google.clientId,
    client_secret: google.clientSecret,
    device_code,
    grant_type: "urn:ietf:params:oauth:grant-type:device_code",
  });

/** A connected account: tokens from the device flow and clients over them. */
async function connected(email = "ada@example.com") {
  const code = await deviceCode();
  google.approve(code.user_code, email);
  const tokens = (await poll(code.device_code)).body as { access_token: string; refresh_token: string; expires_in: number };
  const auth = new OAuth2Client({
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    endpoints: { oauth2TokenUrl: `${google.root}/token`, oauth2RevokeUrl: `${google.root}/revoke` },
  });
  auth.setCredentials({ access_token: tokens.access_token, refresh_token: tokens.refresh_token, expiry_date: Date.now() + tokens.expires_in * 1000 });
  const api = drive({ version: "v3", auth, rootUrl: `${google.root}/`, retry: false });
  return { tokens, auth, api, email };
}

describe("fake Google: device flow and tokens", () => {
  it("issues a user code, answers authorization_pending, slow_down when polled too fast, then tokens once", async () => {
    google = await startFakeGoogle({ deviceInterval: 0.2 });
    const code = await deviceCode();
    expect(code).toMatchObject({ verification_url: "https://www.google.com/device", interval: 0.2, expires_in: 1800 });
    expect(code.user_code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(await poll(code.device_code)).toMatchObject({ status: 428, body: { error: "authorization_pending" } });
    expect(await poll(code.device_code)).toMatchObject({ status: 403, body: { error: "slow_down" } });
    google.slowDown(code.user_code, 1);
    google.grant(code.user_code).lastPollAt = 0;
    expect(await poll(code.device_code)).toMatchObject({ status: 403, body: { error: "slow_down" } });
    google.approve(code.user_code, "ada@example.com");
    google.grant(code.user_code).lastPollAt = 0;
    const ok = await poll(code.device_code);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "Bearer", scope: "https://www.googleapis.com/auth/drive.file" });
    expect(google.state.issued).toEqual([ok.body.access_token, ok.body.refresh_token]);
    google.grant(code.user_code).lastPollAt = 0;
    expect(await poll(code.device_code)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("answers access_denied, expired_token, and invalid_client for a wrong secret", async () => {
    google = await startFakeGoogle({ deviceInterval: 0 });
    const denied = await deviceCode();
    google.deny(denied.user_code);
    expect(await poll(denied.device_code)).toMatchObject({ status: 403, body: { error: "access_denied" } });
    const expired = await deviceCode();
    google.expire(expired.user_code);
    expect(await poll(expired.device_code)).toMatchObject({ status: 400, body: { error: "expired_token" } });
    const bad = await form("/token", { client_id: google.clientId, client_secret: "nope", device_code: denied.device_code, grant_type: "x" });
    expect(bad).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("refreshes through google-auth-library, revokes at /revoke, then refuses the refresh token with invalid_grant", async () => {
    google = await startFakeGoogle({ deviceInterval: 0 });
    const { auth, tokens } = await connected();
    const refreshed: unknown[] = [];
    auth.on("tokens", (t) => refreshed.push(t));
    google.state.expireAccessTokens();
    auth.setCredentials({ ...auth.credentials, expiry_date: Date.now() - 1 });
    const { token } = await auth.getAccessToken();
    expect(token).not.toBe(tokens.access_token);
    expect(refreshed).toEqual([expect.objectContaining({ access_token: token })]);

    await auth.revokeToken(tokens.refresh_token);
    expect(google.state.revoked).toEqual([tokens.refresh_token]);
    await expect(auth.refreshAccessToken()).rejects.toMatchObject({ response: { status: 400, data: { error: "invalid_grant" } } });
    await expect(auth.revokeToken("never-issued")).rejects.toMatchObject({ response: { status: 400 } });
  });
});

describe("fake Google: Drive v3 through @googleapis/drive", () => {
  it("about.get needs fields; returns the address and quota", async () => {
    google = await startFakeGoogle({ deviceInterval: 0 });
    const { api } = await connected();
    google.state.account("ada@example.com").quotaLimit = 1000;
    await expect(api.about.get({})).rejects.toMatchObject({ response: { status: 400 } });
    const { data } = await api.about.get({ fields: "user(emailAddress),storageQuota(limit,usage)" });
    expect(data).toEqual({ user: { emailAddress: "ada@example.com" }, storageQuota: { limit: "1000", usage: "0" } });
  });

  it("creates folders and files, lists with the q subset, gets, deletes; refuses bad tokens and unknown query syntax", async () => {
    google = await startFakeGoogle({ deviceInterval: 0 });
    const { api } = await connected();
    const folder = await api.files.create({
      requestBody: { name: "codevault backups", mimeType: FOLDER_MIME, appProperties: { app: "codevault", role: "backups" } },
      fields: "id",
    });
    const folderId = folder.data.id!;
    const bytes = randomBytes(5000);
    const up = await api.files.create(
      {
        requestBody: { name: "b.zip", parents: [folderId], appProperties: { app: "codevault", backupId: "b1" } },
        media: { mimeType: "application/zip", body: Readable.from([bytes]) },
        fields: "id,size,md5Checksum,webViewLink",
      },
      { rootUrl: `${google.root}/` },
    );
    expect(up.data).toMatchObject({ size: "5000", md5Checksum: md5(bytes) });
    expect(up.data.webViewLink).toMatch(/^https:\/\/drive\.google\.com\/file\/d\//);
    expect(google.files("ada@example.com", folderId)[0]!.content).toEqual(bytes);

    const list = await api.files.list({
      q: `'${folderId}' in parents and appProperties has { key='app' and value='codevault' } and mimeType != '${FOLDER_MIME}' and trashed = false`,
      fields: "files(id,name)",
    });
    expect(list.data).toEqual({ files: [{ id: up.data.id, name: "b.zip" }] });
    const folders = await api.files.list({ q: `mimeType = '${FOLDER_MIME}' and trashed = false`, fields: "files(id)" });
    expect(folders.data.files).toEqual([{ id: folderId }]);
    await expect(api.files.list({ q: "fullText contains 'x'" })).rejects.toMatchObject({ response: { status: 400 } });

    expect((await api.files.get({ fileId: up.data.id!, fields: "id,md5Checksum" })).data).toEqual({ id: up.data.id, md5Checksum: md5(bytes) });
    await api.files.delete({ fileId: folderId });
    await expect(api.files.get({ fileId: up.data.id!, fields: "id" })).rejects.toMatchObject({ response: { status: 404 } });

    const forged = new OAuth2Client();
    forged.setCredentials({ access_token: "ya29.forged" });
    const stranger = drive({ version: "v3", auth: forged, rootUrl: `${google.root}/`, retry: false });
    await expect(stranger.files.list({})).rejects.toMatchObject({ response: { status: 401 } });
  });
});

describe("fake Google: resumable uploads and faults", () => {
  async function session(auth: OAuth2Client, size: number) {
    const res = await auth.request({
      url: `${google.root}/upload/drive/v3/files`,
      method: "POST",
      params: { uploadType: "resumable", fields: "id,size,md5Checksum" },
      headers: { "x-upload-content-length": String(size), "content-type": "application/json" },
      data: JSON.stringify({ name: "big.zip" }),
    });
    return res.headers.get("location")!;
  }
  const put = (auth: OAuth2Client, url: string, range: string, data?: Buffer) =>
    auth.request({ url, method: "PUT", headers: { "content-range": range }, data, validateStatus: () => true });

  it("takes 256 KiB-multiple chunks, answers 308 with Range, reports status, completes with md5; counts bytes", async () => {
    google = await startFakeGoogle({ deviceInterval: 0 });
    const { auth } = await connected();
    const K = 256 * 1024;
    const bytes = randomBytes(3 * K + 100);
    const url = await session(auth, bytes.length);
    const id = new URL(url).searchParams.get("upload_id")!;
    expect((await put(auth, url, `bytes */${bytes.length}`)).status).toBe(308);
    expect((await put(auth, url, `bytes 0-99/${bytes.length}`, bytes.subarray(0, 100))).status).toBe(400);
    const first = await put(auth, url, `bytes 0-${2 * K - 1}/${bytes.length}`, bytes.subarray(0, 2 * K));
    expect(first.status).toBe(308);
    expect(first.headers.get("range")).toBe(`bytes=0-${2 * K - 1}`);
    expect((await put(auth, url, `bytes */${bytes.length}`)).headers.get("range")).toBe(`bytes=0-${2 * K - 1}`);

    google.faults.add({ kind: "drop", afterBytes: K + 10 }, { path: "/upload/", method: "PUT", withBody: true });
    await expect(put(auth, url, `bytes ${2 * K}-${bytes.length - 1}/${bytes.length}`, bytes.subarray(2 * K))).rejects.toThrow();
    const status = await put(auth, url, `bytes */${bytes.length}`);
    expect(status.headers.get("range")).toBe(`bytes=0-${3 * K - 1}`); // whole blocks of the cut chunk were kept
    const done = await put(auth, url, `bytes ${3 * K}-${bytes.length - 1}/${bytes.length}`, bytes.subarray(3 * K));
    expect(done.status).toBe(200);
    expect(done.data).toMatchObject({ size: String(bytes.length), md5Checksum: md5(bytes) });
    expect(google.state.uploads.get(id)).toMatchObject({ chunkStarts: [0, 2 * K, 3 * K] });
    expect(google.state.uploads.get(id)!.bytesReceived).toBeGreaterThanOrEqual(bytes.length + 10);
    expect((await put(auth, url, `bytes */${bytes.length}`)).status).toBe(200);
  });

  it("injects 503 and 429 with Retry-After for the next n matching requests, quota exceeded, and a wrong md5", async () => {
    google = await startFakeGoogle({ deviceInterval: 0 });
    const { api, auth, email } = await connected();
    google.faults.add({ kind: "status", status: 503 }, { times: 2, path: "/drive/v3/files" });
    google.faults.add({ kind: "status", status: 429, retryAfter: 7 }, { path: "/drive/v3/about" });
    for (let i = 0; i < 2; i++) await expect(api.files.list({})).rejects.toMatchObject({ response: { status: 503 } });
    expect((await api.files.list({ fields: "files(id)" })).status).toBe(200);
    const limited = (await api.about.get({ fields: "user" }).then(
      () => undefined,
      (e: { response: Response & { data: unknown } }) => e.response,
    ))!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.data).toMatchObject({ error: { errors: [{ reason: "rateLimitExceeded" }] } });

    google.state.account(email).quotaLimit = 10;
    const full = await auth.request({
      url: `${google.root}/upload/drive/v3/files`,
      method: "POST",
      params: { uploadType: "resumable" },
      headers: { "x-upload-content-length": "11" },
      data: "{}",
      validateStatus: () => true,
    });
    expect(full).toMatchObject({ status: 403, data: { error: { errors: [{ reason: "storageQuotaExceeded" }] } } });

    google.state.account(email).quotaLimit = undefined;
    google.corruptMd5();
    const bytes = Buffer.from("hello");
    const up = await api.files.create(
      { requestBody: { name: "x" }, media: { body: Readable.from([bytes]) }, fields: "md5Checksum" },
      { rootUrl: `${google.root}/` },
    );
    expect(up.data.md5Checksum).not.toBe(md5(bytes));
    google.faults.add({ kind: "drop" });
    await expect(api.files.list({})).rejects.toThrow();
  });
});
