/**
 * The key design of docs/architecture.md §5. Every key begins with the tenant, so no query can cross tenants.
 * Ids are validated before they reach here (no '#'), so a key can never be forged from input.
 */
export const tenantPk = (clientKey: string): string => `T#${clientKey}`;
export const TENANT_SK = 'TENANT';
export const integrationSk = (integrationId: string): string => `INT#${integrationId}`;
export const INTEGRATION_SK_PREFIX = 'INT#';
export const overrideSk = (integrationId: string, repositoryId: string): string => `INT#${integrationId}#REPO#${repositoryId}`;
export const overrideSkPrefix = (integrationId: string): string => `INT#${integrationId}#REPO#`;
/** A marker per user with anything stored, so uninstall and integration deletes find users' partitions without a scan. */
export const userMarkerSk = (accountId: string): string => `USER#${accountId}`;
export const USER_MARKER_PREFIX = 'USER#';
export const userPk = (clientKey: string, accountId: string): string => `T#${clientKey}#U#${accountId}`;
export const tokenSk = (integrationId: string): string => `PAT#${integrationId}`;
export const auditPk = (clientKey: string): string => `T#${clientKey}#AUDIT`;
/** Audit entries: `{isoTime}#{id}`; each entry's copy for the integration filter: `I#{integrationId}#{isoTime}#{id}`. */
export const auditSk = (at: string, id: string): string => `${at}#${id}`;
export const auditIntegrationSkPrefix = (integrationId: string): string => `I#${integrationId}#`;
/** A successful git action's copy under its issue (`S#ABC-1#…`, above the floor): the issue panel's "what patgate made here" in one Query. */
export const auditIssueSkPrefix = (issueKey: string): string => `S#${issueKey}#`;
/** Every audit copy's SK sorts at or above this; every entry's (an ISO time, a digit first) below it. */
export const AUDIT_COPY_SK_FLOOR = 'I#';
/** The byAuditActor index partition of one tenant's actor. */
export const auditActorKey = (clientKey: string, accountId: string): string => `T#${clientKey}#A#${accountId}`;
export const idempotencyPk = (clientKey: string): string => `T#${clientKey}#IDEM`;
/**
 * CodeCommit pull requests' branches (pull-request-facts-store.ts), in the tenant's partition so an
 * uninstall deletes them with it: `PRF#{integrationId}#{region}#{repository, URI-encoded}#` + the id.
 */
export const pullRequestFactSkPrefix = (integrationId: string, region: string, repository: string): string =>
  `${integrationPullRequestFactsPrefix(integrationId)}${region}#${encodeURIComponent(repository)}#`;
/** Every recorded pull request fact of one integration (an integration's deletion removes them). */
export const integrationPullRequestFactsPrefix = (integrationId: string): string => `PRF#${integrationId}#`;
/**
 * Deletion markers, in the tenant partition: a tenant being deleted (after an uninstall) and an
 * integration being deleted. Each names the job that owns it (lambdas/deletion/deletion-job.ts).
 */
export const TENANT_DELETION_SK = 'DELETING';
export const integrationDeletionSk = (integrationId: string): string => `DELETING#INT#${integrationId}`;
