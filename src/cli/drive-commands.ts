import { DriveError } from "../drive/drive-errors.js";
import { CliFailure, positionalCount, type CommandSpec } from "./command.js";

const rotateKey: CommandSpec = {
  words: ["drive", "rotate-key"],
  usage: "drive rotate-key",
  summary:
    "re-encrypt every stored Google Drive token and private-copy passphrase with TOKEN_ENCRYPTION_KEY (put the old key in TOKEN_ENCRYPTION_KEY_PREVIOUS first)",
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
      // Private-copy passphrases are sealed with the same key.
      const passphrases = await services.privacy.rotateKey();
      if (passphrases.rotated) out(`private-copy passphrases re-encrypted: ${passphrases.rotated}`);
      if (passphrases.unreadable) {
        warn(
          `${passphrases.unreadable} private-copy passphrase(s) were sealed with a key that is not configured: add it to TOKEN_ENCRYPTION_KEY_PREVIOUS and run again, or those users set their passphrase again`,
        );
      }
      if (result.unreadable) {
        warn(
          `${result.unreadable} account(s) were sealed with a key that is not configured: add it to TOKEN_ENCRYPTION_KEY_PREVIOUS and run again, or those users connect Drive again`,
        );
      }
      return result.unreadable || passphrases.unreadable ? 1 : 0;
    };
  },
};

export const driveCommands: CommandSpec[] = [rotateKey];
