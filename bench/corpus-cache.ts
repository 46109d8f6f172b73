/** The corpus as one flat file, so benchmark children load it without the generator's garbage. */
import * as fs from "node:fs";
import type { CorpusFile } from "./corpus.js";

export function saveCorpus(file: string, corpus: CorpusFile[]): void {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(4);
  head.writeUInt32LE(corpus.length);
  parts.push(head);
  for (const f of corpus) {
    const name = Buffer.from(f.name, "utf8");
    const h = Buffer.alloc(6);
    h.writeUInt16LE(name.length, 0);
    h.writeUInt32LE(f.content.length, 2);
    parts.push(h, name, f.content);
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

/** Contents are views into one buffer read from disk. */
export function loadCorpus(file: string): CorpusFile[] {
  const buf = fs.readFileSync(file);
  const n = buf.readUInt32LE(0);
  const out: CorpusFile[] = [];
  let p = 4;
  for (let i = 0; i < n; i++) {
    const nl = buf.readUInt16LE(p);
    const cl = buf.readUInt32LE(p + 2);
    p += 6;
    const name = buf.toString("utf8", p, p + nl);
    p += nl;
    out.push({ name, content: buf.subarray(p, p + cl) });
    p += cl;
  }
  return out;
}
