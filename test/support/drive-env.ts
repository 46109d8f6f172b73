import { randomBytes } from "node:crypto";
import type { DriveTuning } from "../../src/app.js";
import type { DriveConfig } from "../../src/config.js";
import { startFakeGoogle, type FakeGoogle, type FakeGoogleOptions } from "./fake-google/index.js";
import { startServices, type TestServices } from "./services.js";

export interface DriveTestEnv extends TestServices {
  google: FakeGoogle;
  driveConfig: DriveConfig;
}

/** Fast waits for tests: no real backoff, polls every few ms. */
export const FAST_TUNING: DriveTuning = {
  retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 },
  slowDownMs: 20,
};

/** The services over a fresh database, with Drive pointed at a fresh fake Google. */
export async function startDriveEnv(
  opts: { google?: FakeGoogleOptions; tuning?: DriveTuning; keep?: number; key?: Buffer | null; previousKeys?: Buffer[] } = {},
): Promise<DriveTestEnv> {
  const google = await startFakeGoogle({ deviceInterval: 0.02, ...opts.google });
  const driveConfig: DriveConfig = {
    client: { id: google.clientId, secret: google.clientSecret },
    key: opts.key === null ? undefined : (opts.key ?? randomBytes(32)),
    previousKeys: opts.previousKeys ?? [],
    oauthRoot: google.root,
    apiRoot: google.root,
    keep: opts.keep ?? 10,
  };
  const env = await startServices({ drive: driveConfig, driveTuning: { ...FAST_TUNING, ...opts.tuning } });
  return {
    ...env,
    google,
    driveConfig,
    stop: async () => {
      await env.stop();
      await google.close();
    },
  };
}

/** Connects `userId` as `email` through the device flow against the fake. */
export async function connectDrive(env: DriveTestEnv, userId: number, email: string): Promise<void> {
  const prompt = await env.services.driveAuth.begin(userId);
  env.google.approve(prompt.userCode, email);
  const outcome = await prompt.outcome;
  if (outcome.kind !== "connected") throw new Error(`connect failed: ${JSON.stringify(outcome)}`);
}
