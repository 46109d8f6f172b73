import type { OAuth2Client } from "google-auth-library";
import type { DriveConfig } from "../config.js";
import type { Events } from "../events.js";
import type { DriveAccounts, DriveTokens } from "./drive-accounts.js";
import { classifyDriveError, DriveError } from "./drive-errors.js";
import { driveClient, DRIVE_SCOPE, oauthClient } from "./google-clients.js";
import { delay } from "./retry.js";

const DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

/** What the user needs to approve the bot on another device. */
export interface DevicePrompt {
  verificationUrl: string;
  userCode: string;
  /** Seconds until the code runs out. */
  expiresIn: number;
  /** Resolves once the flow ends; never rejects. */
  outcome: Promise<ConnectOutcome>;
}

export type ConnectOutcome =
  | { kind: "connected"; email: string }
  | { kind: "denied" }
  | { kind: "expired" }
  | { kind: "cancelled" }
  | { kind: "failed"; code: string };

export type DriveAvailability = "not_configured" | "no_key" | "ready";

interface TokenReply extends DriveTokens {
  error?: string;
  expires_in?: number;
}

/**
 * Connecting a Google account with the OAuth 2.0 device authorization grant (google-auth-library
 * has no helper for it, so the two endpoints are called here), then an OAuth2Client per use
 * whose refreshed tokens are sealed and stored again. Device codes and tokens live only in
 * memory and, sealed, in drive_accounts; none reaches a log line or an event.
 */
export class DriveAuth {
  private readonly pending = new Map<number, AbortController>();
  private readonly slowDownMs: number;

  constructor(
    private readonly deps: {
      config: DriveConfig;
      accounts: DriveAccounts;
      events: Events;
      /** Added to the poll interval on slow_down (Google: 5 s). */
      slowDownMs?: number;
      requestTimeoutMs?: number;
    },
  ) {
    this.slowDownMs = deps.slowDownMs ?? 5000;
  }

  /** Where the sealed tokens live (the admin CLI rotates the key through it). */
  get accounts(): DriveAccounts {
    return this.deps.accounts;
  }

  availability(): DriveAvailability {
    if (!this.deps.config.client) return "not_configured";
    if (!this.deps.config.key) return "no_key";
    return "ready";
  }

  private requireReady(): void {
    const state = this.availability();
    if (state !== "ready") throw new DriveError(state);
  }

  /** Asks Google for a user code; the returned `outcome` settles when the user approves, denies, the code expires, or cancel() is called. */
  async begin(userId: number): Promise<DevicePrompt> {
    this.requireReady();
    this.cancel(userId);
    const { config } = this.deps;
    const reply = await this.post("/device/code", { client_id: config.client!.id, scope: DRIVE_SCOPE });
    if (!reply.ok) throw new DriveError(reply.status >= 500 ? "server" : "unexpected", { status: reply.status, reason: reply.body.error });
    const body = reply.body as { device_code: string; user_code: string; verification_url: string; expires_in: number; interval?: number };
    const controller = new AbortController();
    this.pending.set(userId, controller);
    this.deps.events.emit("drive_connect_start", "info", { userId });
    const outcome = this.poll(userId, body.device_code, (body.interval ?? 5) * 1000, Date.now() + body.expires_in * 1000, controller.signal)
      .catch((err: unknown): ConnectOutcome => ({ kind: "failed", code: classifyDriveError(err).code }))
      .then((result) => {
        if (this.pending.get(userId) === controller) this.pending.delete(userId);
        this.deps.events.emit("drive_connect_end", result.kind === "connected" ? "info" : "warn", {
          userId,
          outcome: result.kind,
          ...(result.kind === "failed" ? { failure: result.code } : {}),
        });
        return result;
      });
    return { verificationUrl: body.verification_url, userCode: body.user_code, expiresIn: body.expires_in, outcome };
  }

  /** Stops a pending connect; true if there was one. */
  cancel(userId: number): boolean {
    const controller = this.pending.get(userId);
    if (!controller) return false;
    this.pending.delete(userId);
    controller.abort();
    return true;
  }

  isConnecting(userId: number): boolean {
    return this.pending.has(userId);
  }

