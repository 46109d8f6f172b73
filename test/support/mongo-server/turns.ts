/**
 * Fair turns on the server's one thread. mongod serves each connection on its own thread, so one
 * client's 500-document insert does not hold another client's findOne; here a long command calls
 * `await pause()` between documents, and once it has held the thread for TURN_MS it gives way
 * (setImmediate) to whatever the other connections sent meanwhile, then carries on.
 *
 * Only pause where the command may be interleaved the way mongod interleaves it: between the
 * documents of a multi-document write (each document's write stays whole), or while reading
 * documents that are never changed in place (stored documents are replaced, not mutated).
 */
const TURN_MS = 2;

let turnStarted = performance.now();

/** Marks the start of work the event loop handed us (a socket's data, a resumed command). */
export function startTurn(): void {
  turnStarted = performance.now();
}

function resume(done: () => void): void {
  startTurn();
  done();
}

/** Resolves at once while the turn lasts; after TURN_MS, once other connections had theirs. */
export function pause(): Promise<void> | undefined {
  if (performance.now() - turnStarted < TURN_MS) return undefined;
  return new Promise((done) => setImmediate(resume, done));
}

/** `docs.filter(test)`, giving way between documents when the turn is over. */
export async function filterInTurns<T>(docs: T[], test: (doc: T) => boolean): Promise<T[]> {
  const out: T[] = [];
  for (const doc of docs) {
    await pause();
    if (test(doc)) out.push(doc);
  }
  return out;
}

/** `docs.map(fn)`, giving way between documents when the turn is over. */
export async function mapInTurns<T, U>(docs: T[], fn: (doc: T) => U): Promise<U[]> {
  const out: U[] = [];
  for (const doc of docs) {
    await pause();
    out.push(fn(doc));
  }
  return out;
}
