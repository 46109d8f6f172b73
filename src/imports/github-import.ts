import type { BackupService } from "../backups/backup-service.js";
import type { BackupSummary } from "../backups/backup-types.js";
import { loadArchive, type ImportLimits } from "../archive/archive-loader.js";
import type { GitHubClient, RepoRef } from "./github.js";
import type { ImportQuota } from "./import-quota.js";

/**
 * /github: download a repository archive, validate it like any import (throws
 * ArchiveError for a hostile one), and keep it as a `github_repo_zip` backup
 * with the repository and branch, ready to be restored into the library.
 * Counted against the user's imports per hour before anything is downloaded, and against
 * their backup cap before anything is stored (LimitError either way).
 */
export class GitHubImporter {
  constructor(private readonly deps: { client: GitHubClient; backups: BackupService; limits?: ImportLimits; quota?: ImportQuota }) {}

  /** `starting` is called once the import is allowed, just before the download (the bot says "downloading"). */
  async importRepo(userId: number, ref: RepoRef, starting?: () => Promise<unknown>): Promise<BackupSummary> {
    await this.deps.quota?.claim(userId, "github");
    await starting?.();
    const bytes = await this.deps.client.downloadZip(ref);
    const archive = await loadArchive(bytes, this.deps.limits, { owner: ref.owner, repo: ref.repo, ref: ref.branch });
    return this.deps.backups.storeImported(userId, bytes, {
      type: "github_repo_zip",
      fileCount: archive.files.length,
      totalSize: archive.files.reduce((sum, f) => sum + f.size, 0),
      source: `${ref.owner}-${ref.repo}${ref.branch ? `-${ref.branch.replace(/\//g, "-")}` : ""}.zip`,
      repo: { name: `${ref.owner}/${ref.repo}`, ...(ref.branch ? { branch: ref.branch } : {}) },
    });
  }
}
