import { describe, expect, it } from "vitest";
import { firstDifference, planRestore, suggestRename } from "../../src/restore/restore-planner.js";

const lib = (fileName: string, sha256: string) => ({ fileName, sha256, size: 1, updatedAt: new Date(0), version: 1 });
const inc = (name: string, sha256: string) => ({ name, sha256, size: 1 });

describe("RestorePlanner", () => {
  it("sorts archive files into new, unchanged and conflicts, keeping rejected entries", () => {
    const plan = planRestore(
      [inc("a.py", "1"), inc("b.py", "2"), inc("c.py", "3"), inc("d/e.ts", "4")],
      [lib("a.py", "1"), lib("b.py", "x"), lib("z.py", "9")],
      [{ name: "logo.png", reason: "binary" }],
    );
    expect(plan.new.map((f) => f.name)).toEqual(["c.py", "d/e.ts"]);
    expect(plan.unchanged.map((f) => f.name)).toEqual(["a.py"]);
    expect(plan.conflicts.map((c) => [c.incoming.name, c.current.sha256])).toEqual([["b.py", "x"]]);
    expect(plan.rejected).toEqual([{ name: "logo.png", reason: "binary" }]);
  });

  it("case-only and NFC/NFD twins of library files are conflicts, even with the same content", () => {
    const plan = planRestore(
      [inc("README.md", "1"), inc("cafe\u0301.py", "2"), inc("new.py", "3")],
      [lib("readme.md", "1"), lib("caf\u00e9.py", "x")],
    );
    expect(plan.new.map((f) => f.name)).toEqual(["new.py"]);
    expect(plan.unchanged).toEqual([]);
    expect(plan.conflicts.map((c) => [c.incoming.name, c.current.fileName])).toEqual([
      ["README.md", "readme.md"],
      ["cafe\u0301.py", "caf\u00e9.py"],
    ]);
  });

  it("suggests free names for renames", () => {
    expect(suggestRename("app.py", new Set())).toBe("app (restored).py");
    expect(suggestRename("src/app.py", new Set(["src/app (restored).py"]))).toBe("src/app (restored 2).py");
    expect(suggestRename("Makefile", new Set())).toBe("Makefile (restored)");
    expect(suggestRename(".env", new Set())).toBe(".env (restored)");
    expect(suggestRename("v1.2/readme", new Set())).toBe("v1.2/readme (restored)");
  });

  it("finds the first differing line", () => {
    expect(firstDifference("a\nb\nc", "a\nB\nc")).toEqual({ line: 2, current: "b", incoming: "B" });
    expect(firstDifference("a", "a\nmore")).toEqual({ line: 2, current: "", incoming: "more" });
    expect(firstDifference("same", "same")).toBeUndefined();
  });
});
