import { validationFailed } from '../../domain/errors';
import type { RepositoryRef } from '../git-provider';

/** An Azure DevOps repository as integrations name it: `project/repository`. */
export interface ProjectRepository {
  readonly project: string;
  readonly repository: string;
}

export const parseRepositoryRef = (reference: RepositoryRef): ProjectRepository => {
  const slash = reference.indexOf('/');
  const project = slash < 0 ? '' : reference.slice(0, slash).trim();
  const repository = slash < 0 ? '' : reference.slice(slash + 1).trim();
  if (project === '' || repository === '' || repository.includes('/')) {
    throw validationFailed([{ field: 'repository', message: 'Azure DevOps repositories are named project/repository.' }]);
  }
  return { project, repository };
};
