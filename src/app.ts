import type { Db } from "mongodb";
import { COLLECTIONS } from "./db/collections.js";
import { MongoStorage } from "./db/mongo-storage.js";
import type { SessionData } from "./bot/context.js";
import type { Events } from "./events.js";
import { BackupService } from "./backups/backup-service.js";
import type { RetentionRules } from "./backups/retention.js";
import { FileLibrary } from "./files/file-library.js";
import { LibraryBulk } from "./files/library-bulk.js";
import { GitHubClient } from "./imports/github.js";
import { GitHubImporter } from "./imports/github-import.js";
import type { LibraryLimits } from "./files/file-types.js";
import { archiveLimits, type SourceLimits } from "./archive/archive-limits.js";
import { SecretBox } from "./crypto/secret-box.js";
import { PrivateCopies } from "./privacy/private-copies.js";
import { RestoreService } from "./restore/restore-service.js";
import { UserSettings } from "./users/user-settings.js";
import { BackupDriveCopies } from "./backups/drive-copies.js";
import type { DriveConfig } from "./config.js";
import { DriveAccounts } from "./drive/drive-accounts.js";
import { DriveAuth } from "./drive/drive-auth.js";
import { DriveService } from "./drive/drive-service.js";
import type { RetryPolicy } from "./drive/retry.js";
import { HeavyJobs } from "./work/heavy-jobs.js";
import type { BackupCap } from "./work/fair-limits.js";
import { ImportQuota } from "./imports/import-quota.js";
import { DriveBackupRunner } from "./drive/drive-backup-runner.js";
import { DriveCopyCheck } from "./drive/drive-copy-check.js";
import { DriveSelfChecker } from "./drive/drive-self-check.js";

/** The services, built once over one database; shared by the bot, the CLI and the benchmark. */
export interface Services {
  files: FileLibrary;
  bulk: LibraryBulk;
  settings: UserSettings;
  backups: BackupService;
  restore: RestoreService;
  github: GitHubImporter;
  privacy: PrivateCopies;
  driveAuth: DriveAuth;
  drive: DriveService;
  heavyJobs: HeavyJobs;
  /** What scheduled Drive backups run (createScheduler): a run, and the weekly self-check. */
  scheduledWork: { runner: DriveBackupRunner; checker: DriveSelfChecker };
}

/** Drive is off (not set up) unless the config names an OAuth client. */
export const DRIVE_OFF: DriveConfig = {
  client: undefined,
  key: undefined,
  previousKeys: [],
  oauthRoot: "https://oauth2.googleapis.com",
  apiRoot: "https://www.googleapis.com",
  keep: 10,
};

/** Knobs tests and the benchmark turn (small chunks, short waits); production uses the defaults. */
export interface DriveTuning {
  retry?: RetryPolicy;
  chunkBytes?: number;
  multipartMaxBytes?: number;
  slowDownMs?: number;
}

export interface ServiceOptions {
  db: Db;
  events: Events;
  clock?: () => Date;
  retention?: Partial<RetentionRules>;
  backupPartBytes?: number;
  github?: { apiRoot: string; token?: string };
  restoreLeaseMs?: number;
  /**
   * The library cap, the archive limits for uploads and GitHub, the backups a user keeps on the
   * server and their imports per hour (config.ts); defaults otherwise.
   */
  limits?: { library?: LibraryLimits; upload?: SourceLimits; github?: SourceLimits; backups?: BackupCap; importsPerHour?: number };
  /** TOKEN_ENCRYPTION_KEY's box (seals private-copy passphrases); without it passphrase mode is unavailable. */
  secretBox?: SecretBox;
  /** scrypt work factor for passphrase copies (age's default 18); tests lower it. */
  scryptWorkFactor?: number;
  drive?: DriveConfig;
  driveTuning?: DriveTuning;
  /** Heavy jobs (create, verify, restore, import) running at once for the process; default: the cores. */
  heavyJobs?: number;
}

export function createServices(deps: ServiceOptions): Services {
  const files = new FileLibrary({ ...deps, libraryLimits: deps.limits?.library });
  const bulk = new LibraryBulk({ ...deps, libraryLimits: files.limits });
  const limits = archiveLimits({ library: files.limits, upload: deps.limits?.upload, github: deps.limits?.github });
  const backups = new BackupService({ ...deps, files, bulk, partBytes: deps.backupPartBytes, archiveLimits: limits, cap: deps.limits?.backups });
  const importQuota = new ImportQuota({ ...deps, perHour: deps.limits?.importsPerHour });
  const driveConfig = deps.drive ?? DRIVE_OFF;
  // One box for every secret sealed with TOKEN_ENCRYPTION_KEY: Drive tokens and private-copy passphrases.
  const cipher = deps.secretBox ?? (driveConfig.key ? new SecretBox([driveConfig.key, ...driveConfig.previousKeys]) : undefined);
  const accounts = new DriveAccounts(deps.db, cipher, deps.clock);
  const driveAuth = new DriveAuth({ config: driveConfig, accounts, events: deps.events, slowDownMs: deps.driveTuning?.slowDownMs });
  const privacy = new PrivateCopies({ ...deps, secretBox: cipher });
  const copies = new BackupDriveCopies(deps.db);
  const drive = new DriveService({
    ...deps.driveTuning,
    privacy,
    config: driveConfig,
    files,
    auth: driveAuth,
    accounts,
    backups,
    copies,
    events: deps.events,
    clock: deps.clock,
  });
  const copyCheck = new DriveCopyCheck({ config: driveConfig, auth: driveAuth, retry: deps.driveTuning?.retry });
  return {
    driveAuth,
    drive,
    files,
    bulk,
    settings: new UserSettings(deps),
    backups,
    restore: new RestoreService({ ...deps, files, bulk, backups, leaseMs: deps.restoreLeaseMs, archiveLimits: limits, importQuota }),
    github: new GitHubImporter({ client: new GitHubClient(deps.github ?? { apiRoot: "https://api.github.com" }), backups, limits: limits.github, quota: importQuota }),
    privacy,
    heavyJobs: new HeavyJobs({ slots: deps.heavyJobs }),
    scheduledWork: {
      runner: new DriveBackupRunner({ files, backups, copies, drive }),
      checker: new DriveSelfChecker({ backups, copies, copyCheck }),
    },
  };
}

/** Where grammY keeps sessions and conversation state: MongoDB, so restarts and other instances continue them. */
export function createBotStorage(db: Db) {
  return {
    sessions: new MongoStorage<SessionData>(db, COLLECTIONS.sessions),
    conversations: new MongoStorage<unknown>(db, COLLECTIONS.conversations),
  };
}
