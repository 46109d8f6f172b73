import { createServices, type ServiceOptions } from "../../src/app.js";
import { ensureIndexes } from "../../src/db/collections.js";
import { Events } from "../../src/events.js";
import { createLogger } from "../../src/logger.js";
import { startMongo } from "./mongo.js";

/** A fresh database (test server or MONGODB_URI) with indexes and the real services over it. */
export async function startServices(opts: Omit<ServiceOptions, "db" | "events"> = {}) {
  const mongo = await startMongo();
  await ensureIndexes(mongo.db);
  const logger = createLogger("silent");
  const events = new Events(logger);
  const services = createServices({ ...opts, db: mongo.db, events });
  return { ...mongo, logger, events, services };
}

export type TestServices = Awaited<ReturnType<typeof startServices>>;
