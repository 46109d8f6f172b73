/**
 * The Drive upload case, in a fresh child process (forked by bench/drive-bench.ts with
 * --expose-gc): DriveService.upload of a stored backup to the fake Google over loopback.
 * The baseline is RSS after connecting and one small warm-up upload.
 */
import { createServices } from "../src/app.js";
import { connectDatabase } from "../src/db/connect.js";
import { Events } from "../src/events.js";
import { createLogger } from "../src/logger.js";
import { serveCase } from "./child-case.js";
import { startRssProbe } from "./rss-probe.js";

export interface DriveCaseSpec {
  case: "drive";
  uri: string;
  dbName: string;
  userId: number;
  backupId: string;
  warmUserId: number;
  warmBackupId: string;
  googleRoot: string;
  clientId: string;
  clientSecret: string;
  /** TOKEN_ENCRYPTION_KEY, base64. */
  key: string;
}

export interface DriveCaseResult {
  ms: number;
  base: number;
  peak: number;
  size: number;
  md5: string;
}

export async function runDriveCase(spec: DriveCaseSpec): Promise<DriveCaseResult> {
  const probe = await startRssProbe();
  const logger = createLogger("silent");
  const database = await connectDatabase({ uri: spec.uri, dbName: spec.dbName, dataDir: "/nonexistent", logger });
  try {
    const services = createServices({
      db: database.db,
      events: new Events(logger),
      drive: {
        client: { id: spec.clientId, secret: spec.clientSecret },
        key: Buffer.from(spec.key, "base64"),
        previousKeys: [],
        oauthRoot: spec.googleRoot,
        apiRoot: spec.googleRoot,
        keep: 0,
      },
    });
    await services.drive.upload(spec.warmUserId, spec.warmBackupId);
    const base = probe.begin();
    const t = performance.now();
    const result = await services.drive.upload(spec.userId, spec.backupId);
    const ms = performance.now() - t;
    return { ms, base, peak: probe.end(), size: result.size, md5: result.md5 };
  } finally {
    probe.close();
    await database.close();
  }
}

serveCase("--drive-case", runDriveCase);
