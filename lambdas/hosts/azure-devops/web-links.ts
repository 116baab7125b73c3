import { withoutTrailingSlash } from '../host-call';
import type { ProjectRepository } from './repository-ref';

/**
 * The web pages of an organisation, account or collection. Services, VSTS and TFS/Server share the
 * `{base}/{project}/_git/{repo}` layout; the token page differs between the cloud and on premises.
 */
export class WebLinks {
  readonly #base: string;

  constructor(
    webUrl: string,
    private readonly onPremises: boolean,
  ) {
    this.#base = withoutTrailingSlash(webUrl);
  }

  #repository({ project, repository }: ProjectRepository): string {
    return `${this.#base}/${encodeURIComponent(project)}/_git/${encodeURIComponent(repository)}`;
  }

  branch(repository: ProjectRepository, branch: string): string {
    return `${this.#repository(repository)}?version=GB${encodeURIComponent(branch)}`;
  }

  pullRequest(repository: ProjectRepository, id: number): string {
    return `${this.#repository(repository)}/pullrequest/${id}`;
  }

  newToken(): string {
    return this.onPremises ? `${this.#base}/_details/security/tokens` : `${this.#base}/_usersSettings/tokens`;
  }
}
