import { drive, type drive_v3 } from "@googleapis/drive";
import { OAuth2Client } from "google-auth-library";
import type { DriveConfig } from "../config.js";

/** Only the files this app creates (and opens) — the bot never sees the rest of a user's Drive. */
export const DRIVE_SCOPE = "https://www.googleapis.com/auth/drive.file";

/** Google's OAuth client with refresh and revoke pointed at GOOGLE_OAUTH_ROOT. */
export function oauthClient(config: DriveConfig): OAuth2Client {
  const client = config.client!;
  return new OAuth2Client({
    clientId: client.id,
    clientSecret: client.secret,
    endpoints: { oauth2TokenUrl: `${config.oauthRoot}/token`, oauth2RevokeUrl: `${config.oauthRoot}/revoke` },
  });
}

/**
 * The Drive v3 client at GOOGLE_API_ROOT. Its own retries are off: every failure goes through
 * classifyDriveError and withRetry, which honour Retry-After. Media uploads must still pass
 * `{ rootUrl }` per call (the global rootUrl does not move /upload URLs).
 */
export function driveClient(config: DriveConfig, auth: OAuth2Client): drive_v3.Drive {
  return drive({ version: "v3", auth, rootUrl: `${config.apiRoot}/`, retry: false, timeout: 60_000 });
}
