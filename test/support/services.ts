import { createServices, type ServiceOptions } from "../../src/app.js";
import { ensureIndexes } from "../../src/db/collections.js";
import { Events } from "../../src/events.js";
import { createLogger } from "../../src/logger.js";
import { startMongo } from "./mongo.js";

/** A fresh database (test server or MONGODB_URI) with indexes and the real services over it; optionally keeping the log lines. */
export async function startServices(opts: Omit<ServiceOptions, "db" | "events"> = {}, logLines?: string[]) {
  const mongo = await startMongo();
  await ensureIndexes(mongo.db);
  // With `logLines`, every log line (debug and up, events included) is kept there.
  const logger = logLines ? createLogger("debug", { write: (line: string) => void logLines.push(line) }) : createLogger("silent");
  const events = new Events(logger);
  const services = createServices({ ...opts, db: mongo.db, events });
  return { ...mongo, logger, events, services };
}

export type TestServices = Awaited<ReturnType<typeof startServices>>;
