import { describe, expect, it } from "vitest";
import { cleanLanguage, detectLanguage } from "../../src/files/language.js";
import { normalizeTags } from "../../src/files/tags.js";
import { decodeText, fileNameKey, fileNameProblem, normalizeFileName } from "../../src/files/text.js";
import { parseCaption } from "../../src/bot/save-outcome.js";
import { parseSaveArgs } from "../../src/bot/features/save.js";

describe("language detection", () => {
  it("uses the extension, special names, then the shebang", () => {
    expect(detectLanguage("app.py")).toBe("python");
    expect(detectLanguage("src/index.TS")).toBe("typescript");
    expect(detectLanguage("Dockerfile")).toBe("dockerfile");
    expect(detectLanguage("Makefile")).toBe("makefile");
    expect(detectLanguage("deploy", "#!/usr/bin/env bash\necho hi")).toBe("shell");
    expect(detectLanguage("tool", "#!/usr/bin/env -S python3 -u\nprint(1)")).toBe("python");
    expect(detectLanguage("run", "#!/usr/local/bin/node\n")).toBe("javascript");
    expect(detectLanguage("notes", "just words")).toBe("text");
    expect(detectLanguage("script.py", "#!/bin/bash")).toBe("python");
  });
});

describe("text and names", () => {
  it("keeps UTF-8 text and refuses binary", () => {
    expect(decodeText(Buffer.from("print('שלום')\n"))).toBe("print('שלום')\n");
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBe("a");
    expect(decodeText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]))).toBeUndefined();
    expect(decodeText(Buffer.from([0x61, 0xff, 0xfe, 0x62]))).toBeUndefined();
  });

  it("a NUL anywhere makes a file binary, also after the first 8 KB", () => {
    const late = Buffer.concat([Buffer.from("a".repeat(50_000)), Buffer.from([0]), Buffer.from("b")]);
    expect(decodeText(late)).toBeUndefined();
    expect(decodeText(Buffer.from("a".repeat(50_000)))).toHaveLength(50_000);
  });

  it("one name rule: Windows device names, NTFS streams, bidi/zero-width characters and trailing dots are refused; NFC keys find twins", () => {
    for (const bad of ["CON", "con.txt", "src/aux.py", "NUL", "COM1", "lpt9.log", "a.txt:stream", "trailing.", "dir./x.py", "x\u202Egnp.py", "zero\u200Bwidth.py", "soft\u00ADhyphen.py", "c1\u0085.py"]) {
      expect(fileNameProblem(bad), JSON.stringify(bad)).toBe("invalid");
    }
    for (const good of ["console.log", "connect.py", "com.example/App.java", ".gitignore", "v1.2/notes.md", "שלום.py"]) {
      expect(fileNameProblem(good), good).toBeUndefined();
    }
    expect(normalizeFileName("cafe\u0301.py")).toBe("caf\u00e9.py");
    expect(fileNameKey("README.md")).toBe(fileNameKey("readme.md"));
    expect(fileNameKey("cafe\u0301.py")).toBe(fileNameKey("CAF\u00c9.py"));
    expect(fileNameKey("a.py")).not.toBe(fileNameKey("b.py"));
  });

  it("a language from outside is kept only as a short plain word", () => {
    expect(cleanLanguage("Python")).toBe("python");
    expect(cleanLanguage("c++")).toBe("c++");
    expect(cleanLanguage('<a href="https://x">py</a>')).toBeUndefined();
    expect(cleanLanguage("p".repeat(5000))).toBeUndefined();
    expect(cleanLanguage("")).toBeUndefined();
  });

  it("accepts folder paths and rejects escapes", () => {
    expect(fileNameProblem("src/app.py")).toBeUndefined();
    expect(fileNameProblem("my script.sh")).toBeUndefined();
    expect(fileNameProblem("")).toBe("empty");
    expect(fileNameProblem("x".repeat(256))).toBe("too_long");
    for (const bad of ["../x.py", "/etc/passwd", "C:/x", "a\\b", "a//b", "a/./b", "tab\tname", "a/ b"]) {
      expect(fileNameProblem(bad), bad).toBe("invalid");
    }
  });

  it("normalises tags and parses captions and /save arguments", () => {
    expect(normalizeTags("#Python, util  #python repo:my-app")).toEqual(["python", "util", "repo:my-app"]);
    expect(() => normalizeTags(Array.from({ length: 21 }, (_, i) => `t${i}`))).toThrow();
    expect(parseCaption("#util #cli parses flags")).toEqual({ tags: ["#util", "#cli"], note: "parses flags" });
    expect(parseCaption("")).toEqual({ tags: undefined, note: undefined });
    expect(parseSaveArgs("app.py #a #b")).toEqual({ fileName: "app.py", tags: ["#a", "#b"] });
    expect(parseSaveArgs('"my script.sh" #x')).toEqual({ fileName: "my script.sh", tags: ["#x"] });
    expect(parseSaveArgs("")).toBeUndefined();
    expect(parseSaveArgs("#onlytag")).toBeUndefined();
  });
});
