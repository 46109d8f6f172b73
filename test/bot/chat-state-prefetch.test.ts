import { MemorySessionStorage } from "grammy";
import { describe, expect, it } from "vitest";
import { PrefetchingStorage } from "../../src/bot/chat-state-prefetch.js";

describe("PrefetchingStorage (session and conversation state read early)", () => {
  it("hands the early read to the plugin's read, once; the next read goes to the storage again", async () => {
    const inner = new MemorySessionStorage<{ page: number }>();
    inner.write("1", { page: 1 });
    const store = new PrefetchingStorage(inner);

    store.prefetch("1");
    inner.write("1", { page: 2 }); // changed after the early read started: the update sees what it read
    expect(await store.read("1")).toEqual({ page: 1 });
    expect(await store.read("1")).toEqual({ page: 2 });
  });

  it("an early read no one took is dropped when the update ends: the next update reads the storage", async () => {
    const inner = new MemorySessionStorage<{ page: number }>();
    inner.write("1", { page: 1 });
    const store = new PrefetchingStorage(inner);

    const drop = store.prefetch("1");
    drop();
    inner.write("1", { page: 3 }); // e.g. another instance handled this user's next update
    expect(await store.read("1")).toEqual({ page: 3 });
  });

  it("a write or delete in the update replaces what was read early", async () => {
    const inner = new MemorySessionStorage<{ page: number }>();
    inner.write("1", { page: 1 });
    const store = new PrefetchingStorage(inner);

    store.prefetch("1");
    await store.write("1", { page: 4 });
    expect(await store.read("1")).toEqual({ page: 4 });

    store.prefetch("1");
    await store.delete("1");
    expect(await store.read("1")).toBeUndefined();
  });

  it("a failed early read fails the plugin's read, and an untaken one does not crash the process", async () => {
    const failing = new PrefetchingStorage<{ page: number }>({
      read: () => Promise.reject(new Error("MongoDB unreachable")),
      write: () => undefined,
      delete: () => undefined,
    });
    failing.prefetch("1");
    await expect(failing.read("1")).rejects.toThrow("MongoDB unreachable");
    failing.prefetch("2")(); // dropped unread: no unhandled rejection (vitest would fail the run)
    await new Promise((r) => setTimeout(r, 10));
  });
});
