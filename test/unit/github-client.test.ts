import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubClient, parseRepoRef } from "../../src/imports/github.js";
import { startFakeGitHub } from "../support/fake-github.js";

let github: Awaited<ReturnType<typeof startFakeGitHub>>;
beforeAll(async () => {
  github = await startFakeGitHub({ "private/secret": Buffer.from("PK-bytes"), "big/repo": Buffer.alloc(2048, 1) }, { token: "ghp_test" });
});
afterAll(() => github?.close());

describe("GitHub client", () => {
  it("parses owner/repo, branches and github.com links, refusing anything else", () => {
    expect(parseRepoRef("octo/hello")).toEqual({ owner: "octo", repo: "hello" });
    expect(parseRepoRef("octo/hello dev")).toEqual({ owner: "octo", repo: "hello", branch: "dev" });
    expect(parseRepoRef("https://github.com/octo/hello.git")).toEqual({ owner: "octo", repo: "hello" });
    expect(parseRepoRef("github.com/octo/hello/tree/feature/x")).toEqual({ owner: "octo", repo: "hello", branch: "feature/x" });
    for (const bad of ["", "octo", "a/b/c", "octo/../x", "octo/hello ../../x", "https://evil.com/a/b", "octo/hel lo x"]) {
      expect(parseRepoRef(bad), bad).toBeUndefined();
    }
  });

  it("sends GITHUB_TOKEN for private repositories and never more than the size limit", async () => {
    const withToken = new GitHubClient({ apiRoot: github.apiRoot, token: "ghp_test" });
    expect((await withToken.downloadZip({ owner: "private", repo: "secret" })).toString()).toBe("PK-bytes");
    const anonymous = new GitHubClient({ apiRoot: github.apiRoot });
    await expect(anonymous.downloadZip({ owner: "private", repo: "secret" })).rejects.toMatchObject({ code: "not_found" });
    const small = new GitHubClient({ apiRoot: github.apiRoot, maxBytes: 1000 });
    await expect(small.downloadZip({ owner: "big", repo: "repo" })).rejects.toMatchObject({ code: "too_large" });
    const down = new GitHubClient({ apiRoot: "http://127.0.0.1:9" });
    await expect(down.downloadZip({ owner: "a", repo: "b" })).rejects.toMatchObject({ code: "unavailable" });
  });
});
