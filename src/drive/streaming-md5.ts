import { createHash, type Hash } from "node:crypto";

/**
 * The MD5 of a byte stream that may be sent more than once from earlier offsets (a resumed
 * upload re-reads from where the server stands): bytes at offsets already hashed are skipped,
 * so each byte is hashed exactly once, in order. Stored bytes do not change, so this is the
 * MD5 of the whole file once every byte has passed.
 */
export class StreamingMd5 {
  private readonly hash: Hash = createHash("md5");
  private hashed = 0;

  update(offset: number, chunk: Buffer): void {
    if (offset > this.hashed) throw new Error(`md5: gap at ${this.hashed}, got bytes from ${offset}`);
    const skip = this.hashed - offset;
    if (skip >= chunk.length) return;
    this.hash.update(chunk.subarray(skip));
    this.hashed = offset + chunk.length;
  }

  get bytes(): number {
    return this.hashed;
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}
