import type { MongoClient } from "mongodb";
import { Counter, type Registry } from "prom-client";

/**
 * `codevault_mongo_commands_total{command}` on /metrics: every command the driver sends
 * (find, insert, getMore, ...), from its command monitoring (the client is created with
 * `monitorCommands: true`). Only the command's name is kept, never its contents.
 */
export function countMongoCommands(client: MongoClient, registry: Registry): void {
  const counter = new Counter({
    name: "codevault_mongo_commands_total",
    help: "MongoDB commands sent by this process, by command name",
    labelNames: ["command"],
    registers: [registry],
  });
  client.on("commandStarted", (event) => counter.inc({ command: event.commandName }));
}
