import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyId, parseEncryptionKeys, SecretBox, SecretBoxError } from "../../src/crypto/secret-box.js";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SecretBoxError);
    return (err as SecretBoxError).code;
  }
  throw new Error("expected a SecretBoxError");
};

describe("SecretBox (TOKEN_ENCRYPTION_KEY)", () => {
  const key = randomBytes(32);
  const box = new SecretBox([key]);

  it("opens what it sealed in the same context; the sealed form holds no plaintext and a fresh nonce each time", () => {
    const a = box.seal("hunter2 passphrase", "ctx:1");
    const b = box.seal("hunter2 passphrase", "ctx:1");
    expect(box.open(a, "ctx:1")).toBe("hunter2 passphrase");
    expect(a.kid).toBe(keyId(key));
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(JSON.stringify(a)).not.toContain("hunter2");
    expect(Buffer.from(a.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(a.tag, "base64")).toHaveLength(16);
  });

  it("refuses a changed ciphertext, tag or nonce, and another context, as tampered", () => {
    const sealed = box.seal("secret", "ctx:1");
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64");
      bytes[0]! ^= 1;
      return bytes.toString("base64");
    };
    expect(code(() => box.open({ ...sealed, ct: flip(sealed.ct) }, "ctx:1"))).toBe("tampered");
    expect(code(() => box.open({ ...sealed, tag: flip(sealed.tag) }, "ctx:1"))).toBe("tampered");
    expect(code(() => box.open({ ...sealed, iv: flip(sealed.iv) }, "ctx:1"))).toBe("tampered");
    expect(code(() => box.open(sealed, "ctx:2"))).toBe("tampered");
  });

  it("rotates: the first key seals, older keys still open; a key it does not hold is named as unknown", () => {
    const old = new SecretBox([key]).seal("old secret", "ctx");
    const next = randomBytes(32);
    const rotated = new SecretBox([next, key]);
    expect(rotated.open(old, "ctx")).toBe("old secret");
    expect(rotated.seal("new", "ctx").kid).toBe(keyId(next));
    expect(code(() => new SecretBox([next]).open(old, "ctx"))).toBe("unknown_key");
  });

  it("reads TOKEN_ENCRYPTION_KEY as base64 or hex, comma-separated for rotation, and refuses anything else", () => {
    const b64 = key.toString("base64");
    const hex = randomBytes(32).toString("hex");
    expect(parseEncryptionKeys(b64)).toEqual([key]);
    expect(parseEncryptionKeys(` ${hex} , ${b64} `).map((k) => k.toString("hex"))).toEqual([hex, key.toString("hex")]);
    expect(SecretBox.fromEnv(b64).open(box.seal("x", "c"), "c")).toBe("x");
    for (const bad of ["", "short", randomBytes(16).toString("base64"), `${b64},nope`]) expect(code(() => parseEncryptionKeys(bad))).toBe("bad_key");
  });
});
