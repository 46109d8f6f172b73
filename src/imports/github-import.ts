import type { BackupService } from "../backups/backup-service.js";
import type { BackupSummary } from "../backups/backup-types.js";
import { loadArchive, type ImportLimits } from "../archive/archive-loader.js";
import type { GitHubClient, RepoRef } from "./github.js";

/**
 * /github: download a repository archive, validate it like any import (throws
 * ArchiveError for a hostile one), and keep it as a `github_repo_zip` backup
 * with the repository and branch, ready to be restored into the library.
 */
export class GitHubImporter {
  constructor(private readonly deps: { client: GitHubClient; backups: BackupService; limits?: ImportLimits }) {}

  async importRepo(userId: number, ref: RepoRef): Promise<BackupSummary> {
    const bytes = await this.deps.client.downloadZip(ref);
    const archive = loadArchive(bytes, this.deps.limits, { owner: ref.owner, repo: ref.repo, ref: ref.branch });
    return this.deps.backups.storeImported(userId, bytes, {
      type: "github_repo_zip",
      fileCount: archive.files.length,
      totalSize: archive.files.reduce((sum, f) => sum + f.size, 0),
      source: `${ref.owner}-${ref.repo}${ref.branch ? `-${ref.branch.replace(/\//g, "-")}` : ""}.zip`,
      repo: { name: `${ref.owner}/${ref.repo}`, ...(ref.branch ? { branch: ref.branch } : {}) },
    });
  }
}
