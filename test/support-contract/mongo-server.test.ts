import { randomBytes } from "node:crypto";
import { MongoBackend } from "@agendajs/mongo-backend";
import { Agenda } from "agenda";
import {
  Binary,
  type Collection,
  Decimal128,
  type Document,
  Double,
  GridFSBucket,
  Long,
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  ObjectId,
} from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMongo, type TestMongo } from "../support/mongo.js";

/**
 * Contract: the in-process wire server behaves like MongoDB as seen by the
 * OFFICIAL driver, GridFS and Agenda. Written against startMongo(), so with
 * MONGODB_URI set the same assertions run against a real server.
 */

let mongo: TestMongo;
let collectionCounter = 0;

beforeAll(async () => {
  mongo = await startMongo();
});

afterAll(async () => {
  await mongo?.stop();
});

function freshCollection<T extends Document = Document>(prefix = "c"): Collection<T> {
  return mongo.db.collection<T>(`${prefix}_${++collectionCounter}`);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected the operation to fail");
    },
    (err: unknown) => err,
  );
}

async function waitFor<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for condition");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("MongoDB test server, through the official driver", () => {
  it("answers the handshake, ping and buildInfo, and rejects unknown commands with code 59", async () => {
    expect(await mongo.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const info = await mongo.db.admin().command({ buildInfo: 1 });
    expect(typeof info.version).toBe("string");
    const err = await rejection(mongo.db.command({ definitelyNotACommand: 1 }));
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(59);
    expect((err as MongoServerError).codeName).toBe("CommandNotFound");
  });

  it("inserts, then finds with filter, sort, projection, skip and limit", async () => {
    const coll = freshCollection();
    await coll.insertMany([
      { name: "carol", age: 35, tags: ["a", "b"], address: { city: "Haifa", zip: "1" } },
      { name: "alice", age: 30, tags: ["b"], address: { city: "Tel Aviv", zip: "2" } },
      { name: "bob", age: 25, tags: [], address: { city: "Haifa", zip: "3" } },
      { name: "dave", age: 40 },
    ]);
    const adults = await coll
      .find({ age: { $gte: 30 } }, { projection: { _id: 0, name: 1, age: 1 } })
      .sort({ age: -1 })
      .toArray();
    expect(adults).toEqual([
      { name: "dave", age: 40 },
      { name: "carol", age: 35 },
      { name: "alice", age: 30 },
    ]);
    const page = await coll.find({}).sort({ name: 1 }).skip(1).limit(2).toArray();
    expect(page.map((d) => d.name)).toEqual(["bob", "carol"]);
    expect(await coll.find({ "address.city": "Haifa", tags: "a" }).toArray()).toHaveLength(1);
    expect(await coll.find({ address: { $exists: false } }).toArray()).toHaveLength(1);

    const withoutAddress = await coll.findOne({ name: "alice" }, { projection: { address: 0 } });
    expect(withoutAddress && Object.keys(withoutAddress)).toEqual(["_id", "name", "age", "tags"]);
    const nested = await coll.findOne({ name: "alice" }, { projection: { "address.city": 1 } });
    expect(nested).toEqual({ _id: expect.any(ObjectId), address: { city: "Tel Aviv" } });
  });

  it("round-trips ObjectId, Date, Binary, Long and Decimal128 values and compares them by value", async () => {
    const coll = freshCollection();
    const ref = new ObjectId();
    const doc = {
      ref,
      at: new Date("2024-05-06T07:08:09.010Z"),
      bytes: new Binary(Buffer.from([0, 1, 2, 250, 255])),
      big: Long.fromString("9007199254740993"),
      price: Decimal128.fromString("12.34"),
    };
    const { insertedId } = await coll.insertOne(doc);
    const found = await coll.findOne({ ref: new ObjectId(ref.toHexString()) });
    expect(found?._id).toEqual(insertedId);
    expect(found?.at).toEqual(doc.at);
    expect(Buffer.from((found?.bytes as Binary).buffer)).toEqual(Buffer.from([0, 1, 2, 250, 255]));
    expect((found?.big as Long).toString()).toBe("9007199254740993");
    expect((found?.price as Decimal128).toString()).toBe("12.34");
    expect(await coll.countDocuments({ at: { $lt: new Date("2025-01-01") } })).toBe(1);
    expect(await coll.countDocuments({ _id: { $in: [insertedId, new ObjectId()] } })).toBe(1);
  });

  it("hands out a cursor in batches through getMore", async () => {
    const coll = freshCollection();
    await coll.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const monitored = new MongoClient(mongo.uri, { monitorCommands: true });
    const getMores: number[] = [];
    monitored.on("commandSucceeded", (e) => {
      if (e.commandName === "getMore") getMores.push((e.reply as { cursor: { nextBatch: unknown[] } }).cursor.nextBatch.length);
    });
    try {
      await monitored.connect();
      const docs = await monitored.db(mongo.dbName).collection(coll.collectionName).find({}).sort({ i: 1 }).batchSize(100).toArray();
      expect(docs.map((d) => d.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
      expect(getMores).toEqual([100, 50]);
    } finally {
      await monitored.close();
    }
  });

  it("updates one, many, with operators, and upserts", async () => {
    interface Item {
      _id?: ObjectId | string;
      sku: string;
      qty?: number;
      tags?: string[];
      seen?: boolean;
      createdBy?: string;
    }
    const coll = freshCollection<Item>();
    await coll.insertMany([
      { sku: "a", qty: 1, tags: ["x"] },
      { sku: "b", qty: 5, tags: [] },
      { sku: "c", qty: 9, tags: ["x", "y"] },
    ]);
    const one = await coll.updateOne({ sku: "a" }, { $inc: { qty: 2 }, $push: { tags: "z" }, $set: { seen: true } });
    expect(one).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await coll.findOne({ sku: "a" }, { projection: { _id: 0 } })).toEqual({ sku: "a", qty: 3, tags: ["x", "z"], seen: true });

    const many = await coll.updateMany({ tags: "x" }, { $pull: { tags: "x" }, $unset: { seen: "" } });
    expect(many).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect(await coll.countDocuments({ tags: "x" })).toBe(0);

    const noop = await coll.updateOne({ sku: "b" }, { $set: { qty: 5 } });
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    const up = await coll.updateOne(
      { sku: "d" },
      { $set: { qty: 1 }, $setOnInsert: { createdBy: "upsert" }, $addToSet: { tags: "new" } },
      { upsert: true },
    );
    expect(up.upsertedCount).toBe(1);
    expect(up.upsertedId).toBeInstanceOf(ObjectId);
    expect(await coll.findOne({ _id: up.upsertedId as ObjectId }, { projection: { _id: 0 } })).toEqual({
      sku: "d",
      qty: 1,
      createdBy: "upsert",
      tags: ["new"],
    });
    const again = await coll.updateOne({ sku: "d" }, { $setOnInsert: { createdBy: "other" } }, { upsert: true });
    expect(again).toMatchObject({ matchedCount: 1, upsertedCount: 0 });
    expect((await coll.findOne({ sku: "d" }))?.createdBy).toBe("upsert");

    const replaced = await coll.replaceOne({ sku: "b" }, { sku: "b", qty: 0 });
    expect(replaced.modifiedCount).toBe(1);
    expect(await coll.findOne({ sku: "b" }, { projection: { _id: 0 } })).toEqual({ sku: "b", qty: 0 });

    const byId = await coll.updateOne({ _id: "custom" }, { $set: { sku: "e" } }, { upsert: true });
    expect(byId.upsertedId).toBe("custom");
  });

  it("findOneAndUpdate returns the document before or after, and upserts", async () => {
    const coll = freshCollection();
    await coll.insertMany([
      { name: "job", priority: 1, runAt: new Date(1_000) },
      { name: "job", priority: 5, runAt: new Date(2_000) },
    ]);
    const before = await coll.findOneAndUpdate(
      { name: "job", $or: [{ lockedAt: null }, { lockedAt: { $lte: new Date() } }] },
      { $set: { lockedAt: new Date() } },
      { sort: { priority: -1 } },
    );
    expect(before?.priority).toBe(5);
    expect(before?.lockedAt).toBeUndefined();

    const after = await coll.findOneAndUpdate(
      { name: "job", lockedAt: { $exists: false } },
      { $set: { lockedAt: new Date(5_000) } },
      { returnDocument: "after", projection: { _id: 0, priority: 1, lockedAt: 1 } },
    );
    expect(after).toEqual({ priority: 1, lockedAt: new Date(5_000) });

    const missing = await coll.findOneAndUpdate({ name: "nope" }, { $set: { x: 1 } });
    expect(missing).toBeNull();

    const upserted = await coll.findOneAndUpdate(
      { name: "single" },
      { $set: { data: 1 } },
      { upsert: true, returnDocument: "after", includeResultMetadata: true },
    );
    expect(upserted.value).toMatchObject({ name: "single", data: 1 });
    expect(upserted.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false });

    const deleted = await coll.findOneAndDelete({ name: "single" });
    expect(deleted?.data).toBe(1);
    expect(await coll.countDocuments()).toBe(2);
  });

  it("deletes one and many", async () => {
    const coll = freshCollection();
    await coll.insertMany(Array.from({ length: 10 }, (_, i) => ({ i, even: i % 2 === 0 })));
    expect((await coll.deleteOne({ even: true })).deletedCount).toBe(1);
    expect((await coll.deleteMany({ even: true })).deletedCount).toBe(4);
    expect((await coll.deleteMany({ i: { $gt: 100 } })).deletedCount).toBe(0);
    expect(await coll.countDocuments()).toBe(5);
    expect((await coll.deleteMany({})).deletedCount).toBe(5);
  });

  it("enforces unique indexes with E11000 on insert, update and upsert", async () => {
    const coll = freshCollection();
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: "a@x" });

    const single = await rejection(coll.insertOne({ email: "a@x" }));
    expect(single).toBeInstanceOf(MongoServerError);
    expect((single as MongoServerError).code).toBe(11000);
    expect((single as MongoServerError).message).toMatch(/E11000 duplicate key error collection: .*index: email_1 dup key: \{ email: "a@x" \}/);
    expect((single as MongoServerError).keyValue).toEqual({ email: "a@x" });

    const ordered = await rejection(coll.insertMany([{ email: "b@x" }, { email: "a@x" }, { email: "c@x" }]));
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    expect((ordered as MongoBulkWriteError).code).toBe(11000);
    expect((ordered as MongoBulkWriteError).insertedCount).toBe(1);
    expect(await coll.countDocuments({ email: "c@x" })).toBe(0);

    const unordered = await rejection(
      coll.insertMany([{ email: "a@x" }, { email: "c@x" }, { email: "b@x" }, { email: "d@x" }], { ordered: false }),
    );
    expect(unordered).toBeInstanceOf(MongoBulkWriteError);
    expect((unordered as MongoBulkWriteError).insertedCount).toBe(2);
    expect((unordered as MongoBulkWriteError).writeErrors).toHaveLength(2);
    expect(await coll.countDocuments()).toBe(4);

    const update = await rejection(coll.updateOne({ email: "d@x" }, { $set: { email: "a@x" } }));
    expect((update as MongoServerError).code).toBe(11000);
    const upsert = await rejection(coll.updateOne({ email: "zzz" }, { $set: { email: "b@x" } }, { upsert: true }));
    expect((upsert as MongoServerError).code).toBe(11000);
    const fam = await rejection(coll.findOneAndUpdate({ email: "c@x" }, { $set: { email: "b@x" } }));
    expect((fam as MongoServerError).code).toBe(11000);

    const dupId = await rejection(coll.insertOne({ _id: (await coll.findOne({ email: "a@x" }))?._id, email: "new" }));
    expect((dupId as MongoServerError).code).toBe(11000);
  });

  it("treats missing fields as null in unique indexes unless sparse", async () => {
    const plain = freshCollection();
    await plain.createIndex({ nick: 1 }, { unique: true });
    await plain.insertOne({ a: 1 });
    expect(((await rejection(plain.insertOne({ a: 2 }))) as MongoServerError).code).toBe(11000);

    const sparse = freshCollection();
    await sparse.createIndex({ nick: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ a: 1 }, { a: 2 }, { nick: "x" }]);
    expect(((await rejection(sparse.insertOne({ nick: "x" }))) as MongoServerError).code).toBe(11000);

    const partial = freshCollection();
    await partial.createIndex({ key: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await partial.insertMany([{ key: 1, active: false }, { key: 1, active: true }]);
    expect(((await rejection(partial.insertOne({ key: 1, active: true }))) as MongoServerError).code).toBe(11000);
  });

  it("counts documents and lists distinct values", async () => {
    const coll = freshCollection();
    await coll.insertMany([
      { kind: "a", tags: ["x", "y"] },
      { kind: "b", tags: ["y"] },
      { kind: "a", tags: [] },
      { kind: "c" },
    ]);
    expect(await coll.countDocuments()).toBe(4);
    expect(await coll.countDocuments({ kind: "a" })).toBe(2);
    expect(await coll.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await coll.estimatedDocumentCount()).toBe(4);
    expect((await coll.distinct("kind")).sort()).toEqual(["a", "b", "c"]);
    expect((await coll.distinct("tags")).sort()).toEqual(["x", "y"]);
    expect(await coll.distinct("kind", { tags: "y" })).toHaveLength(2);
  });

  it("aggregates with $match/$group/$sort/$project/$lookup and getMore", async () => {
    const orders = freshCollection("orders");
    const customers = freshCollection("customers");
    await customers.insertMany([
      { _id: 1 as unknown as ObjectId, name: "Ada" },
      { _id: 2 as unknown as ObjectId, name: "Linus" },
    ]);
    await orders.insertMany(Array.from({ length: 300 }, (_, i) => ({ customer: (i % 2) + 1, amount: i })));
    const totals = await orders
      .aggregate([
        { $match: { amount: { $gte: 100 } } },
        { $group: { _id: "$customer", total: { $sum: "$amount" }, n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
        { $lookup: { from: customers.collectionName, localField: "_id", foreignField: "_id", as: "who" } },
        { $project: { _id: 0, customer: { $first: "$who.name" }, total: 1, n: 1 } },
      ])
      .toArray();
    expect(totals).toEqual([
      { total: 19_900, n: 100, customer: "Ada" },
      { total: 20_000, n: 100, customer: "Linus" },
    ]);
    const [counted] = await orders.aggregate([{ $match: { customer: 1 } }, { $count: "n" }]).toArray();
    expect(counted).toEqual({ n: 150 });
    const all = await orders.aggregate([{ $sort: { amount: -1 } }, { $skip: 10 }, { $limit: 250 }], { batchSize: 60 }).toArray();
    expect(all).toHaveLength(250);
    expect(all[0]?.amount).toBe(289);
  });

  it("matches $in/$nin like MongoDB: numbers across BSON types, strings, regexes, ObjectIds, dates, null/missing, arrays, documents", async () => {
    const coll = freshCollection();
    const ref = new ObjectId();
    await coll.insertMany([
      { k: "int", v: 1 },
      { k: "double", v: new Double(3) },
      { k: "long", v: Long.fromNumber(5) },
      { k: "decimal", v: Decimal128.fromString("7") },
      { k: "fraction", v: 2.5 },
      { k: "apple", v: "apple" },
      { k: "Banana", v: "Banana" },
      { k: "oid", v: ref },
      { k: "date", v: new Date(1_000) },
      { k: "null", v: null },
      { k: "missing" },
      { k: "array", v: [10, "x"] },
      { k: "arrayWithNull", v: [null, 11] },
      { k: "doc", v: { a: 1, b: "two" } },
      { k: "items", items: [{ tag: ["a", "b"] }, { tag: ["c"] }] },
    ]);
    const keys = async (filter: Document) => (await coll.find(filter).toArray()).map((d) => d.k as string).sort();

    expect(await keys({ v: { $in: [Long.fromNumber(1), 3, new Double(5), 7, 2.5] } })).toEqual(
      ["decimal", "double", "fraction", "int", "long"],
    );
    expect(await keys({ v: { $in: [Decimal128.fromString("1.0"), new Double(2.5)] } })).toEqual(["fraction", "int"]);
    expect(await keys({ v: { $in: ["apple", "banana", "1", 4] } })).toEqual(["apple"]);
    expect(await keys({ v: { $in: [/^ban/i, /^x$/] } })).toEqual(["Banana", "array"]);
    expect(await keys({ v: { $in: [new ObjectId(ref.toHexString()), new Date(1_000)] } })).toEqual(["date", "oid"]);
    expect(await keys({ v: { $in: [1_000, ref.toHexString(), new Date(999)] } })).toEqual([]);
    expect(await keys({ v: { $in: [null] } })).toEqual(["arrayWithNull", "items", "missing", "null"]);
    expect(await keys({ v: { $in: [10] } })).toEqual(["array"]);
    expect(await keys({ v: { $in: [[10, "x"]] } })).toEqual(["array"]);
    expect(await keys({ v: { $in: [["x", 10], [10]] } })).toEqual([]);
    expect(await keys({ v: { $in: [{ a: 1, b: "two" }] } })).toEqual(["doc"]);
    expect(await keys({ v: { $in: [{ a: Long.fromNumber(1), b: "two" }] } })).toEqual(["doc"]);
    expect(await keys({ v: { $in: [{ b: "two", a: 1 }, { a: 1 }] } })).toEqual([]);
    expect(await keys({ "items.tag": { $in: ["c", "zzz"] } })).toEqual(["items"]);
    expect(await keys({ "items.tag": { $in: [["a", "b"]] } })).toEqual(["items"]);
    expect(await keys({ v: { $in: [] } })).toEqual([]);

    const all = (await coll.find().toArray()).map((d) => d.k as string);
    const without = (...ks: string[]) => all.filter((k) => !ks.includes(k)).sort();
    expect(await keys({ v: { $nin: ["apple", 10, 1] } })).toEqual(without("apple", "array", "int"));
    expect(await keys({ v: { $nin: [null] } })).toEqual(without("arrayWithNull", "items", "missing", "null"));
    expect(await keys({ v: { $nin: [] } })).toEqual(without());
    expect(await keys({ v: { $not: { $in: [/^a/] } } })).toEqual(without("apple"));
    expect(await keys({ v: { $elemMatch: { $in: [11] } } })).toEqual(["arrayWithNull"]);

    const err = await rejection(coll.find({ v: { $in: 5 } }).toArray());
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(2);
  });

  it("applies large $in/$nin lists in find, aggregate, count, distinct, update and delete", async () => {
    const coll = freshCollection();
    await coll.insertMany(Array.from({ length: 3_000 }, (_, i) => ({ userId: i % 2, fileName: `f${i}`, version: 1 })));
    const names = Array.from({ length: 10_000 }, (_, i) => `f${i * 2}`);
    const ids = [...names, new ObjectId(), /^never/, 12];

    expect(await coll.countDocuments({ fileName: { $in: ids } })).toBe(1_500);
    expect(await coll.countDocuments({ fileName: { $nin: ids } })).toBe(1_500);
    expect(await coll.find({ fileName: { $in: names }, userId: 1 }).toArray()).toEqual([]);
    const latest = await coll
      .aggregate([
        { $match: { userId: 0, fileName: { $in: names }, deletedAt: { $exists: false } } },
        { $sort: { fileName: 1, version: -1 } },
        { $group: { _id: "$fileName", doc: { $first: "$$ROOT" } } },
      ])
      .toArray();
    expect(latest).toHaveLength(1_500);
    expect(await coll.distinct("userId", { fileName: { $in: names } })).toEqual([0]);
    expect((await coll.updateMany({ fileName: { $in: names } }, { $set: { version: 2 } })).modifiedCount).toBe(1_500);
    expect(await coll.countDocuments({ version: { $in: [2] } })).toBe(1_500);
    expect((await coll.deleteMany({ fileName: { $nin: names } })).deletedCount).toBe(1_500);
    expect(await coll.countDocuments()).toBe(1_500);
  });

  it("answers string ranges and $or of them on an indexed field as on an unindexed one, as writes change them", async () => {
    const indexed = freshCollection();
    const plain = freshCollection();
    await indexed.createIndex({ userId: 1, fileName: 1, version: -1 });
    const docs = [
      ...Array.from({ length: 60 }, (_, i) => ({ _id: i, userId: i % 2, fileName: `f${String(i % 20).padStart(2, "0")}`, version: i })),
      { _id: 100, userId: 0, fileName: ["f03", "g1"], version: 1 },
      { _id: 101, userId: 0, fileName: 5, version: 1 },
      { _id: 102, userId: 0, version: 1 },
      { _id: 103, userId: 0, fileName: "F10", version: 1 },
    ];
    for (const coll of [indexed, plain]) await coll.insertMany(docs.map((d) => ({ ...d })) as never[]);
    const filters = [
      { fileName: { $gt: "f03", $lt: "f07" } },
      { fileName: { $gte: "f03", $lte: "f07" } },
      { fileName: { $gt: "f17" } },
      { fileName: { $lt: "f01" } },
      { fileName: { $gt: "f05", $gte: "f08", $lt: "g" } },
      { fileName: { $gt: "z" } },
      {
        userId: 0,
        $or: [{ fileName: "f02", version: { $lte: 40 } }, { fileName: { $gt: "f02", $lt: "f09" } }, { fileName: "f09", version: { $gte: 9 } }],
      },
      { $or: [{ fileName: { $lt: "f02" } }, { version: 1 }] },
      // An equality and a range together: whichever finds fewer documents narrows (a range over
      // more values than the equality's documents is not built at all), same answers either way.
      { userId: 1, fileName: { $gt: "f03" } },
      { userId: 0, fileName: { $gt: "f17", $lt: "f19" } },
      { userId: 0, fileName: { $gte: "g" } },
      { userId: 7, fileName: { $gt: "f01" } },
      { userId: { $in: [0, 1] }, fileName: { $lte: "f01" } },
      // An equality beside an $or of ranges (a backup batch's query): the $or's set is built only when it may be smaller.
      { userId: 1, $or: [{ fileName: "f01", version: { $lte: 30 } }, { fileName: { $gt: "f01", $lt: "f15" } }, { fileName: "f15" }] },
      { userId: 0, $or: [{ fileName: "f02" }, { fileName: "f04" }] },
      { userId: 0, $or: [{ $or: [{ fileName: "f02" }, { fileName: { $gte: "f19" } }] }, { fileName: { $lt: "f01" } }] },
      { userId: 1, $or: [{ fileName: { $gt: "f10" } }, { nowhere: { $exists: false } }] },
      { userId: 7, $or: [{ fileName: { $gt: "f10" } }, { fileName: "f03" }] },
    ];
    const answers = async () =>
      Promise.all(filters.map(async (filter) => [
        await indexed.find(filter).sort({ fileName: 1, version: -1 }).toArray(),
        await plain.find(filter).sort({ fileName: 1, version: -1 }).toArray(),
        await indexed.find(filter).toArray(),
        await plain.find(filter).toArray(),
      ]));
    for (const [i, p, iNatural, pNatural] of await answers()) {
      expect(i).toEqual(p);
      expect(iNatural).toEqual(pNatural);
    }
    expect((await indexed.find({ fileName: { $gt: "f03", $lt: "f05" } }).toArray()).map((d) => d._id)).toEqual([4, 24, 44, 100]);
    for (const coll of [indexed, plain]) {
      await coll.updateMany({ fileName: "f04" }, { $set: { fileName: "f19" } });
      await coll.deleteMany({ fileName: { $gte: "f10", $lt: "f12" } });
    }
    for (const [i, p, iNatural, pNatural] of await answers()) {
      expect(i).toEqual(p);
      expect(iNatural).toEqual(pNatural);
    }
    // 4, 24, 44 were renamed; 100 went with the deleteMany (its "g1" is ≥ f10 and its "f03" < f12).
    expect(await indexed.find({ fileName: { $gt: "f03", $lt: "f05" } }).toArray()).toEqual([]);
    expect((await indexed.find({ fileName: { $gt: "f18" } }).toArray()).map((d) => d._id)).toEqual([4, 19, 24, 39, 44, 59]);
  });

  it("finds through an indexed field every document an equality matches, in natural order, as writes change them", async () => {
    const coll = freshCollection();
    await coll.createIndex({ userId: 1, updatedAt: -1 });
    await coll.createIndex({ "tags.name": 1 });
    await coll.insertMany([
      { _id: 1 as never, userId: 7, name: "a", tags: [{ name: "x" }] },
      { _id: 2 as never, userId: 7, name: "b", tags: [{ name: "y" }, { name: "x" }] },
      { _id: 3 as never, userId: new Double(7), name: "c" },
      { _id: 4 as never, userId: [8, 7], name: "d" },
      { _id: 5 as never, userId: 8, name: "e" },
      { _id: 6 as never, name: "f" },
    ]);
    const names = async (filter: Document, sort?: Document) => (await coll.find(filter, sort ? { sort } : {}).toArray()).map((d) => d["name"] as string);
    expect(await names({ userId: 7 })).toEqual(["a", "b", "c", "d"]);
    expect(await names({ userId: { $eq: 7 }, name: { $ne: "b" } })).toEqual(["a", "c", "d"]);
    expect(await names({ userId: { $in: [8, 9] } })).toEqual(["d", "e"]);
    expect(await names({ "tags.name": "x" })).toEqual(["a", "b"]);
    expect(await names({ _id: { $in: [5, 1, 42] as never } })).toEqual(["a", "e"]);
    // An update moves a document out of one value and into another; natural order stays insertion order.
    await coll.updateOne({ name: "a" }, { $set: { userId: 8 } });
    await coll.updateOne({ name: "f" }, { $set: { userId: 7 } });
    expect(await names({ userId: 7 })).toEqual(["b", "c", "d", "f"]);
    expect(await names({ userId: 8 })).toEqual(["a", "d", "e"]);
    expect(await coll.countDocuments({ userId: 7 })).toBe(4);
    expect(await coll.distinct("name", { userId: 8 })).toEqual(["a", "d", "e"]);
    const [grouped] = await coll.aggregate([{ $match: { userId: 7 } }, { $group: { _id: null, n: { $sum: 1 } } }]).toArray();
    expect(grouped?.["n"]).toBe(4);
    expect((await coll.updateMany({ userId: 7 }, { $set: { seen: true } })).modifiedCount).toBe(4);
    expect((await coll.deleteMany({ userId: 8 })).deletedCount).toBe(3);
    expect(await names({}, { _id: 1 })).toEqual(["b", "c", "f"]);
    // A field further down a compound index, indexed after the documents were stored.
    await coll.createIndex({ userId: 1, name: 1 });
    await coll.insertOne({ _id: 7 as never, userId: 9, name: "c" });
    expect(await names({ name: "c" })).toEqual(["c", "c"]);
    expect(await names({ name: { $in: ["b", "f"] }, userId: 7 })).toEqual(["b", "f"]);
  });

  it("creates, lists and drops indexes and collections", async () => {
    const coll = freshCollection();
    await coll.createIndexes([
      { key: { userId: 1, fileName: 1, version: 1 }, name: "user_file_version", unique: true },
      { key: { userId: 1, updatedAt: -1 }, name: "user_updated" },
    ]);
    expect(await coll.createIndex({ userId: 1, updatedAt: -1 }, { name: "user_updated" })).toBe("user_updated");
    const indexes = await coll.listIndexes().toArray();
    expect(indexes.map((i) => i.name)).toEqual(["_id_", "user_file_version", "user_updated"]);
    expect(indexes[1]).toMatchObject({ key: { userId: 1, fileName: 1, version: 1 }, unique: true });
    expect(await coll.indexExists("user_updated")).toBe(true);
    await coll.dropIndex("user_updated");
    expect((await coll.indexes()).map((i) => i.name)).toEqual(["_id_", "user_file_version"]);
    expect(((await rejection(coll.dropIndex("nope"))) as MongoServerError).code).toBe(27);

    const names = (await mongo.db.listCollections({ name: coll.collectionName }, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toEqual([coll.collectionName]);
    await mongo.db.createCollection("explicit_created");
    expect(((await rejection(mongo.db.createCollection("explicit_created"))) as MongoServerError).code).toBe(48);
    expect(await coll.drop()).toBe(true);
    expect(await mongo.db.listCollections({ name: coll.collectionName }).toArray()).toEqual([]);
    expect(((await rejection(coll.listIndexes().toArray())) as MongoServerError).code).toBe(26);
  });

  it("round-trips a ~2 MB GridFS file and deletes its chunks", async () => {
    const bucket = new GridFSBucket(mongo.db, { bucketName: "blobs" });
    const data = randomBytes(2 * 1024 * 1024 + 12_345);
    const upload = bucket.openUploadStream("random.bin", { metadata: { owner: 42 } });
    await new Promise<void>((resolve, reject) => {
      upload.once("finish", () => resolve());
      upload.once("error", reject);
      upload.end(data);
    });
    const parts: Buffer[] = [];
    for await (const part of bucket.openDownloadStream(upload.id)) parts.push(part as Buffer);
    expect(Buffer.concat(parts).equals(data)).toBe(true);

    const files = await bucket.find({ filename: "random.bin" }).toArray();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ length: data.length, chunkSize: 255 * 1024, metadata: { owner: 42 } });
    const chunks = mongo.db.collection("blobs.chunks");
    expect(await chunks.countDocuments({ files_id: upload.id })).toBe(Math.ceil(data.length / (255 * 1024)));
    expect((await chunks.indexes()).some((i) => i.unique && i.key.files_id === 1 && i.key.n === 1)).toBe(true);

    await bucket.delete(upload.id);
    expect(await chunks.countDocuments({ files_id: upload.id })).toBe(0);
    expect(await bucket.find({}).toArray()).toEqual([]);
  });

  it("runs an Agenda 6 job that writes a document", async () => {
    const effects = freshCollection("agenda_effects");
    const agenda = new Agenda({
      backend: new MongoBackend({ mongo: mongo.db, collection: `jobs_${++collectionCounter}` }),
      processEvery: 100,
      defaultLockLifetime: 1000,
    });
    agenda.define("write-marker", async (job) => {
      await effects.insertOne({ marker: (job.attrs.data as { marker: string }).marker, at: new Date() });
    });
    await agenda.start();
    try {
      await agenda.now("write-marker", { marker: "now" });
      await agenda.schedule(new Date(Date.now() + 100), "write-marker", { marker: "scheduled" });
      const done = await waitFor(async () => ((await effects.countDocuments()) >= 2 ? effects.find().toArray() : null));
      expect(done.map((d) => d.marker).sort()).toEqual(["now", "scheduled"]);
    } finally {
      await agenda.stop();
    }
  });
});

describe("fidelity as a standalone mongod", () => {
  it("a stored double with a whole value comes back as a double, an int32 as an int32", async () => {
    const coll = freshCollection("doubles");
    const { insertedId } = await coll.insertOne({ whole: new Double(1), fraction: 2.5, int: 3, nested: { d: new Double(4) }, list: [new Double(5), 6] });
    await coll.insertMany([{ k: "many", whole: new Double(7) }]);
    const raw = await coll.findOne({ _id: insertedId }, { promoteValues: false });
    expect(raw!.whole).toBeInstanceOf(Double);
    expect((raw!.whole as Double).value).toBe(1);
    expect(raw!.fraction).toBeInstanceOf(Double);
    expect(raw!.int).not.toBeInstanceOf(Double);
    expect(raw!.nested.d).toBeInstanceOf(Double);
    expect(raw!.list[0]).toBeInstanceOf(Double);
    expect(raw!.list[1]).not.toBeInstanceOf(Double);
    expect((await coll.findOne({ k: "many" }, { promoteValues: false }))!.whole).toBeInstanceOf(Double);
    // Promoted (the default), it is the number a query matches.
    expect(await coll.findOne({ whole: 1 }, { projection: { _id: 0, whole: 1 } })).toEqual({ whole: 1 });
  });

  it("$changeStream answers as a standalone: code 40573", async () => {
    const coll = freshCollection("streams");
    const err = await coll
      .aggregate([{ $changeStream: {} }])
      .toArray()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 40573, message: "The $changeStream stage is only supported on replica sets" });
  });
  describe("serves connections side by side, as mongod does", () => {
    const N = 20_000;
    let other: MongoClient;

    beforeAll(async () => {
      other = await new MongoClient(mongo.uri).connect();
    });

    afterAll(async () => {
      await other?.close();
    });

    /** Counts through the other client until it sees part of the collection; returns what it saw. */
    async function seenMidway(name: string, insert: Promise<unknown>): Promise<{ n: number; lookup: unknown }> {
      const settled = insert.then(() => true, () => true);
      const coll = other.db(mongo.db.databaseName).collection(name);
      for (;;) {
        const n = await coll.countDocuments({});
        if (n > 0 || (await Promise.race([settled, Promise.resolve(false)]))) {
          const lookup = await other.db(mongo.db.databaseName).collection("side_by_side_lookup").findOne({ k: 1 });
          return { n, lookup };
        }
      }
    }

    it("another connection's find is answered while a large insert runs; the insert completes, in order", async () => {
      await mongo.db.collection("side_by_side_lookup").insertOne({ k: 1 });
      const coll = freshCollection("side_by_side");
      await coll.createIndex({ i: 1 }, { unique: true });
      const docs = Array.from({ length: N }, (_, i) => ({ i, name: `file-${i}` }));
      const insert = coll.insertMany(docs);
      const midway = await seenMidway(coll.collectionName, insert);
      expect(midway.lookup).toMatchObject({ k: 1 });
      expect(midway.n).toBeGreaterThan(0);
      expect(midway.n).toBeLessThan(N); // the other client saw part of it: it did not wait for the whole batch
      expect((await insert).insertedCount).toBe(N);
      const stored = await coll.find({}, { projection: { _id: 0, i: 1 } }).toArray();
      expect(stored.map((d) => d.i)).toEqual(docs.map((d) => d.i));
    });

    it("an ordered insert interleaved with other connections still stops at its first error", async () => {
      const coll = freshCollection<{ _id: number }>("side_by_side_dup");
      const docs = Array.from({ length: N }, (_, i) => ({ _id: i === 15_000 ? 10 : i }));
      const insert = coll.insertMany(docs);
      const midway = await seenMidway(coll.collectionName, insert);
      expect(midway.n).toBeLessThan(N);
      const err = await rejection(insert);
      expect(err).toBeInstanceOf(MongoBulkWriteError);
      expect((err as MongoBulkWriteError).insertedCount).toBe(15_000);
      expect((err as MongoBulkWriteError).writeErrors).toMatchObject([{ index: 15_000, code: 11000 }]);
      const ids = (await coll.find({}).toArray()).map((d) => d._id);
      expect(ids).toEqual(docs.slice(0, 15_000).map((d) => d._id));
    });
  });
});
