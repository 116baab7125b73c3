import { invalidRepositoryId, trimmed, type RepositoryIdRule } from '../repository-id-rule';

/**
 * Azure DevOps Services, VSTS and TFS / Azure DevOps Server: `project/repository`, each part a name or
 * a GUID (Git REST API, "Repositories - Get Repository": `project` "Project ID or project name",
 * `repositoryId` "The name or ID of the repository").
 * - Names are case-insensitive (a second project or repository differing only in case is refused as
 *   a duplicate), so the canonical id is lower-cased; GUIDs are lower-cased too.
 * - Names: at most 64 characters, no control characters, none of `\ / : * ? " ' < > ; # $ { } , + = [ ] |`,
 *   not starting with `_` or `.`, not ending with `.` (Microsoft Learn, "Naming restrictions and
 *   conventions": Azure Repos and project names).
 * - A GUID and a name of one repository cannot be matched offline: actions resolve the spelling with
 *   `GET {collection}/{project}/_apis/git/repositories/{repositoryId}` and use every spelling the
 *   host's answer gives (ids and names of project and repository).
 */
// eslint-disable-next-line no-control-regex -- control characters are among the refused ones
const NAME = /^(?![_.])[^\u0000-\u001f\\/:*?"'<>;#${},+=[\]|]{1,64}(?<!\.)$/;

export const azureDevOpsRepositoryId: RepositoryIdRule = {
  resolvedByHost: true,
  canonical(raw) {
    const parts = trimmed(raw).split('/').map((part) => part.trim());
    if (parts.length !== 2 || !parts.every((part) => NAME.test(part))) {
      throw invalidRepositoryId('Azure DevOps repositories are named project/repository (names or ids)');
    }
    return parts.join('/').toLowerCase();
  },
};

/** Every canonical spelling of a repository the host described: each of project id/name with each of repository id/name. */
export const azureRepositoryKeys = (repository: { id: string; name: string; project: { id: string; name: string } }): string[] => {
  const keys = new Set<string>();
  for (const project of [repository.project.name, repository.project.id]) {
    for (const name of [repository.name, repository.id]) keys.add(`${project}/${name}`.toLowerCase());
  }
  return [...keys];
};
