/**
 * Runs the in-process test MongoDB server standalone:
 *   npm run test:mongo -- --port 27999 [--host 127.0.0.1]
 * Prints the connection URI once listening; SIGINT/SIGTERM exit 0.
 */
import { parseArgs } from "node:util";
import { startMongoTestServer } from "./server.js";

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

const server = await startMongoTestServer({ port, host: values.host });
console.log(server.uri);

const shutdown = () => {
  void server.close().then(() => process.exit(0));
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
