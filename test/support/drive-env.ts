import { randomBytes } from "node:crypto";
import type { DriveTuning } from "../../src/app.js";
import type { DriveConfig } from "../../src/config.js";
import { startFakeGoogle, type FakeGoogle, type FakeGoogleOptions } from "./fake-google/index.js";
import { Writable } from "node:stream";
import { createServices } from "../../src/app.js";
import { ensureIndexes } from "../../src/db/collections.js";
import { Events } from "../../src/events.js";
import { createLogger } from "../../src/logger.js";
import { startMongo } from "./mongo.js";
import type { TestServices } from "./services.js";

export interface DriveTestEnv extends TestServices {
  google: FakeGoogle;
  driveConfig: DriveConfig;
  /** Every log line the services wrote (debug level and up). */
  logs: string[];
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
  const mongo = await startMongo();
  await ensureIndexes(mongo.db);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger("debug", sink);
  const events = new Events(logger);
  const services = createServices({ db: mongo.db, events, drive: driveConfig, driveTuning: { ...FAST_TUNING, ...opts.tuning } });
  return {
    ...mongo,
    logger,
    events,
    services,
    google,
    driveConfig,
    logs,
    stop: async () => {
      await mongo.stop();
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
