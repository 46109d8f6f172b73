/**
 * Downloads a GitHub repository as a ZIP (the zipball endpoint). Public
 * repositories need no token; GITHUB_TOKEN opens private ones. Knows nothing
 * about Telegram or MongoDB.
 */
export interface RepoRef {
  owner: string;
  repo: string;
  branch?: string;
}

export type GitHubErrorCode = "invalid_reference" | "not_found" | "too_large" | "unavailable";

export class GitHubError extends Error {
  constructor(
    readonly code: GitHubErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}

/** Largest repository archive we take: stays under Telegram's 50 MB upload so it can be sent back. */
export const MAX_REPO_ZIP_BYTES = 45 * 1024 * 1024;

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;

/** "owner/repo [branch]", "https://github.com/owner/repo", ".../tree/branch" → RepoRef, or undefined. */
export function parseRepoRef(input: string): RepoRef | undefined {
  const words = input.trim().split(/\s+/).filter(Boolean);
  if (!words.length || words.length > 2) return undefined;
  let [spec, branch] = words as [string, string | undefined];
  const url = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([^/\s]+)\/([^/\s#?]+)(?:\/tree\/([^\s#?]+))?\/?(?:[#?].*)?$/i.exec(spec);
  let owner: string | undefined;
  let repo: string | undefined;
  if (url) {
    [, owner, repo] = url;
    branch ??= url[3];
  } else {
    const parts = spec.split("/");
    if (parts.length !== 2) return undefined;
    [owner, repo] = parts;
  }
  repo = repo?.replace(/\.git$/i, "");
  if (!owner || !repo || !NAME.test(owner) || !NAME.test(repo) || repo === "." || repo === "..") return undefined;
  if (branch !== undefined && (!BRANCH.test(branch) || branch.split("/").includes(".."))) return undefined;
  return branch ? { owner, repo, branch } : { owner, repo };
}

export class GitHubClient {
  constructor(
    private readonly opts: { apiRoot: string; token?: string; fetch?: typeof fetch; maxBytes?: number },
  ) {}

  /** The repository's ZIP bytes (default branch unless one is named). */
  async downloadZip(ref: RepoRef): Promise<Buffer> {
    const path = `/repos/${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.repo)}/zipball${ref.branch ? `/${ref.branch.split("/").map(encodeURIComponent).join("/")}` : ""}`;
    const headers: Record<string, string> = {
      accept: "application/vnd.github+json",
      "user-agent": "codevault-bot",
      "x-github-api-version": "2022-11-28",
    };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let res: Response;
    try {
      res = await (this.opts.fetch ?? fetch)(`${this.opts.apiRoot.replace(/\/+$/, "")}${path}`, { headers, redirect: "follow" });
    } catch (err) {
      throw new GitHubError("unavailable", (err as Error).message);
    }
    if (res.status === 404 || res.status === 403 || res.status === 401) throw new GitHubError("not_found");
    if (!res.ok || !res.body) throw new GitHubError("unavailable", `HTTP ${res.status}`);
    const limit = this.opts.maxBytes ?? MAX_REPO_ZIP_BYTES;
    if (Number(res.headers.get("content-length") ?? 0) > limit) throw new GitHubError("too_large");
    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.byteLength;
      if (received > limit) throw new GitHubError("too_large");
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
}
