import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleDrive, driveError } from "./drive.js";
import { Faults, type Fault } from "./faults.js";
import { drain, send, type FakeRequest } from "./http.js";
import { handleOAuth, type OAuthOptions } from "./oauth.js";
import { FOLDER_MIME, GoogleState, type DeviceGrant, type FakeFile } from "./state.js";
import { handleUpload, type UploadControls } from "./upload.js";

export { FOLDER_MIME, md5 } from "./state.js";
export type { FakeFile, UploadSession } from "./state.js";
export type { Fault } from "./faults.js";

export interface FakeGoogleOptions extends Partial<OAuthOptions> {
  keepContent?: boolean;
}

/**
 * A Google we own, over node:http on 127.0.0.1: the OAuth device flow, token refresh and
 * revoke (GOOGLE_OAUTH_ROOT = `root`) and the Drive v3 subset codevault uses
 * (GOOGLE_API_ROOT = `root`), with fault injection. One OAuth client is registered.
 */
export interface FakeGoogle {
  root: string;
  clientId: string;
  clientSecret: string;
  state: GoogleState;
  faults: Faults;
  /** The pending device grant with this user code (as the user types it at google.com/device). */
  grant(userCode: string): DeviceGrant;
  /** The user signs in as `email` and allows access. */
  approve(userCode: string, email: string): void;
  deny(userCode: string): void;
  /** The device code runs out now. */
  expire(userCode: string): void;
  /** The next `times` polls of this code get slow_down whatever their pace. */
  slowDown(userCode: string, times?: number): void;
  /** The next `times` completed uploads report a wrong md5Checksum. */
  corruptMd5(times?: number): void;
  /** An account's Drive: its live files, optionally inside one folder. */
  files(email: string, parent?: string): FakeFile[];
  folders(email: string): FakeFile[];
  close(): Promise<void>;
}

export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const state = new GoogleState();
  const faults = new Faults();
  const clientId = "1234-fake.apps.googleusercontent.com";
  const clientSecret = "GOCSPX-fake-client-secret";
  state.clients.set(clientId, clientSecret);
  const oauth: OAuthOptions = {
    deviceExpiresIn: opts.deviceExpiresIn ?? 1800,
    deviceInterval: opts.deviceInterval ?? 5,
    accessTokenLifetime: opts.accessTokenLifetime ?? 3599,
  };
  const controls: UploadControls = { corruptMd5: 0, keepContent: opts.keepContent ?? true };
  const slowDowns = new Map<string, number>();
  let origin = "";

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const r: FakeRequest = { req, res, method: req.method ?? "GET", url, origin };
    const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
    let fault = faults.take(r.method, url.pathname, hasBody);
    if (fault?.kind === "hold") {
      const socket = req.socket;
      fault.onHeld?.();
      await Promise.race([fault.until, new Promise((resolve) => socket.once("close", resolve))]);
      if (socket.destroyed) return; // the client gave up: nothing happens on "Drive"
      fault = undefined;
    }
    if (fault && !(fault.kind === "drop" && fault.afterBytes !== undefined)) return serveFault(r, fault);
    if (await handleOAuth(r, state, oauth, slowDowns)) return;
    if (await handleUpload(r, state, controls, fault)) return;
    if (await handleDrive(r, state)) return;
    await drain(req);
    send(res, 404, { error: { code: 404, message: `Not Found: ${url.pathname}` } });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error("[fake-google] handler failed", e);
      if (!res.headersSent) send(res, 500, { error: { code: 500, message: "fake-google handler failed" } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const grant = (userCode: string) => {
    const found = [...state.grants.values()].find((g) => g.userCode === userCode);
    if (!found) throw new Error(`fake-google: no device grant with user code ${userCode}`);
    return found;
  };
  return {
    root: origin,
    clientId,
    clientSecret,
    state,
    faults,
    grant,
    approve(userCode, email) {
      const g = grant(userCode);
      g.state = "approved";
      g.email = email;
      state.account(email);
    },
    deny: (userCode) => void (grant(userCode).state = "denied"),
    expire: (userCode) => void (grant(userCode).expiresAt = Date.now() - 1),
    slowDown: (userCode, times = 1) => void slowDowns.set(userCode, times),
    corruptMd5: (times = 1) => void (controls.corruptMd5 = times),
    files: (email, parent) => state.liveFiles(email, parent).filter((f) => f.mimeType !== FOLDER_MIME),
    folders: (email) => state.liveFiles(email).filter((f) => f.mimeType === FOLDER_MIME),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serveFault(r: FakeRequest, fault: Exclude<Fault, { kind: "hold" }>): Promise<void> {
  if (fault.kind === "drop") {
    r.req.socket.destroy();
    return;
  }
  await drain(r.req);
  const headers: Record<string, string> = fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
  if (r.url.pathname === "/token" || r.url.pathname === "/device/code" || r.url.pathname === "/revoke")
    return send(r.res, fault.status, { error: fault.reason ?? "internal_failure", error_description: fault.message ?? "fault" }, headers);
  driveError(r, fault.status, fault.reason, fault.message, headers);
}
