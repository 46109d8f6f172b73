/**
 * Runs the in-process test MongoDB server standalone:
 *   npm run test:mongo -- --port 27999 [--host 127.0.0.1]
 * Prints the connection URI once listening; SIGINT/SIGTERM exit 0.
 */
import { parseArgs } from "node:util";
import { startMongoTestServer } from "./server.js";
import { CommandStats } from "./stats.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", short: "p", default: "27017" },
    host: { type: "string", default: "127.0.0.1" },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port: ${values.port}`);
  process.exit(2);
}

const stats = process.env.MONGO_TEST_SERVER_STATS ? new CommandStats() : undefined;
const server = await startMongoTestServer({ port, host: values.host, stats });
console.log(server.uri);

const shutdown = () => {
  if (stats) console.error(stats.report());
  void server.close().then(() => process.exit(0));
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
