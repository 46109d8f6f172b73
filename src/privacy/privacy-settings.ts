/**
 * How a user's private copies are encrypted, one document per user in
 * `privacy_settings`. It holds at most a public recipient (`age1…`) and a passphrase
 * sealed with TOKEN_ENCRYPTION_KEY; never an age identity, never a passphrase in clear.
 */
import type { Collection, Db } from "mongodb";
import type { SealedSecret } from "../crypto/secret-box.js";
import { COLLECTIONS } from "../db/collections.js";

export type PrivacyMode = "off" | "recipient" | "passphrase";

export interface PrivacyDoc {
  _id: number; // the user's id
  mode: PrivacyMode;
  /** mode "recipient": the public key copies are encrypted to. */
  recipient?: string;
  /** mode "recipient": made by the bot ("my key") or pasted by the user. */
  keySource?: "generated" | "pasted";
  /** mode "passphrase": the passphrase, sealed (AES-256-GCM) for this user. */
  passphrase?: SealedSecret;
  /** A generated key's public half, waiting for the user to say they saved the secret. */
  pendingRecipient?: string;
  /** Whether backups sent to the chat are encrypted too (Drive copies always are when a mode is on). */
  chatCopies?: boolean;
  changedAt: Date;
}

/** What the bot may show about a user's private copies; holds nothing secret. */
export interface PrivacyStatus {
  mode: PrivacyMode;
  recipient?: string;
  keySource?: "generated" | "pasted";
  /** A generated key is waiting for "I saved it". */
  keyPending: boolean;
  /** That key's public half (public; the bot matches its "I saved it" button to it). */
  pendingRecipient?: string;
  chatCopies: boolean;
  changedAt?: Date;
}

export class PrivacySettingsStore {
  private readonly collection: Collection<PrivacyDoc>;

  constructor(db: Db) {
    this.collection = db.collection<PrivacyDoc>(COLLECTIONS.privacySettings);
  }

  get(userId: number): Promise<PrivacyDoc | null> {
    return this.collection.findOne({ _id: userId });
  }

  /** Switches the mode; fields of the other modes (and a pending key) are removed, not left behind. */
  async setMode(userId: number, at: Date, mode: PrivacyMode, fields: Pick<PrivacyDoc, "recipient" | "keySource" | "passphrase"> = {}): Promise<void> {
    const set: Partial<PrivacyDoc> = { mode, changedAt: at };
    const unset: Record<string, ""> = { pendingRecipient: "" };
    for (const name of ["recipient", "keySource", "passphrase"] as const) {
      if (fields[name] === undefined) unset[name] = "";
      else Object.assign(set, { [name]: fields[name] });
    }
    await this.collection.updateOne({ _id: userId }, { $set: set, $unset: unset }, { upsert: true });
  }

  async setPending(userId: number, at: Date, recipient: string): Promise<void> {
    await this.collection.updateOne(
      { _id: userId },
      { $set: { pendingRecipient: recipient }, $setOnInsert: { mode: "off", changedAt: at } },
      { upsert: true },
    );
  }

  /** Makes the pending key the active one, if it is still `recipient`; false when it is not. */
  async confirmPending(userId: number, at: Date, recipient: string): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: userId, pendingRecipient: recipient },
      { $set: { mode: "recipient", recipient, keySource: "generated", changedAt: at }, $unset: { pendingRecipient: "", passphrase: "" } },
    );
    return result.modifiedCount === 1;
  }

  /** Users whose passphrase is sealed with a key other than `currentKid` (after TOKEN_ENCRYPTION_KEY changed). */
  withPassphraseNotSealedBy(currentKid: string): AsyncIterable<PrivacyDoc> {
    return this.collection.find({ mode: "passphrase", passphrase: { $exists: true }, "passphrase.kid": { $ne: currentKid } });
  }

  /** Replaces a sealed passphrase, only if it is still the one that was read. */
  async reseal(userId: number, was: SealedSecret, now: SealedSecret): Promise<void> {
    await this.collection.updateOne({ _id: userId, "passphrase.kid": was.kid, "passphrase.ct": was.ct }, { $set: { passphrase: now } });
  }

  async setChatCopies(userId: number, at: Date, on: boolean): Promise<void> {
    await this.collection.updateOne({ _id: userId }, { $set: { chatCopies: on }, $setOnInsert: { mode: "off", changedAt: at } }, { upsert: true });
  }
}

export function statusOf(doc: PrivacyDoc | null): PrivacyStatus {
  if (!doc) return { mode: "off", keyPending: false, chatCopies: false };
  return {
    mode: doc.mode,
    ...(doc.mode === "recipient" && doc.recipient ? { recipient: doc.recipient, keySource: doc.keySource ?? "pasted" } : {}),
    keyPending: doc.pendingRecipient !== undefined,
    ...(doc.pendingRecipient ? { pendingRecipient: doc.pendingRecipient } : {}),
    chatCopies: doc.chatCopies === true,
    changedAt: doc.changedAt,
  };
}
