/** What every command handler receives, plus argument helpers. */
import type { Cursors } from "../cursors.js";
import { CommandError } from "../errors.js";
import type { QueryOptions } from "../query.js";
import type { Store } from "../store.js";
import { clone, isPlainObject, type Doc } from "../values.js";

export interface ServerState {
  store: Store;
  cursors: Cursors;
  startedAt: Date;
  connectionCount(): number;
}

export interface CommandContext {
  state: ServerState;
  /** The command's database (`$db`). */
  db: string;
  connectionId: number;
}

/** Long commands are async: they pause between documents for other connections (turns.ts). */
export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc | Promise<Doc>;

/** The collection name given as the value of the command's first field. */
export function collectionArg(cmd: Doc, command: string): string {
  const name = cmd[command];
  if (typeof name !== "string") {
    throw new CommandError("InvalidNamespace", `collection name has invalid type ${typeof name}`);
  }
  return name;
}

/** An optional document argument (e.g. filter, sort, projection). */
export function docArg(cmd: Doc, key: string): Doc | undefined {
  const value = cmd[key];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw new CommandError("TypeMismatch", `BSON field '${key}' is the wrong type '${typeof value}', expected type 'object'`);
  }
  return value;
}

/** mingo options for this database: collation and $lookup/$unionWith collection access. */
export function queryOptions(ctx: CommandContext, cmd: Doc): QueryOptions {
  return {
    collation: docArg(cmd, "collation"),
    resolveCollection: (name) => clone(ctx.state.store.find(ctx.db, name)?.all() ?? []),
  };
}
