/** MongoDB-shaped errors: `{ ok: 0, errmsg, code, codeName }` and write errors. */
import { MingoError } from "mingo/util";
import { formatValue, type Doc } from "./values.js";

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  DuplicateKey: 11000,
  /** "The $changeStream stage is only supported on replica sets" (a standalone mongod). */
  Location40573: 40573,
} as const;

export type CodeName = keyof typeof ErrorCodes;

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra fields copied into the error reply / write error (e.g. keyPattern). */
  readonly extra: Doc;

  constructor(codeName: CodeName, message: string, extra: Doc = {}) {
    super(message);
    this.codeName = codeName;
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }
}

export class DuplicateKeyError extends CommandError {
  constructor(ns: string, indexName: string, keyPattern: Doc, keyValue: Doc) {
    super(
      "DuplicateKey",
      `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: ${formatValue(keyValue)}`,
      { keyPattern, keyValue },
    );
  }
}

/** Turns anything thrown by a command (including mingo errors) into a CommandError. */
export function asCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/immutable field/i.test(message)) return new CommandError("ImmutableField", message);
  if (err instanceof MingoError) return new CommandError("BadValue", message);
  if (err instanceof TypeError || err instanceof RangeError) return new CommandError("BadValue", message);
  return new CommandError("InternalError", message);
}

export function errorReply(err: unknown): Doc {
  const e = asCommandError(err);
  return { ok: 0, errmsg: e.message, code: e.code, codeName: e.codeName, ...e.extra };
}

export function writeError(index: number, err: unknown): Doc {
  const e = asCommandError(err);
  return { index, code: e.code, errmsg: e.message, ...e.extra };
}
