import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoStorage } from "../../src/db/mongo-storage.js";
import { startMongo, type TestMongo } from "../support/mongo.js";

/** Session storage as two bot instances on one MongoDB use it: each has its own MongoStorage. */
let mongo: TestMongo;
let watched: MongoClient;
let db: Db;
const writes: string[] = [];
let n = 0;

beforeAll(async () => {
  mongo = await startMongo();
  watched = new MongoClient(mongo.uri, { monitorCommands: true });
  watched.on("commandStarted", (e) => {
    if (e.commandName === "update") writes.push(String(e.command["update"]));
  });
  db = watched.db(mongo.dbName);
});

afterAll(async () => {
  await watched?.close();
  await mongo?.stop();
});

type State = { page: number; picked: string[] };

describe("MongoStorage (sessions and conversations in MongoDB)", () => {
  it("writes nothing back when an update leaves the state as it read it, and keeps it for the next instance", async () => {
    const name = `sessions_${++n}`;
    const a = new MongoStorage<State>(db, name);
    const b = new MongoStorage<State>(db, name);
    writes.length = 0;

    await a.write("7", { page: 2, picked: ["x"] });
    expect(writes).toHaveLength(1);

    // An update that only looked: read, then the same state written back.
    const seen = await a.read("7");
    await a.write("7", seen!);
    expect(writes).toHaveLength(1);

    // The other instance continues from it, and its change is stored.
    expect(await b.read("7")).toEqual({ page: 2, picked: ["x"] });
    await b.write("7", { page: 3, picked: ["x"] });
    expect(writes).toHaveLength(2);
    expect(await a.read("7")).toEqual({ page: 3, picked: ["x"] });
  });

  it("an unchanged write does not undo what another instance stored meanwhile; a changed one is stored", async () => {
    const name = `sessions_${++n}`;
    const a = new MongoStorage<State>(db, name);
    const b = new MongoStorage<State>(db, name);
    await a.write("8", { page: 0, picked: [] });

    const old = await a.read("8");
    await b.read("8");
    await b.write("8", { page: 5, picked: [] });
    await a.write("8", old!); // A's update changed nothing
    expect(await b.read("8")).toEqual({ page: 5, picked: [] });

    await a.read("8");
    await a.write("8", { page: 6, picked: ["y"] });
    expect(await b.read("8")).toEqual({ page: 6, picked: ["y"] });
  });

  it("writes after a delete, and when the same state is written twice with no read between", async () => {
    const name = `sessions_${++n}`;
    const a = new MongoStorage<State>(db, name);
    const b = new MongoStorage<State>(db, name);
    await a.write("9", { page: 1, picked: [] });
    await a.read("9");
    await a.delete("9");
    await a.write("9", { page: 1, picked: [] });
    expect(await b.read("9")).toEqual({ page: 1, picked: [] });

    await b.delete("9");
    await a.write("9", { page: 1, picked: [] });
    expect(await b.read("9")).toEqual({ page: 1, picked: [] });
  });
});