  private async poll(userId: number, deviceCode: string, intervalMs: number, expiresAt: number, signal: AbortSignal): Promise<ConnectOutcome> {
    const { config } = this.deps;
    let interval = intervalMs;
    for (;;) {
      const wait = Math.min(interval, Math.max(0, expiresAt - Date.now()));
      try {
        await delay(wait, signal);
      } catch {
        return { kind: "cancelled" };
      }
      if (Date.now() >= expiresAt) return { kind: "expired" };
      let reply: Awaited<ReturnType<DriveAuth["post"]>>;
      try {
        reply = await this.post(
          "/token",
          { client_id: config.client!.id, client_secret: config.client!.secret, device_code: deviceCode, grant_type: DEVICE_GRANT_TYPE },
          signal,
        );
      } catch (err) {
        if (signal.aborted) return { kind: "cancelled" };
        if (classifyDriveError(err).transient) continue; // Google unreachable for a moment: keep polling until the code expires
        throw err;
      }
      if (signal.aborted) return { kind: "cancelled" };
      if (reply.ok) return this.finish(userId, reply.body as TokenReply, signal);
      switch (reply.body.error) {
        case "authorization_pending":
          continue;
        case "slow_down":
          interval += this.slowDownMs;
          continue;
        case "access_denied":
          return { kind: "denied" };
        case "expired_token":
          return { kind: "expired" };
        default:
          if (reply.status >= 500 || reply.status === 429) continue;
          return { kind: "failed", code: reply.body.error === "invalid_client" ? "not_configured" : "unexpected" };
      }
    }
  }

  /** Approved: learn the account's address (about.get), then seal and store the tokens. */
  private async finish(userId: number, reply: TokenReply, signal: AbortSignal): Promise<ConnectOutcome> {
    const tokens: DriveTokens = {
      access_token: reply.access_token ?? null,
      refresh_token: reply.refresh_token ?? null,
      expiry_date: reply.expires_in ? Date.now() + reply.expires_in * 1000 : null,
      scope: reply.scope,
      token_type: reply.token_type ?? "Bearer",
    };
    const client = oauthClient(this.deps.config);
    client.setCredentials(tokens);
    const about = await driveClient(this.deps.config, client).about.get({ fields: "user(emailAddress)" });
    const email = about.data.user?.emailAddress;
    if (!email) return { kind: "failed", code: "unexpected" };
    if (signal.aborted) {
      // Cancelled while we were finishing: do not keep a grant the user walked away from.
      await client.revokeToken(tokens.refresh_token ?? tokens.access_token ?? "").catch(() => {});
      return { kind: "cancelled" };
    }
    await this.deps.accounts.connect(userId, email, tokens);
    return { kind: "connected", email };
  }

  /**
   * An OAuth2Client holding the user's tokens; tokens it refreshes are merged and sealed again.
   * DriveError not_connected / key_unknown / no_key / not_configured when it cannot be had.
   */
  async client(userId: number): Promise<{ client: OAuth2Client; email: string }> {
    this.requireReady();
    const { email, tokens } = await this.deps.accounts.tokens(userId);
    const client = oauthClient(this.deps.config);
    client.setCredentials(tokens);
    client.on("tokens", (fresh) => {
      this.deps.accounts
        .mergeTokens(userId, fresh)
        .catch((err: unknown) => this.deps.events.emit("drive_token_store_error", "error", { userId, failure: classifyDriveError(err).code }));
    });
    return { client, email };
  }

  /** Google refused the grant (revoked, expired): forget the tokens so the user is asked to connect again. */
  async markRevoked(userId: number): Promise<void> {
    await this.deps.accounts.disconnect(userId, "revoked");
    this.deps.events.emit("drive_disconnected", "warn", { userId, reason: "revoked" });
  }

  /**
   * Revokes the grant at Google's /revoke and forgets the tokens. `revoked` is false when Google
   * could not be reached (the tokens are forgotten anyway; the user can remove access in their account).
   */
  async disconnect(userId: number): Promise<{ revoked: boolean; wasConnected: boolean }> {
    let tokens: DriveTokens | undefined;
    try {
      tokens = (await this.deps.accounts.tokens(userId)).tokens;
    } catch (err) {
      if (!(err instanceof DriveError)) throw err;
    }
    let revoked = false;
    const token = tokens?.refresh_token ?? tokens?.access_token;
    if (token && this.deps.config.client) {
      try {
        await oauthClient(this.deps.config).revokeToken(token);
        revoked = true;
      } catch (err) {
        // Already revoked or expired at Google: nothing left to revoke.
        revoked = !classifyDriveError(err).transient;
      }
    }
    await this.deps.accounts.disconnect(userId, "user");
    this.deps.events.emit("drive_disconnected", "info", { userId, reason: "user", revoked });
    return { revoked, wasConnected: tokens !== undefined };
  }

  private async post(path: string, form: Record<string, string>, signal?: AbortSignal): Promise<{ ok: boolean; status: number; body: Record<string, unknown> & { error?: string } }> {
    const timeout = AbortSignal.timeout(this.deps.requestTimeoutMs ?? 30_000);
    const res = await fetch(`${this.deps.config.oauthRoot}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { error: "unparseable_reply" };
    }
    return { ok: res.ok, status: res.status, body: body as Record<string, unknown> & { error?: string } };
  }
}
