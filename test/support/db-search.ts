import { EJSON } from "bson";
import type { Db } from "mongodb";

/** Every collection whose documents contain any of `needles` (as text, after EJSON), with the count of hits. */
export async function collectionsContaining(db: Db, needles: string[]): Promise<Record<string, number>> {
  const hits: Record<string, number> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for await (const doc of db.collection(name).find({})) {
      const text = EJSON.stringify(doc);
      const binary = Buffer.from(text).toString("latin1");
      if (needles.some((n) => text.includes(n) || binary.includes(n))) hits[name] = (hits[name] ?? 0) + 1;
    }
  }
  return hits;
}
