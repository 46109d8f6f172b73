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
 */
export class MongoStorage<T> {
  private readonly collection: Collection<StoredValue>;

  constructor(db: Db, collectionName: string) {
    this.collection = db.collection<StoredValue>(collectionName);
  }

  async read(key: string): Promise<T | undefined> {
    const doc = await this.collection.findOne({ key });
    return doc ? (JSON.parse(doc.value) as T) : undefined;
  }

  async write(key: string, value: T): Promise<void> {
    await this.collection.updateOne(
      { key },
      { $set: { value: JSON.stringify(value), updatedAt: new Date() } },
      { upsert: true },
    );
  }

  async delete(key: string): Promise<void> {
    await this.collection.deleteOne({ key });
  }
}
