import type { SimCollection, SimPullRequest, SimRepository, SimUser } from './simulator-state';

/**
 * The JSON the simulator answers with, shaped like the published specs and their recorded examples
 * (`specs/azure-devops/{7.1,azure-devops-server-5.0,tfs-4.1}`). `base` is the collection URL as the
 * client reached it. Null members are left out, as the services' serializer does.
 */
const SERVICE_OWNER = '00025394-6065-48ca-87d9-7f5672854ef7';

const descriptorOf = (collection: SimCollection, user: SimUser): string =>
  collection.hosted
    ? `Microsoft.IdentityModel.Claims.ClaimsIdentity;72f988bf-86f1-41af-91ab-2d7cd011db47\\${user.login}`
    : `System.Security.Principal.WindowsIdentity;S-1-5-21-${parseInt(user.id.slice(0, 8), 16)}`;

export const identityRef = (base: string, user: SimUser) => ({
  displayName: user.displayName,
  url: `${base}/_apis/Identities/${user.id}`,
  _links: { avatar: { href: `${base}/_apis/GraphProfile/MemberAvatars/${user.id}` } },
  id: user.id,
  uniqueName: user.login,
  imageUrl: `${base}/_api/_common/identityImage?id=${user.id}`,
  descriptor: `aad.${Buffer.from(user.id).toString('base64url')}`,
});

const identity = (collection: SimCollection, user: SimUser) => ({
  id: user.id,
  descriptor: descriptorOf(collection, user),
  subjectDescriptor: `aad.${Buffer.from(user.id).toString('base64url')}`,
  providerDisplayName: user.displayName,
  isActive: true,
  properties: { Account: { $type: 'System.String', $value: user.login } },
  resourceVersion: 2,
  metaTypeId: 0,
});

export const connectionData = (collection: SimCollection, user: SimUser) => ({
  authenticatedUser: identity(collection, user),
  authorizedUser: identity(collection, user),
  instanceId: collection.instanceId,
  deploymentId: collection.instanceId,
  deploymentType: collection.hosted ? 'hosted' : 'onPremises',
  locationServiceData: {
    serviceOwner: SERVICE_OWNER,
    defaultAccessMappingMoniker: 'PublicAccessMapping',
    lastChangeId: 1,
    lastChangeId64: 1,
  },
});

const repositoryApiUrl = (base: string, repository: SimRepository): string =>
  `${base}/${repository.project.id}/_apis/git/repositories/${repository.id}`;

const projectRef = (base: string, repository: SimRepository) => ({
  id: repository.project.id,
  name: repository.project.name,
  url: `${base}/_apis/projects/${repository.project.id}`,
  state: 'wellFormed',
  revision: 1,
  visibility: 'private',
});

export const repositoryJson = (base: string, repository: SimRepository) => {
  const url = repositoryApiUrl(base, repository);
  const webUrl = `${base}/${encodeURIComponent(repository.project.name)}/_git/${encodeURIComponent(repository.name)}`;
  return {
    id: repository.id,
    name: repository.name,
    url,
    project: projectRef(base, repository),
    defaultBranch: repository.defaultBranch,
    size: 0,
    remoteUrl: webUrl,
    webUrl,
    isDisabled: false,
    _links: {
      self: { href: url },
      project: { href: `vstfs:///Classification/TeamProject/${repository.project.id}` },
      web: { href: webUrl },
      commits: { href: `${url}/commits` },
      refs: { href: `${url}/refs` },
      pullRequests: { href: `${url}/pullRequests` },
      items: { href: `${url}/items` },
      pushes: { href: `${url}/pushes` },
    },
  };
};

export const gitRefJson = (base: string, repository: SimRepository, name: string, commitId: string, creator: SimUser) => ({
  name,
  objectId: commitId,
  creator: identityRef(base, creator),
  url: `${repositoryApiUrl(base, repository)}/refs?filter=${encodeURIComponent(name.replace(/^refs\//, ''))}`,
});

export interface RefUpdateOutcome {
  readonly name: string;
  readonly oldObjectId: string;
  readonly newObjectId: string;
  readonly updateStatus: string;
  readonly customMessage?: string;
}

const SUCCEEDED_STATUSES = new Set(['succeeded', 'succeededNonExistentRef', 'succeededCorruptRef']);

export const refUpdateResultJson = (repository: SimRepository, outcome: RefUpdateOutcome) => ({
  repositoryId: repository.id,
  name: outcome.name,
  oldObjectId: outcome.oldObjectId,
  newObjectId: outcome.newObjectId,
  isLocked: false,
  updateStatus: outcome.updateStatus,
  success: SUCCEEDED_STATUSES.has(outcome.updateStatus),
  ...(outcome.customMessage === undefined ? {} : { customMessage: outcome.customMessage }),
});

const commitRef = (base: string, repository: SimRepository, commitId: string) => ({
  commitId,
  url: `${repositoryApiUrl(base, repository)}/commits/${commitId}`,
});

export const pullRequestJson = (base: string, repository: SimRepository, pullRequest: SimPullRequest, creator: SimUser) => {
  const repoUrl = repositoryApiUrl(base, repository);
  const url = `${repoUrl}/pullRequests/${pullRequest.id}`;
  return {
    repository: { id: repository.id, name: repository.name, url: repoUrl, project: projectRef(base, repository) },
    pullRequestId: pullRequest.id,
    codeReviewId: pullRequest.id,
    status: pullRequest.status,
    createdBy: identityRef(base, creator),
    creationDate: pullRequest.creationDate.toISOString(),
    title: pullRequest.title,
    ...(pullRequest.description === undefined ? {} : { description: pullRequest.description }),
    sourceRefName: pullRequest.sourceRefName,
    targetRefName: pullRequest.targetRefName,
    mergeStatus: 'queued',
    isDraft: false,
    mergeId: pullRequest.mergeId,
    lastMergeSourceCommit: commitRef(base, repository, pullRequest.sourceCommitId),
    lastMergeTargetCommit: commitRef(base, repository, pullRequest.targetCommitId),
    reviewers: [],
    url,
    _links: {
      self: { href: url },
      repository: { href: repoUrl },
      workItems: { href: `${url}/workitems` },
      sourceBranch: { href: `${repoUrl}/refs` },
      targetBranch: { href: `${repoUrl}/refs` },
      createdBy: { href: `${base}/_apis/Identities/${creator.id}` },
      iterations: { href: `${url}/iterations` },
    },
    supportsIterations: true,
    artifactId: `vstfs:///Git/PullRequestId/${repository.project.id}%2f${repository.id}%2f${pullRequest.id}`,
  };
};

/** A collection-wrapped list, the way the REST API returns every array. */
export const wrapped = <T>(items: readonly T[]) => ({ value: items, count: items.length });
