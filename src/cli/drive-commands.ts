import { DriveError } from "../drive/drive-errors.js";
import { CliFailure, positionalCount, type CommandSpec } from "./command.js";

const rotateKey: CommandSpec = {
  words: ["drive", "rotate-key"],
  usage: "drive rotate-key",
  summary:
    "re-encrypt every stored Google Drive token with TOKEN_ENCRYPTION_KEY (put the old key in TOKEN_ENCRYPTION_KEY_PREVIOUS first)",
  options: {},
  prepare(_values, positionals) {
    positionalCount(positionals, 0, 0, "");
    return async ({ services, out, warn }) => {
      const result = await services.driveAuth.accounts.rotateKey().catch((err: unknown) => {
        if (err instanceof DriveError && err.code === "no_key") throw new CliFailure("TOKEN_ENCRYPTION_KEY is not set");
        throw err;
      });
      out(`re-encrypted: ${result.rotated}`);
      out(`already with the current key: ${result.current}`);
      if (result.unreadable) {
        warn(
          `${result.unreadable} account(s) were sealed with a key that is not configured: add it to TOKEN_ENCRYPTION_KEY_PREVIOUS and run again, or those users connect Drive again`,
        );
        return 1;
      }
      return 0;
    };
  },
};

export const driveCommands: CommandSpec[] = [rotateKey];
