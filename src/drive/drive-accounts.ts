import type { Collection, Db } from "mongodb";
import { COLLECTIONS } from "../db/collections.js";
import { DriveError } from "./drive-errors.js";
import type { SealedSecret, SecretBox } from "../crypto/secret-box.js";

/** What Google gave us for a user: sealed before it is written, opened only in memory. */
export interface DriveTokens {
  access_token?: string | null;
  refresh_token?: string | null;
  expiry_date?: number | null;
  scope?: string;
  token_type?: string | null;
}

export interface LastUpload {
  at: Date;
  ok: boolean;
  backupId: string;
  fileId?: string;
  webViewLink?: string;
  /** A DriveErrorCode when it failed. */
  code?: string;
  kind?: string;
}

export interface DriveAccountDoc {
  _id: number;
  status: "connected" | "disconnected";
  email?: string;
  tokens?: SealedSecret;
  connectedAt?: Date;
  disconnectedAt?: Date;
  /** Why it is disconnected: the user asked, Google refused the grant, or the key that sealed it is gone. */
  disconnectReason?: "user" | "revoked" | "key_unknown";
  folderId?: string;
  lastUpload?: LastUpload;
  updatedAt: Date;
}

const context = (userId: number) => `codevault-drive-tokens:${userId}`;

/** The drive_accounts collection: who connected which Google account, their sealed tokens, their folder. */
export class DriveAccounts {
  readonly collection: Collection<DriveAccountDoc>;

  constructor(
    db: Db,
    private readonly cipher: SecretBox | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.collection = db.collection<DriveAccountDoc>(COLLECTIONS.driveAccounts);
  }

  get(userId: number): Promise<DriveAccountDoc | null> {
    return this.collection.findOne({ _id: userId }, { projection: { tokens: 0 } });
  }

  /** Fail closed: without a key there is nothing to seal with, so nothing is written. */
  private sealer(): SecretBox {
    if (!this.cipher) throw new DriveError("no_key");
    return this.cipher;
  }

  async connect(userId: number, email: string, tokens: DriveTokens): Promise<void> {
    const sealed = this.sealer().seal(JSON.stringify(tokens), context(userId));
    const now = this.now();
    await this.collection.updateOne(
      { _id: userId },
      { $set: { status: "connected", email, tokens: sealed, connectedAt: now, updatedAt: now }, $unset: { disconnectedAt: "", disconnectReason: "" } },
      { upsert: true },
    );
  }

  /** The user's tokens, opened; DriveError not_connected / key_unknown / no_key when there are none to use. */
  async tokens(userId: number): Promise<{ email: string; tokens: DriveTokens }> {
    const doc = await this.collection.findOne({ _id: userId, status: "connected" });
    if (!doc?.tokens || !doc.email) throw new DriveError("not_connected");
    try {
      return { email: doc.email, tokens: JSON.parse(this.sealer().open(doc.tokens, context(userId))) as DriveTokens };
    } catch (err) {
      if (err instanceof DriveError) throw err;
      // Sealed with a key this server no longer has (or altered): unusable, so the user must connect again.
      await this.disconnect(userId, "key_unknown");
      throw new DriveError("key_unknown", {}, { cause: err });
    }
  }

  /** Refreshed tokens from Google, merged over the stored ones; the refresh token is kept when Google sends none. */
  async mergeTokens(userId: number, fresh: DriveTokens): Promise<void> {
    const { tokens } = await this.tokens(userId);
    const merged: DriveTokens = { ...tokens, ...fresh, refresh_token: fresh.refresh_token ?? tokens.refresh_token };
    await this.collection.updateOne(
      { _id: userId, status: "connected" },
      { $set: { tokens: this.sealer().seal(JSON.stringify(merged), context(userId)), updatedAt: this.now() } },
    );
  }

  /** Forgets the tokens (the folder id and last upload stay, for when the user connects again). */
  async disconnect(userId: number, reason: NonNullable<DriveAccountDoc["disconnectReason"]>): Promise<void> {
    const now = this.now();
    await this.collection.updateOne(
      { _id: userId },
      { $set: { status: "disconnected", disconnectReason: reason, disconnectedAt: now, updatedAt: now }, $unset: { tokens: "", email: "" } },
    );
  }

  async setFolder(userId: number, folderId: string): Promise<void> {
    await this.collection.updateOne({ _id: userId }, { $set: { folderId, updatedAt: this.now() } });
  }

  async recordUpload(userId: number, last: LastUpload): Promise<void> {
    await this.collection.updateOne({ _id: userId }, { $set: { lastUpload: last, updatedAt: this.now() } });
  }

  /**
   * Re-seals every stored token with the current key (after TOKEN_ENCRYPTION_KEY changed and the
   * old one moved to TOKEN_ENCRYPTION_KEY_PREVIOUS). Tokens no configured key opens are counted, not touched.
   */
  async rotateKey(): Promise<{ rotated: number; current: number; unreadable: number }> {
    const cipher = this.sealer();
    const result = { rotated: 0, current: 0, unreadable: 0 };
    for await (const doc of this.collection.find({ tokens: { $exists: true } })) {
      if (doc.tokens!.kid === cipher.currentKid) {
        result.current++;
        continue;
      }
      let tokens: DriveTokens;
      try {
        tokens = JSON.parse(cipher.open(doc.tokens!, context(doc._id))) as DriveTokens;
      } catch {
        result.unreadable++;
        continue;
      }
      await this.collection.updateOne(
        { _id: doc._id, "tokens.kid": doc.tokens!.kid },
        { $set: { tokens: cipher.seal(JSON.stringify(tokens), context(doc._id)), updatedAt: this.now() } },
      );
      result.rotated++;
    }
    return result;
  }
}
