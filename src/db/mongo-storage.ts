import type { Collection, Db } from "mongodb";

interface StoredValue {
  key: string;
  /** JSON text: session and conversation state may hold keys MongoDB rejects (`$`, `.`). */
  value: string;
  updatedAt: Date;
}

/**
 * Key-value storage in a MongoDB collection, in the shape grammY's session and
 * conversation plugins expect (read / write / delete by key). Keeping this state
 * in MongoDB lets a restarted or second instance continue a user's conversation.
 *
 * grammY writes a session back after every update that touched it, changed or not. A write
 * whose text equals what the same update read for the key is skipped: the stored value already
 * says it (one command less for most updates). The bot handles one user's updates one at a
 * time (sequentialize), so the last read of a key is the read of the update writing it.
 */
export class MongoStorage<T> {
  private readonly collection: Collection<StoredValue>;
  /** The stored text of each key read and not yet written back (one entry per update in flight). */
  private readonly known = new Map<string, string>();

  constructor(db: Db, collectionName: string) {
    this.collection = db.collection<StoredValue>(collectionName);
  }

  async read(key: string): Promise<T | undefined> {
    const doc = await this.collection.findOne({ key });
    if (!doc) {
      this.known.delete(key);
      return undefined;
    }
    this.known.set(key, doc.value);
    return JSON.parse(doc.value) as T;
  }

  async write(key: string, value: T): Promise<void> {
    const text = JSON.stringify(value);
    const unchanged = this.known.get(key) === text;
    this.known.delete(key);
    if (unchanged) return;
    await this.collection.updateOne({ key }, { $set: { value: text, updatedAt: new Date() } }, { upsert: true });
  }

  async delete(key: string): Promise<void> {
    this.known.delete(key);
    await this.collection.deleteOne({ key });
  }
}
