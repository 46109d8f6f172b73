import { randomBytes } from "node:crypto";
import type { FakeRequest } from "./http.js";
import { readForm, send } from "./http.js";
import type { DeviceGrant, GoogleState } from "./state.js";

export const DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
export const VERIFICATION_URL = "https://www.google.com/device";

export interface OAuthOptions {
  /** Seconds the device code lives (Google: 1800). */
  deviceExpiresIn: number;
  /** Seconds between polls Google asks for (Google: 5). Fractions are allowed for fast tests. */
  deviceInterval: number;
  /** Lifetime of access tokens in seconds (Google: 3599). */
  accessTokenLifetime: number;
}

function oauthError(r: FakeRequest, status: number, error: string, description?: string) {
  send(r.res, status, { error, ...(description ? { error_description: description } : {}) });
}

function userCode(): string {
  const letters = "BCDFGHJKLMNPQRSTVWXZ";
  const pick = () => Array.from(randomBytes(4), (b) => letters[b % letters.length]).join("");
  return `${pick()}-${pick()}`;
}

/** POST /device/code, POST /token (device code and refresh token grants), POST /revoke. */
export async function handleOAuth(r: FakeRequest, state: GoogleState, opts: OAuthOptions, forcedSlowDowns: Map<string, number>): Promise<boolean> {
  const path = r.url.pathname;
  if (r.method === "POST" && path === "/device/code") {
    const form = await readForm(r.req);
    const clientId = form.get("client_id") ?? "";
    if (!state.clients.has(clientId)) return oauthError(r, 401, "invalid_client", "The OAuth client was not found."), true;
    const scope = form.get("scope") ?? "";
    if (!scope) return oauthError(r, 400, "invalid_scope", "Missing scope"), true;
    const grant: DeviceGrant = {
      deviceCode: `AH-${randomBytes(32).toString("base64url")}`,
      userCode: userCode(),
      clientId,
      scope,
      expiresAt: Date.now() + opts.deviceExpiresIn * 1000,
      interval: opts.deviceInterval,
      state: "pending",
    };
    state.grants.set(grant.deviceCode, grant);
    send(r.res, 200, {
      device_code: grant.deviceCode,
      user_code: grant.userCode,
      expires_in: opts.deviceExpiresIn,
      interval: opts.deviceInterval,
      verification_url: VERIFICATION_URL,
    });
    return true;
  }
  if (r.method === "POST" && path === "/token") {
    const form = await readForm(r.req);
    const clientId = form.get("client_id") ?? "";
    if (!state.clients.has(clientId) || state.clients.get(clientId) !== form.get("client_secret"))
      return oauthError(r, 401, "invalid_client", "Unauthorized"), true;
    const grantType = form.get("grant_type");
    if (grantType === DEVICE_GRANT_TYPE) return pollDevice(r, state, opts, form.get("device_code") ?? "", forcedSlowDowns), true;
    if (grantType === "refresh_token") {
      const token = state.tokens.get(form.get("refresh_token") ?? "");
      if (!token || token.kind !== "refresh" || state.revokedGrants.has(token.grantId))
        return oauthError(r, 400, "invalid_grant", "Token has been expired or revoked."), true;
      const access = state.issue("access", token.email, token.scope, token.grantId, opts.accessTokenLifetime * 1000);
      send(r.res, 200, { access_token: access.token, expires_in: opts.accessTokenLifetime, scope: token.scope, token_type: "Bearer" });
      return true;
    }
    return oauthError(r, 400, "unsupported_grant_type", `Invalid grant_type: ${grantType ?? ""}`), true;
  }
  if (r.method === "POST" && path === "/revoke") {
    const form = await readForm(r.req);
    const token = r.url.searchParams.get("token") ?? form.get("token") ?? "";
    state.revoked.push(token);
    if (!state.revokeGrantOf(token)) return oauthError(r, 400, "invalid_token", "Token expired or revoked"), true;
    send(r.res, 200, {});
    return true;
  }
  return false;
}

function pollDevice(r: FakeRequest, state: GoogleState, opts: OAuthOptions, deviceCode: string, forcedSlowDowns: Map<string, number>) {
  const grant = state.grants.get(deviceCode);
  if (!grant) return oauthError(r, 400, "invalid_grant", "Bad Request");
  const now = Date.now();
  const polledTooSoon = grant.lastPollAt !== undefined && now - grant.lastPollAt < grant.interval * 1000 * 0.8;
  grant.lastPollAt = now;
  if (grant.state === "used") return oauthError(r, 400, "invalid_grant", "Bad Request");
  if (now >= grant.expiresAt) return oauthError(r, 400, "expired_token", "The device code has expired.");
  if (grant.state === "denied") return oauthError(r, 403, "access_denied", "Forbidden");
  const forced = forcedSlowDowns.get(grant.userCode) ?? 0;
  if (forced > 0 || polledTooSoon) {
    forcedSlowDowns.set(grant.userCode, Math.max(0, forced - 1));
    return oauthError(r, 403, "slow_down", "Forbidden");
  }
  if (grant.state === "pending") return oauthError(r, 428, "authorization_pending", "Precondition Required");
  grant.state = "used";
  const grantId = randomBytes(8).toString("hex");
  const access = state.issue("access", grant.email!, grant.scope, grantId, opts.accessTokenLifetime * 1000);
  const refresh = state.issue("refresh", grant.email!, grant.scope, grantId);
  send(r.res, 200, {
    access_token: access.token,
    expires_in: opts.accessTokenLifetime,
    refresh_token: refresh.token,
    scope: grant.scope,
    token_type: "Bearer",
  });
}
