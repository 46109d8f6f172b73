/** Programming language of a file, from its name and, failing that, its shebang line. */

const BY_EXTENSION: Record<string, string> = {
  py: "python", pyw: "python", pyi: "python",
  js: "javascript", mjs: "javascript", cjs: "javascript", jsx: "javascript",
  ts: "typescript", mts: "typescript", cts: "typescript", tsx: "typescript",
  java: "java", kt: "kotlin", kts: "kotlin", scala: "scala", groovy: "groovy",
  c: "c", h: "c", cpp: "cpp", cc: "cpp", cxx: "cpp", hpp: "cpp", hh: "cpp",
  cs: "csharp", fs: "fsharp", go: "go", rs: "rust", swift: "swift", m: "objective-c",
  rb: "ruby", php: "php", pl: "perl", pm: "perl", lua: "lua", r: "r", jl: "julia",
  dart: "dart", ex: "elixir", exs: "elixir", erl: "erlang", hs: "haskell", clj: "clojure",
  ml: "ocaml", zig: "zig", nim: "nim", v: "v", sol: "solidity",
  sh: "shell", bash: "shell", zsh: "shell", fish: "fish", ps1: "powershell", bat: "batch", cmd: "batch",
  sql: "sql", html: "html", htm: "html", css: "css", scss: "scss", sass: "sass", less: "less",
  vue: "vue", svelte: "svelte",
  json: "json", jsonc: "json", yaml: "yaml", yml: "yaml", toml: "toml", xml: "xml", ini: "ini", cfg: "ini",
  md: "markdown", markdown: "markdown", rst: "restructuredtext", tex: "latex", txt: "text",
  csv: "csv", graphql: "graphql", gql: "graphql", proto: "protobuf", tf: "terraform", nix: "nix",
};

const BY_FILENAME: Record<string, string> = {
  dockerfile: "dockerfile", makefile: "makefile", gnumakefile: "makefile", cmakelists: "cmake",
  "cmakelists.txt": "cmake", gemfile: "ruby", rakefile: "ruby", jenkinsfile: "groovy",
  ".bashrc": "shell", ".zshrc": "shell", ".profile": "shell", ".gitignore": "gitignore",
};

const BY_INTERPRETER: [RegExp, string][] = [
  [/python[\d.]*$/, "python"],
  [/^(ba|z|k|da)?sh$/, "shell"],
  [/^node(js)?$/, "javascript"],
  [/^(deno|bun|tsx|ts-node)$/, "typescript"],
  [/^ruby$/, "ruby"],
  [/^perl$/, "perl"],
  [/^php$/, "php"],
  [/^lua$/, "lua"],
  [/^Rscript$/, "r"],
  [/^fish$/, "fish"],
];

export function detectLanguage(fileName: string, content = ""): string {
  const base = fileName.split("/").pop()!.toLowerCase();
  // Own properties only: a file named "constructor" or "x.__proto__" must not find Object's.
  if (Object.hasOwn(BY_FILENAME, base)) return BY_FILENAME[base]!;
  const dot = base.lastIndexOf(".");
  if (dot > 0) {
    const ext = base.slice(dot + 1);
    if (Object.hasOwn(BY_EXTENSION, ext)) return BY_EXTENSION[ext]!;
  }
  return fromShebang(content) ?? "text";
}

function fromShebang(content: string): string | undefined {
  if (!content.startsWith("#!")) return undefined;
  const line = content.slice(2, content.indexOf("\n") === -1 ? undefined : content.indexOf("\n")).trim();
  const parts = line.split(/\s+/);
  // "#!/usr/bin/env -S python3 -u" → the first word after env and its flags
  let program = parts[0]?.split("/").pop() ?? "";
  if (program === "env") program = parts.slice(1).find((p) => !p.startsWith("-")) ?? "";
  return BY_INTERPRETER.find(([re]) => re.test(program))?.[1];
}

/** A language name anyone may hand us: a short plain word ("python", "c++", "f#", "objective-c"). */
const SAFE_LANGUAGE = /^[a-z0-9+#._-]{1,32}$/;

/**
 * A language from outside (an archive's `programming_language`), only when it
 * is one we detect or a short plain word; otherwise undefined, and the caller
 * detects it. Markup, URLs and 5 KB values never reach the library.
 */
export function cleanLanguage(value: string | undefined): string | undefined {
  const word = value?.trim().toLowerCase();
  if (!word) return undefined;
  return KNOWN.has(word) || SAFE_LANGUAGE.test(word) ? word : undefined;
}

const KNOWN = new Set([...Object.values(BY_EXTENSION), ...Object.values(BY_FILENAME), ...BY_INTERPRETER.map(([, l]) => l)]);
