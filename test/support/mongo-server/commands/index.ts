/** Command dispatch: the first field of the command document names the command. */
import { CommandError, errorReply } from "../errors.js";
import type { Doc } from "../values.js";
import { adminCommands } from "./admin.js";
import type { CommandContext, CommandHandler } from "./context.js";
import { ddlCommands } from "./ddl.js";
import { readCommands } from "./read.js";
import { writeCommands } from "./write.js";

export type { CommandContext, ServerState } from "./context.js";

const handlers = new Map<string, CommandHandler>(
  Object.entries({ ...adminCommands, ...readCommands, ...writeCommands, ...ddlCommands }),
);

/** Runs one command and returns its reply; failures become `{ ok: 0, errmsg, code, codeName }`. */
export async function runCommand(command: Doc, ctx: CommandContext): Promise<Doc> {
  const name = Object.keys(command)[0] ?? "";
  const handler = handlers.get(name);
  if (!handler) return errorReply(new CommandError("CommandNotFound", `no such command: '${name}'`));
  if (command.startTransaction === true || command.autocommit === false) {
    // Like a real standalone mongod: sessions are fine, transactions are not.
    return errorReply(
      new CommandError("IllegalOperation", "Transaction numbers are only allowed on a replica set member or mongos"),
    );
  }
  try {
    return await handler(command, ctx);
  } catch (err) {
    return errorReply(err);
  }
}
