import type { Db } from "mongodb";

/** Names of every collection and bucket the app owns, in one place. */
export const COLLECTIONS = {
  files: "files",
  backups: "backups",
  sessions: "sessions",
  conversations: "conversations",
  /** Per user: how their private copies are encrypted (mode, public recipient, sealed passphrase). */
  privacySettings: "privacy_settings",
  backupBucket: "backups",
  /** One document per user who connected Google Drive; tokens only ever encrypted. */
  driveAccounts: "drive_accounts",
  /** GridFS bucket for file contents over the inline limit. */
  fileContentsBucket: "file_contents",
  restoreJournals: "restore_journals",
  userSettings: "user_settings",
  /** ZIPs sent for restore, staged for an hour (restore/staged-uploads.ts): documents and their GridFS bucket. */
  stagedUploads: "staged_uploads",
  stagedUploadBucket: "staged_upload_bytes",
  /** Agenda's jobs (the Drive backup schedules). */
  jobs: "agendaJobs",
  /** Imports per user in the last hour (imports/import-quota.ts); each entry expires after the hour. */
  importLog: "import_log",
  /** Webhook updates already taken by a bot process (bot/webhook.ts), so a re-sent one runs once; kept a day. */
  webhookUpdates: "webhook_updates",
} as const;

/** Creates the indexes the queries rely on. Safe to run at every start. */
export async function ensureIndexes(db: Db): Promise<void> {
  await db.collection(COLLECTIONS.files).createIndexes([
    { key: { userId: 1, fileName: 1, version: 1 }, name: "user_file_version", unique: true },
    { key: { userId: 1, updatedAt: -1 }, name: "user_updated" },
  ]);
  await db.collection(COLLECTIONS.backups).createIndex({ userId: 1, createdAt: -1 }, { name: "user_created" });
  await db.collection(COLLECTIONS.sessions).createIndex({ key: 1 }, { name: "key", unique: true });
  await db.collection(COLLECTIONS.conversations).createIndex({ key: 1 }, { name: "key", unique: true });
  await db.collection(COLLECTIONS.restoreJournals).createIndex({ status: 1, heartbeatAt: 1 }, { name: "status_heartbeat" });
  await db.collection(COLLECTIONS.stagedUploads).createIndex({ lastUsedAt: 1 }, { name: "expire", expireAfterSeconds: 3600 });
  await db.collection(COLLECTIONS.files).createIndex({ userId: 1, restoreId: 1 }, { name: "user_restore", sparse: true });
  await db.collection(COLLECTIONS.importLog).createIndex({ userId: 1, at: -1 }, { name: "user_at" });
  await db.collection(COLLECTIONS.importLog).createIndex({ at: 1 }, { name: "expire", expireAfterSeconds: 3600 });
  await db.collection(COLLECTIONS.webhookUpdates).createIndex({ claimedAt: 1 }, { name: "expire", expireAfterSeconds: 86_400 });
}
