import { COLLECTIONS } from "../db/collections.js";
import type { Collection, Db } from "mongodb";

export const SUPPORTED_LOCALES = ["en", "he"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

interface SettingsDoc {
  _id: number; // the user's id
  locale?: Locale;
  updatedAt: Date;
}

export function isLocale(value: string | undefined): value is Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value ?? "");
}

/** Per-user preferences that outlive any one chat session (today: the language). */
export class UserSettings {
  private readonly collection: Collection<SettingsDoc>;

  constructor(deps: { db: Db }) {
    this.collection = deps.db.collection<SettingsDoc>(COLLECTIONS.userSettings);
  }

  async getLocale(userId: number): Promise<Locale | undefined> {
    const doc = await this.collection.findOne({ _id: userId });
    return doc?.locale;
  }

  async setLocale(userId: number, locale: Locale): Promise<void> {
    await this.collection.updateOne({ _id: userId }, { $set: { locale, updatedAt: new Date() } }, { upsert: true });
  }
}
