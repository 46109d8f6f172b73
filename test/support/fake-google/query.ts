import type { FakeFile } from "./state.js";

/**
 * The subset of Drive's `q` syntax the fake understands; anything else is a 400, so a test
 * notices when the code starts relying on syntax the fake does not check:
 *   'ID' in parents · trashed = true|false · mimeType = '…' · mimeType != '…' · name = '…'
 *   appProperties has { key='K' and value='V' }   — joined with `and`.
 */
export type Predicate = (f: FakeFile) => boolean;

const STRING = String.raw`'((?:[^'\\]|\\.)*)'`;
const CLAUSES: [RegExp, (m: RegExpExecArray) => Predicate][] = [
  [new RegExp(String.raw`^${STRING}\s+in\s+parents`), (m) => (f) => f.parents.includes(unquote(m[1]!))],
  [/^trashed\s*=\s*(true|false)/, (m) => (f) => f.trashed === (m[1] === "true")],
  [new RegExp(String.raw`^mimeType\s*(!?=)\s*${STRING}`), (m) => (f) => (f.mimeType === unquote(m[2]!)) === (m[1] === "=")],
  [new RegExp(String.raw`^name\s*=\s*${STRING}`), (m) => (f) => f.name === unquote(m[1]!)],
  [
    new RegExp(String.raw`^appProperties\s+has\s*\{\s*key\s*=\s*${STRING}\s+and\s+value\s*=\s*${STRING}\s*\}`),
    (m) => (f) => f.appProperties[unquote(m[1]!)] === unquote(m[2]!),
  ],
];

export class QueryError extends Error {}

export function parseQuery(q: string | null): Predicate {
  if (!q || !q.trim()) return () => true;
  const predicates: Predicate[] = [];
  let rest = q.trim();
  for (;;) {
    const clause = CLAUSES.map(([re, make]) => [re.exec(rest), make] as const).find(([m]) => m);
    if (!clause) throw new QueryError(`Invalid Value: unsupported query near: ${rest.slice(0, 40)}`);
    const [m, make] = clause;
    predicates.push(make(m!));
    rest = rest.slice(m![0].length).trim();
    if (rest === "") break;
    const and = /^and\s+/i.exec(rest);
    if (!and) throw new QueryError(`Invalid Value: expected "and" near: ${rest.slice(0, 40)}`);
    rest = rest.slice(and[0].length);
  }
  return (f) => predicates.every((p) => p(f));
}

function unquote(s: string): string {
  return s.replace(/\\(.)/g, "$1");
}

/** Sorts by Drive's `orderBy` ("createdTime desc,name"); supports createdTime, modifiedTime, name. */
export function sortFiles(files: FakeFile[], orderBy: string | null): FakeFile[] {
  if (!orderBy) return files;
  const keys = orderBy.split(",").map((part) => {
    const [field, dir] = part.trim().split(/\s+/);
    if (!field || !["createdTime", "modifiedTime", "name"].includes(field)) throw new QueryError(`Invalid Value: orderBy ${part}`);
    return { field: field as "createdTime" | "modifiedTime" | "name", desc: dir === "desc" };
  });
  return [...files].sort((a, b) => {
    for (const { field, desc } of keys) {
      const c = a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0;
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}

/** A file resource as Drive returns it (what `fields` may select from). */
export function resource(f: FakeFile): Record<string, unknown> {
  return {
    kind: "drive#file",
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: f.parents,
    appProperties: f.appProperties,
    trashed: f.trashed,
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    ...(f.size !== undefined ? { size: String(f.size) } : {}),
    ...(f.md5Checksum !== undefined ? { md5Checksum: f.md5Checksum } : {}),
    webViewLink: f.mimeType.endsWith("folder") ? `https://drive.google.com/drive/folders/${f.id}` : `https://drive.google.com/file/d/${f.id}/view?usp=drivesdk`,
    capabilities: { canAddChildren: !f.readOnly, canEdit: !f.readOnly },
  };
}

/**
 * Applies a `fields` selector ("id,name,files(id,size),nextPageToken", "*") to an object.
 * Without fields, Drive returns its default set (`defaults`).
 */
export function selectFields(obj: Record<string, unknown>, fields: string | null, defaults: string[]): Record<string, unknown> {
  if (fields === "*") return obj;
  const spec = fields ? parseFields(fields) : new Map(defaults.map((d) => [d, null]));
  return pick(obj, spec);
}

type FieldSpec = Map<string, FieldSpec | null>;

function pick(obj: Record<string, unknown>, spec: FieldSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, sub] of spec) {
    if (!(key in obj)) continue;
    const value = obj[key];
    if (!sub) out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map((v) => pick(v as Record<string, unknown>, sub));
    else if (value && typeof value === "object") out[key] = pick(value as Record<string, unknown>, sub);
  }
  return out;
}

function parseFields(fields: string): FieldSpec {
  let at = 0;
  const parseList = (): FieldSpec => {
    const spec: FieldSpec = new Map();
    while (at < fields.length && fields[at] !== ")") {
      const start = at;
      while (at < fields.length && !",()".includes(fields[at]!)) at++;
      const path = fields.slice(start, at).trim().split("/");
      let sub: FieldSpec | null = null;
      if (fields[at] === "(") {
        at++;
        sub = parseList();
        at++; // ")"
      }
      // "user/emailAddress" is "user(emailAddress)"
      let leaf = sub;
      for (let i = path.length - 1; i > 0; i--) leaf = new Map([[path[i]!, leaf]]);
      if (path[0]) spec.set(path[0], leaf);
      if (fields[at] === ",") at++;
    }
    return spec;
  };
  return parseList();
}
