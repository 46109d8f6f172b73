/**
 * age keys as users hold them: a generated identity and its key file, a pasted public
 * recipient, the secret a user hands back to open a copy. Everything goes through
 * age-encryption's own parsers (Encrypter.addRecipient / Decrypter.addIdentity validate).
 */
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from "age-encryption";
import { PrivacyError } from "./privacy-errors.js";

/** What opens a copy: the lines of a key file (`AGE-SECRET-KEY-1…`) or a passphrase. */
export type AgeSecret = { kind: "identity"; identities: string[] } | { kind: "passphrase"; passphrase: string };

/** What a copy is encrypted to. */
export type EncryptionKey = { kind: "recipient"; recipient: string } | { kind: "passphrase"; passphrase: string };

export const PASSPHRASE_MIN_LENGTH = 10;
export const PASSPHRASE_MAX_LENGTH = 1024;

export interface GeneratedKey {
  /** The secret, `AGE-SECRET-KEY-1…`. Shown to the user once; never stored. */
  identity: string;
  /** The public half, `age1…`: the only part the server keeps. */
  recipient: string;
  /** The identity as a key file (the layout `age-keygen` writes), with instructions as comment lines. */
  keyFileText: string;
  /** e.g. codevault-key-2026-11-29.txt */
  keyFileName: string;
}

/** A fresh X25519 identity (what `age-keygen` makes), ready to be sent as a small text file. */
export async function generateKey(now: Date = new Date()): Promise<GeneratedKey> {
  const identity = await generateIdentity();
  const recipient = await identityToRecipient(identity);
  const created = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const keyFileText = [
    `# created: ${created}`,
    `# public key: ${recipient}`,
    "# This is the secret key of your codevault private copies. codevault does not keep it:",
    "# without this file nobody can open those copies, not even codevault. Keep it somewhere",
    "# safe and private (a password manager, or printed on paper); anyone holding it can open them.",
    "# To open a copy without the bot:  age -d -i this-file.txt codevault-backup-….zip.age > backup.zip",
    identity,
    "",
  ].join("\n");
  return { identity, recipient, keyFileText, keyFileName: `codevault-key-${created.slice(0, 10)}.txt` };
}

/**
 * A pasted public key, checked by age itself and returned in its canonical (lower-case)
 * form. Refuses a secret key pasted by mistake with its own code, so the bot can warn.
 */
export function parseRecipient(text: string): string {
  if (/AGE-SECRET-KEY-/i.test(text)) throw new PrivacyError("invalid_recipient", "a secret key was given where the public key (age1…) belongs");
  const recipient = text.trim().toLowerCase();
  if (!/^age1[0-9a-z]+$/.test(recipient)) throw new PrivacyError("invalid_recipient", "not an age1… public key");
  try {
    new Encrypter().addRecipient(recipient);
  } catch {
    throw new PrivacyError("invalid_recipient", "not a valid age public key");
  }
  return recipient;
}

/** The `AGE-SECRET-KEY-…` lines of a key file's text (comments and blank lines ignored), each checked by age. */
export function parseIdentities(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const identities = lines.filter((line) => /^AGE-SECRET-KEY-/i.test(line)).map((line) => line.toUpperCase());
  if (identities.length === 0 || identities.length !== lines.length) {
    throw new PrivacyError("invalid_identity", "the text holds no age secret key, or lines that are not one");
  }
  for (const identity of identities) {
    try {
      new Decrypter().addIdentity(identity);
    } catch {
      throw new PrivacyError("invalid_identity", "a line is not a valid age secret key");
    }
  }
  return identities;
}

/** What the user typed or sent to open a copy: key file text if it holds a secret key, a passphrase otherwise. */
export function secretFromText(text: string): AgeSecret {
  if (/AGE-SECRET-KEY-/i.test(text)) return { kind: "identity", identities: parseIdentities(text) };
  return { kind: "passphrase", passphrase: text };
}

export function checkPassphrase(passphrase: string): void {
  const length = [...passphrase].length;
  if (length < PASSPHRASE_MIN_LENGTH || length > PASSPHRASE_MAX_LENGTH) {
    throw new PrivacyError("weak_passphrase", `a passphrase needs ${PASSPHRASE_MIN_LENGTH}-${PASSPHRASE_MAX_LENGTH} characters`);
  }
}
