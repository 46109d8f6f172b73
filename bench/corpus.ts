/**
 * Deterministic corpus of source-like files for ZIP/backup benchmarks.
 *
 * Sizes are log-normal (median ≈ 2.5 KB, clamped to 200 B – 200 KB) and
 * scaled so the corpus averages ~6 KB a file (10,000 files ≈ 60 MB). Mix:
 * 45% TypeScript, 25% JavaScript, 15% Python, 8% JSON, 7% Markdown. Content
 * is generated from a per-file identifier vocabulary plus shared keywords,
 * so it compresses like real code (~3.5× at DEFLATE level 6), not like
 * random bytes or one repeated string. Same `seed` → same bytes.
 */
import type { ArchiveSourceFile } from "../src/archive/archive-writer.js";
import { sha256Hex } from "../src/files/content-hash.js";
import { detectLanguage } from "../src/files/language.js";

export interface CorpusFile {
  name: string;
  content: Buffer;
}

export interface CorpusOptions {
  files: number;
  seed: number;
  /** Mean file size in bytes (default 6,000). */
  meanBytes?: number;
}

type Rng = () => number;

/** sfc32: small, fast, good enough for test data. */
function makeRng(seed: number): Rng {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

const WORDS = (
  "user file backup restore archive entry name size data value result error config option item list map set " +
  "index count total limit offset buffer stream chunk block header record field key path dir node tree graph " +
  "queue task job worker pool cache store load save read write open close start stop init reset update delete " +
  "create build parse format render print log debug trace info warn state context session token auth client " +
  "server request response handler message event callback promise async sync timer clock date time zone locale " +
  "text string number bool array object type schema model view controller service factory provider manager " +
  "helper util adapter bridge proxy filter sort merge split join find match replace encode decode hash sign " +
  "verify check validate normalize sanitize escape quote trim pad wrap bind call apply emit listen subscribe " +
  "publish notify retry backoff delay timeout deadline budget quota rate bucket window batch page cursor scan " +
  "query insert upsert remove drop index shard replica primary secondary lock mutex latch guard permit grant " +
  "role scope policy rule match route path param header cookie body status code reason detail trace span metric " +
  "counter gauge histogram summary label tag note version release build target source output input default"
).split(" ");

const ENGLISH = (
  "the a of to and in is it that for on with as this be by are from or an at not we can if when " +
  "should must will would return returns value values before after only every each all none some more less " +
  "than then else because so but while until unless used uses using call calls called make makes keep keeps " +
  "new old first last next previous current given empty missing invalid valid safe unsafe large small fast slow " +
  "here there note todo fixme see also why how what which where order later again once twice always never"
).split(" ");

const TS_TYPES = ["string", "number", "boolean", "Buffer", "Date", "unknown", "void", "string[]", "number[]", "Record<string, unknown>", "Map<string, number>", "Promise<void>"];
const PY_TYPES = ["str", "int", "float", "bool", "bytes", "list[str]", "dict[str, int]", "Optional[str]", "None"];

class Gen {
  private readonly out: string[] = [];
  private len = 0;
  private readonly ids: string[];
  private readonly types: string[];

  constructor(private readonly r: Rng) {
    const n = 10 + Math.floor(r() * 24);
    this.ids = Array.from({ length: n }, () => this.ident());
    this.types = Array.from({ length: 3 + Math.floor(r() * 6) }, () => this.typeName());
  }

  int(n: number): number { return Math.floor(this.r() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  chance(p: number): boolean { return this.r() < p; }
  word(): string { return this.pick(WORDS); }
  cap(s: string): string { return s[0]!.toUpperCase() + s.slice(1); }
  ident(): string {
    const k = 1 + this.int(3);
    let s = this.word();
    for (let i = 1; i < k; i++) s += this.cap(this.word());
    return s;
  }
  snake(): string { return this.ident().replace(/[A-Z]/g, (c) => "_" + c.toLowerCase()); }
  typeName(): string { return this.cap(this.word()) + this.cap(this.word()); }
  id(): string { return this.chance(0.92) ? this.pick(this.ids) : this.ident(); }
  type(): string { return this.chance(0.5) ? this.pick(this.types) : this.pick(TS_TYPES); }
  sentence(min = 4, max = 14): string {
    const n = min + this.int(max - min);
    const ws: string[] = [];
    for (let i = 0; i < n; i++) ws.push(this.chance(0.85) ? this.pick(ENGLISH) : this.chance(0.5) ? this.pick(this.ids) : this.word());
    const s = ws.join(" ");
    return this.cap(s);
  }
  literal(): string {
    const k = this.int(6);
    if (k === 0) return String(this.int(64));
    if (k === 1) return `"${this.sentence(1, 5).toLowerCase()}"`;
    if (k === 2) return this.pick(["true", "false", "null", "undefined", "0", "1", "[]", "{}"]);
    if (k === 3) return this.pick(["0", "1", "-1", "2", "10", "100", "1024"]);
    return this.id();
  }
  expr(depth = 0): string {
    const k = this.int(depth > 1 ? 3 : 7);
    if (k === 0) return this.literal();
    if (k === 1) return `${this.id()}.${this.id()}`;
    if (k === 2) return this.id();
    if (k === 3) return `${this.id()}(${this.args(depth)})`;
    if (k === 4) return `${this.expr(depth + 1)} ${this.pick(["+", "-", "*", "===", "!==", "&&", "||", "<", ">="])} ${this.expr(depth + 1)}`;
    if (k === 5) return `this.${this.id()}.${this.id()}(${this.args(depth)})`;
    return `await ${this.id()}.${this.id()}(${this.args(depth)})`;
  }
  args(depth: number): string {
    const n = this.int(4);
    return Array.from({ length: n }, () => this.expr(depth + 1)).join(", ");
  }

  emit(line: string): void {
    this.out.push(line);
    this.len += line.length + 1;
  }
  get length(): number { return this.len; }
  text(): string { return this.out.join("\n") + "\n"; }

  // --- TypeScript / JavaScript ---
  tsStatements(indent: string, n: number, depth: number, ts: boolean): void {
    for (let i = 0; i < n; i++) {
      const k = this.int(depth > 2 ? 5 : 9);
      if (k === 0) this.emit(`${indent}const ${this.id()}${ts && this.chance(0.3) ? `: ${this.type()}` : ""} = ${this.expr()};`);
      else if (k === 1) this.emit(`${indent}${this.id()}.${this.id()} = ${this.expr()};`);
      else if (k === 2) this.emit(`${indent}${this.expr()};`);
      else if (k === 3) this.emit(`${indent}// ${this.sentence()}`);
      else if (k === 4) this.emit(`${indent}let ${this.id()} = ${this.literal()};`);
      else if (k === 5) {
        this.emit(`${indent}if (${this.expr()}) {`);
        this.tsStatements(indent + "  ", 1 + this.int(3), depth + 1, ts);
        if (this.chance(0.3)) {
          this.emit(`${indent}} else {`);
          this.tsStatements(indent + "  ", 1 + this.int(2), depth + 1, ts);
        }
        this.emit(`${indent}}`);
      } else if (k === 6) {
        this.emit(`${indent}for (const ${this.id()} of ${this.id()}) {`);
        this.tsStatements(indent + "  ", 1 + this.int(3), depth + 1, ts);
        this.emit(`${indent}}`);
      } else if (k === 7) {
        this.emit(`${indent}try {`);
        this.tsStatements(indent + "  ", 1 + this.int(3), depth + 1, ts);
        this.emit(`${indent}} catch (err) {`);
        this.emit(`${indent}  throw new Error(\`${this.sentence(3, 8)}: \${String(err)}\`);`);
        this.emit(`${indent}}`);
      } else {
        this.emit(`${indent}return ${this.expr()};`);
      }
    }
  }
  tsFile(size: number, ts: boolean): string {
    const imports = 1 + this.int(6);
    for (let i = 0; i < imports; i++) {
      const names = Array.from({ length: 1 + this.int(4) }, () => (this.chance(0.5) ? this.pick(this.types) : this.id()));
      this.emit(`import { ${[...new Set(names)].join(", ")} } from "${this.pick(["./", "../", "../../"])}${this.snake().replace(/_/g, "-")}.js";`);
    }
    this.emit("");
    while (this.len < size) {
      const k = this.int(5);
      if (k === 0) {
        this.emit("/**");
        for (let i = 0, n = 1 + this.int(4); i < n; i++) this.emit(` * ${this.sentence()}`);
        this.emit(" */");
      } else if (k === 1 && ts) {
        this.emit(`export interface ${this.pick(this.types)} {`);
        for (let i = 0, n = 2 + this.int(6); i < n; i++) this.emit(`  ${this.id()}${this.chance(0.3) ? "?" : ""}: ${this.type()};`);
        this.emit("}");
      } else if (k === 2) {
        this.emit(`export class ${this.pick(this.types)} {`);
        for (let m = 0, n = 1 + this.int(4); m < n; m++) {
          const params = Array.from({ length: this.int(4) }, () => `${this.id()}${ts ? `: ${this.type()}` : ""}`).join(", ");
          this.emit(`  ${this.chance(0.4) ? "async " : ""}${this.id()}(${params})${ts ? `: ${this.type()}` : ""} {`);
          this.tsStatements("    ", 2 + this.int(6), 1, ts);
          this.emit("  }");
          this.emit("");
        }
        this.emit("}");
      } else {
        const params = Array.from({ length: this.int(4) }, () => `${this.id()}${ts ? `: ${this.type()}` : ""}`).join(", ");
        this.emit(`export ${this.chance(0.4) ? "async " : ""}function ${this.id()}(${params})${ts ? `: ${this.type()}` : ""} {`);
        this.tsStatements("  ", 2 + this.int(8), 0, ts);
        this.emit("}");
      }
      this.emit("");
    }
    return this.text();
  }

  // --- Python ---
  pyStatements(indent: string, n: number, depth: number): void {
    for (let i = 0; i < n; i++) {
      const k = this.int(depth > 2 ? 4 : 7);
      const e = (): string => this.expr().replace(/===/g, "==").replace(/!==/g, "!=").replace(/&&/g, "and").replace(/\|\|/g, "or").replace(/this\./g, "self.").replace(/await /g, "").replace(/undefined|null/g, "None").replace(/true/g, "True").replace(/false/g, "False");
      if (k === 0) this.emit(`${indent}${this.snake()} = ${e()}`);
      else if (k === 1) this.emit(`${indent}# ${this.sentence()}`);
      else if (k === 2) this.emit(`${indent}self.${this.snake()} = ${e()}`);
      else if (k === 3) this.emit(`${indent}return ${e()}`);
      else if (k === 4) {
        this.emit(`${indent}if ${e()}:`);
        this.pyStatements(indent + "    ", 1 + this.int(3), depth + 1);
      } else if (k === 5) {
        this.emit(`${indent}for ${this.snake()} in ${this.snake()}:`);
        this.pyStatements(indent + "    ", 1 + this.int(3), depth + 1);
      } else {
        this.emit(`${indent}try:`);
        this.pyStatements(indent + "    ", 1 + this.int(2), depth + 1);
        this.emit(`${indent}except ${this.cap(this.word())}Error as exc:`);
        this.emit(`${indent}    raise ValueError(f"${this.sentence(3, 7)}: {exc}") from exc`);
      }
    }
  }
  pyFile(size: number): string {
    this.emit(`"""${this.sentence()}."""`);
    this.emit("from __future__ import annotations");
    for (let i = 0, n = 1 + this.int(5); i < n; i++) this.emit(`from .${this.snake()} import ${this.pick(this.types)}, ${this.snake()}`);
    this.emit("");
    while (this.len < size) {
      if (this.chance(0.35)) {
        this.emit(`class ${this.pick(this.types)}(${this.pick(this.types)}):`);
        this.emit(`    """${this.sentence()}."""`);
        for (let m = 0, n = 1 + this.int(4); m < n; m++) {
          this.emit("");
          const params = ["self", ...Array.from({ length: this.int(3) }, () => `${this.snake()}: ${this.pick(PY_TYPES)}`)].join(", ");
          this.emit(`    def ${this.snake()}(${params}) -> ${this.pick(PY_TYPES)}:`);
          this.pyStatements("        ", 2 + this.int(6), 1);
        }
      } else {
        const params = Array.from({ length: this.int(4) }, () => `${this.snake()}: ${this.pick(PY_TYPES)}`).join(", ");
        this.emit(`def ${this.snake()}(${params}) -> ${this.pick(PY_TYPES)}:`);
        this.emit(`    """${this.sentence()}."""`);
        this.pyStatements("    ", 2 + this.int(8), 0);
      }
      this.emit("");
      this.emit("");
    }
    return this.text();
  }

  // --- JSON ---
  jsonValue(depth: number): unknown {
    const k = this.int(depth > 2 ? 4 : 6);
    if (k === 0) return this.int(1000);
    if (k === 1) return this.sentence(1, 6).toLowerCase();
    if (k === 2) return this.chance(0.5);
    if (k === 3) return this.id();
    if (k === 4) return Array.from({ length: 1 + this.int(5) }, () => this.jsonValue(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0, n = 1 + this.int(6); i < n; i++) o[this.id()] = this.jsonValue(depth + 1);
    return o;
  }
  jsonFile(size: number): string {
    const items: unknown[] = [];
    let len = 0;
    while (len < size) {
      const o: Record<string, unknown> = {};
      for (let i = 0, n = 3 + this.int(6); i < n; i++) o[this.pick(this.ids)] = this.jsonValue(1);
      len += JSON.stringify(o, null, 2).length + 4;
      items.push(o);
    }
    return JSON.stringify({ name: this.snake(), version: `${this.int(5)}.${this.int(20)}.${this.int(10)}`, items }, null, 2) + "\n";
  }

  // --- Markdown ---
  mdFile(size: number): string {
    this.emit(`# ${this.sentence(2, 6)}`);
    this.emit("");
    while (this.len < size) {
      const k = this.int(5);
      if (k === 0) this.emit(`## ${this.sentence(2, 6)}`);
      else if (k === 1) for (let i = 0, n = 2 + this.int(5); i < n; i++) this.emit(`- ${this.sentence(3, 10)}, see \`${this.id()}\`.`);
      else if (k === 2) {
        this.emit("```ts");
        this.tsStatements("", 2 + this.int(5), 1, true);
        this.emit("```");
      } else for (let i = 0, n = 2 + this.int(4); i < n; i++) this.emit(`${this.sentence(6, 20)}.`);
      this.emit("");
    }
    return this.text();
  }
}

function logNormalSizes(r: Rng, n: number, mean: number): number[] {
  const MIN = 200, MAX = 200_000, SIGMA = 1.3;
  const raw = Array.from({ length: n }, () => {
    const u = Math.max(r(), 1e-12), v = r();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.exp(SIGMA * z);
  });
  let scale = mean / (raw.reduce((a, b) => a + b, 0) / n);
  let sizes: number[] = [];
  for (let iter = 0; iter < 8; iter++) {
    sizes = raw.map((x) => Math.min(MAX, Math.max(MIN, Math.round(x * scale))));
    const got = sizes.reduce((a, b) => a + b, 0) / n;
    scale *= mean / got;
  }
  return sizes;
}

export function generateCorpus({ files, seed, meanBytes = 6000 }: CorpusOptions): CorpusFile[] {
  const r = makeRng(seed);
  const sizes = logNormalSizes(r, files, meanBytes);
  const dirs = Array.from({ length: Math.max(1, Math.ceil(files / 40)) }, () => {
    const g = new Gen(r);
    return Array.from({ length: 1 + g.int(3) }, () => g.snake().replace(/_/g, "-")).join("/");
  });
  const used = new Set<string>();
  const out: CorpusFile[] = [];
  for (let i = 0; i < files; i++) {
    const size = sizes[i]!;
    const g = new Gen(r);
    const kind = r();
    let ext: string;
    let text: string;
    if (kind < 0.45) (ext = "ts"), (text = g.tsFile(size, true));
    else if (kind < 0.7) (ext = "js"), (text = g.tsFile(size, false));
    else if (kind < 0.85) (ext = "py"), (text = g.pyFile(size));
    else if (kind < 0.93) (ext = "json"), (text = g.jsonFile(size));
    else (ext = "md"), (text = g.mdFile(size));
    const content = Buffer.from(text, "utf8").subarray(0, size);
    const base = ext === "py" ? g.snake() : g.ident();
    let name = `${g.pick(dirs)}/${base}.${ext}`;
    if (used.has(name)) name = `${g.pick(dirs)}/${base}-${i}.${ext}`;
    used.add(name);
    out.push({ name, content: Buffer.from(content) });
  }
  return out;
}

/** The corpus as a user's library would hold it: each file at version 1, for writeBackupArchive. */
export function archiveSourceOf(corpus: CorpusFile[]): ArchiveSourceFile[] {
  const at = new Date("2025-01-15T10:30:00Z");
  return corpus.map((f) => ({
    doc: {
      fileName: f.name,
      language: detectLanguage(f.name),
      note: "",
      tags: [],
      version: 1,
      createdAt: at,
      updatedAt: at,
      sha256: sha256Hex(f.content),
    },
    content: f.content,
    isLatest: true,
  }));
}
