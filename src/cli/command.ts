import type { Db } from "mongodb";
import type { Services } from "../app.js";

/** Bad arguments: the CLI prints the message and the usage text, and exits 2. */
export class UsageError extends Error {}

/** An expected failure (not found, file exists): the CLI prints the message and exits 1. */
export class CliFailure extends Error {}

export interface CommandContext {
  services: Services;
  db: Db;
  /** A line to stdout (results). */
  out(line: string): void;
  /** A line to stderr (warnings). */
  warn(line: string): void;
}

/** Runs against the services once the database is open; returns the exit code. */
export type CommandRun = (ctx: CommandContext) => Promise<number>;

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One command: its words, its options for node:util parseArgs, and how to check its arguments. */
export interface CommandSpec {
  words: string[];
  usage: string;
  summary: string;
  options: Record<string, { type: "string" | "boolean"; short?: string }>;
  /** Validates the arguments before any database is opened (throws UsageError). */
  prepare(values: OptionValues, positionals: string[]): CommandRun;
}

/** A Telegram user id: a positive whole number. */
export function userIdOption(values: OptionValues, name = "user"): number {
  const raw = values[name];
  if (typeof raw !== "string") throw new UsageError(`--${name} <id> is required`);
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id) || id <= 0) throw new UsageError(`--${name} must be a numeric Telegram user id, got "${raw}"`);
  return id;
}

export function stringOption(values: OptionValues, name: string): string {
  const raw = values[name];
  if (typeof raw !== "string" || raw.trim() === "") throw new UsageError(`--${name} <value> is required`);
  return raw;
}

export function positionalCount(positionals: string[], min: number, max: number, what: string): void {
  if (positionals.length < min) throw new UsageError(`missing ${what}`);
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`);
}
