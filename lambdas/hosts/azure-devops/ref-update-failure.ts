import { GitRefUpdateStatus, type GitRefUpdateResult } from 'azure-devops-node-api/interfaces/GitInterfaces';
import { AppError } from '../../domain/errors';

export type RefUpdateKind = 'create' | 'delete';

const PERMISSION_STATUSES = new Set([
  GitRefUpdateStatus.CreateBranchPermissionRequired,
  GitRefUpdateStatus.WritePermissionRequired,
  GitRefUpdateStatus.ForcePushRequired,
  GitRefUpdateStatus.ManageNotePermissionRequired,
  GitRefUpdateStatus.CreateTagPermissionRequired,
  GitRefUpdateStatus.RejectedByPolicy,
  GitRefUpdateStatus.RejectedByPlugin,
]);

/** Succeeded here means `success` was not true: the library turned a status it does not know into 0. */
const statusName = (status: GitRefUpdateStatus | undefined): string =>
  status === undefined || status === GitRefUpdateStatus.Succeeded ? 'an unrecognised status' : (GitRefUpdateStatus[status] ?? String(status));

const failure = (result: GitRefUpdateResult, kind: RefUpdateKind): AppError => {
  const status = result.updateStatus;
  const name = result.name ?? 'the ref';
  if (status === GitRefUpdateStatus.StaleOldObjectId && kind === 'create') {
    return new AppError('CONFLICT', `The branch ${name} already exists.`, { hostReason: 'conflict' });
  }
  if (status === GitRefUpdateStatus.StaleOldObjectId || status === GitRefUpdateStatus.RefNameConflict || status === GitRefUpdateStatus.Locked) {
    return new AppError('CONFLICT', `Azure DevOps refused to ${kind} ${name}: ${statusName(status)}.`, { hostReason: 'conflict' });
  }
  if (status === GitRefUpdateStatus.SucceededNonExistentRef) {
    return new AppError('NOT_FOUND', `The branch ${name} does not exist.`, { hostReason: 'not-found' });
  }
  if (status !== undefined && PERMISSION_STATUSES.has(status)) {
    return new AppError('NOT_FOUND', `Azure DevOps refused to ${kind} ${name}: the credential lacks the permission (${statusName(status)}).`, {
      hostReason: 'forbidden',
    });
  }
  if (status === GitRefUpdateStatus.InvalidRefName || status === GitRefUpdateStatus.UnresolvableToCommit) {
    return new AppError('VALIDATION_FAILED', `Azure DevOps refused to ${kind} ${name}: ${statusName(status)}.`, { hostReason: 'bad-request' });
  }
  return new AppError('HOST_UNAVAILABLE', `Azure DevOps did not ${kind} ${name} (${statusName(status)}).`, { hostReason: 'unavailable' });
};

/**
 * A ref update answer is HTTP 200 even when an update failed: every item must say `success: true` and
 * `succeeded`. The library maps an unknown status string to 0 (Succeeded), so `success` is required too.
 * A delete of a ref that was already gone (`succeededNonExistentRef`) is reported as not found.
 */
export const refUpdateFailure = (results: readonly GitRefUpdateResult[] | null, kind: RefUpdateKind): AppError | undefined => {
  if (!results || results.length === 0) {
    return new AppError('HOST_UNAVAILABLE', `Azure DevOps answered the ref update without a result.`, { hostReason: 'unavailable' });
  }
  const failed = results.find((result) => result.success !== true || result.updateStatus !== GitRefUpdateStatus.Succeeded);
  return failed ? failure(failed, kind) : undefined;
};
