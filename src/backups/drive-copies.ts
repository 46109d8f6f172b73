import { ObjectId, type Collection, type Db } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";
import type { BackupDoc, DriveCopy } from "./backup-types.js";

/**
 * Which backups have a verified copy on the user's Google Drive (and the MD5 of the uploaded bytes
 * that proved it: the ZIP's, or for a private copy the encrypted file's, which the self-check
 * compares with Drive's md5Checksum without any key). Kept apart from BackupService: only DriveService writes these fields. Every query is
 * scoped to the user.
 */
export class BackupDriveCopies {
  private readonly backups: Collection<BackupDoc>;

  constructor(db: Db) {
    this.backups = db.collection<BackupDoc>(COLLECTIONS.backups);
  }

  async recordMd5(userId: number, backupId: string, md5: string): Promise<void> {
    await this.backups.updateOne({ _id: new ObjectId(backupId), userId }, { $set: { md5 } });
  }

  /** The ZIP's MD5 if it was computed before. */
  async md5(userId: number, backupId: string): Promise<string | undefined> {
    const doc = await this.backups.findOne({ _id: new ObjectId(backupId), userId }, { projection: { md5: 1 } });
    return doc?.md5;
  }

  /** A verified copy. A plain copy's MD5 is the ZIP's too; a private copy's is its encrypted bytes' only. */
  async markVerified(userId: number, backupId: string, copy: DriveCopy): Promise<void> {
    await this.backups.updateOne({ _id: new ObjectId(backupId), userId }, { $set: copy.encrypted ? { driveCopy: copy } : { driveCopy: copy, md5: copy.md5 } });
  }

  /** The verified copy of this backup on Drive, if any. */
  async driveCopy(userId: number, backupId: string): Promise<DriveCopy | undefined> {
    const doc = await this.backups.findOne({ _id: new ObjectId(backupId), userId }, { projection: { driveCopy: 1 } });
    return doc?.driveCopy;
  }

  /** The copy of this backup is gone or unverified. */
  async clear(userId: number, backupId: string): Promise<void> {
    await this.backups.updateOne({ _id: new ObjectId(backupId), userId }, { $unset: { driveCopy: "" } });
  }

  /** Those Drive files were deleted: their backups no longer have a copy. */
  async forgetFiles(userId: number, fileIds: string[]): Promise<void> {
    if (!fileIds.length) return;
    await this.backups.updateMany({ userId, "driveCopy.fileId": { $in: fileIds } }, { $unset: { driveCopy: "" } });
  }

  /** Remembers what the library looked like when this backup was made (FileLibrary.fingerprint). */
  async setFingerprint(userId: number, backupId: string, fingerprint: string): Promise<void> {
    await this.backups.updateOne({ _id: new ObjectId(backupId), userId }, { $set: { libraryFingerprint: fingerprint } });
  }

  /** The newest full backup made from a library with this fingerprint, if it is still there. */
  async newestWithFingerprint(userId: number, fingerprint: string): Promise<string | undefined> {
    const doc = await this.backups.findOne(
      { userId, type: "full_backup", libraryFingerprint: fingerprint },
      { sort: { createdAt: -1, _id: -1 }, projection: { _id: 1 } },
    );
    return doc?._id.toHexString();
  }

  count(userId: number): Promise<number> {
    return this.backups.countDocuments({ userId, driveCopy: { $exists: true } });
  }

  /** How many of those copies are private (age-encrypted). */
  countEncrypted(userId: number): Promise<number> {
    return this.backups.countDocuments({ userId, "driveCopy.encrypted": true });
  }

  /** Ids of the user's 🏆-rated backups (their Drive copies are kept by Drive retention). */
  async excellentIds(userId: number): Promise<Set<string>> {
    const docs = await this.backups.find({ userId, rating: "excellent" }, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((d) => d._id.toHexString()));
  }
}
