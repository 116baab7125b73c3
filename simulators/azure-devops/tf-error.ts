import type { SimResponse } from '../kit/loopback-server';

/** The error envelope every Azure DevOps / TFS REST error carries (VssServiceException serialisation). */
export interface TfErrorBody {
  readonly $id: '1';
  readonly innerException: null;
  readonly message: string;
  readonly typeName: string;
  readonly typeKey: string;
  readonly errorCode: 0;
  readonly eventId: 3000;
}

const GIT_SERVER = 'Microsoft.TeamFoundation.Git.Server';
const WEB_API = 'Microsoft.VisualStudio.Services.WebApi';

export const tfErrorBody = (message: string, typeKey: string, namespace: string): TfErrorBody => ({
  $id: '1',
  innerException: null,
  message,
  typeName: `${namespace}.${typeKey}, ${namespace}`,
  typeKey,
  errorCode: 0,
  eventId: 3000,
});

export const tfError = (status: number, body: TfErrorBody, headers: Readonly<Record<string, string>> = {}): SimResponse => ({
  status,
  // The services also echo the message in X-TFS-ServiceError, URL-encoded.
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-tfs-serviceerror': encodeURIComponent(body.message), ...headers },
  body,
});

export const repositoryNotFound = (repository: string): SimResponse =>
  tfError(
    404,
    tfErrorBody(
      `TF401019: The Git repository with name or identifier ${repository} does not exist or you do not have permissions for the operation you are attempting.`,
      'GitRepositoryNotFoundException',
      GIT_SERVER,
    ),
  );

export const projectNotFound = (project: string): SimResponse =>
  tfError(
    404,
    tfErrorBody(
      `TF200016: The following project does not exist: ${project}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
      'ProjectDoesNotExistWithNameException',
      'Microsoft.TeamFoundation.Core.WebApi',
    ),
  );

export const pullRequestExists = (): SimResponse =>
  tfError(409, tfErrorBody('TF401179: An active pull request for the source and target branch already exists.', 'GitPullRequestExistsException', GIT_SERVER));

export const pullRequestStale = (): SimResponse =>
  tfError(
    400,
    tfErrorBody(
      'TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches',
      'GitPullRequestStaleException',
      GIT_SERVER,
    ),
  );

export const pullRequestNotFound = (): SimResponse =>
  tfError(404, tfErrorBody('TF401180: The requested pull request was not found.', 'GitPullRequestNotFoundException', GIT_SERVER));

export const invalidArgument = (name: string): SimResponse =>
  tfError(400, tfErrorBody(`Value cannot be null.\r\nParameter name: ${name}`, 'ArgumentNullException', 'System'));

export const versionNotSpecified = (method: string): SimResponse =>
  tfError(
    400,
    tfErrorBody(
      `No api-version was supplied for the "${method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
      'VssVersionNotSpecifiedException',
      WEB_API,
    ),
  );

export const versionOutOfRange = (requested: string, max: string): SimResponse =>
  tfError(
    400,
    tfErrorBody(
      `The requested REST API version of ${requested} is out of range for this server. The latest REST API version this server supports is ${max}.`,
      'VssVersionOutOfRangeException',
      WEB_API,
    ),
  );

export const previewFlagRequired = (requested: string): SimResponse =>
  tfError(
    400,
    tfErrorBody(
      `The requested version "${requested}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${requested}-preview"`,
      'VssInvalidPreviewVersionException',
      WEB_API,
    ),
  );

export const methodNotAllowed = (method: string): SimResponse => ({
  status: 405,
  body: { Message: `The requested resource does not support http method '${method}'.` },
});

export const rateLimitedBody = (): TfErrorBody =>
  tfErrorBody(
    "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Concurrency' in namespace 'User'. For more information on why your request was blocked, see the topic \"Rate limits\" on the Microsoft Web site (https://go.microsoft.com/fwlink/?LinkId=823950).",
    'RequestBlockedException',
    'Microsoft.TeamFoundation.Framework.Server',
  );

/** TF401027, carried in a ref update's `customMessage` when the CreateBranch permission is denied. */
export const createBranchPermissionMessage = (displayName: string): string =>
  `TF401027: You need the Git 'CreateBranch' permission to perform this action. Details: identity '${displayName}', scope 'repository'.`;
