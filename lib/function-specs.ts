import { Duration } from 'aws-cdk-lib';
import { HOST_CALLING_TIME_LIMIT_SECONDS } from '../lambdas/store/function-time-limits';
import { BY_AUDIT_ACTOR_INDEX, BY_EXPIRY_INDEX, BY_REVERIFY_INDEX } from '../lambdas/store/table-definition';
import type { SecretPurpose } from '../lambdas/vault/token-vault';

export type FunctionName = 'public' | 'lifecycle' | 'admin' | 'tokens' | 'gitAction' | 'tokenExpiry' | 'deletion';

export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:Query'
  | 'dynamodb:ConditionCheckItem';

export type KeyAction = 'kms:Decrypt' | 'kms:Encrypt';

/** Actions on the deletion queue (lambdas/deletion): enqueue, or consume as its worker. */
export type QueueAction = 'sqs:SendMessage' | 'sqs:ReceiveMessage' | 'sqs:DeleteMessage' | 'sqs:ChangeMessageVisibility' | 'sqs:GetQueueAttributes';

/** One KMS right, limited to ciphertexts whose encryption context names one of these purposes. */
export interface KeyGrant {
  readonly actions: readonly KeyAction[];
  readonly purposes: readonly SecretPurpose[];
}

/** Settings of the app a function reads (beyond the table, keys and bus, which follow its rights). */
export type AppSetting = 'appBaseUrl' | 'appKey' | 'allowedOrigin';

export interface FunctionSpec {
  /** Path of the handler file, relative to the project root. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /** Served by the HTTP API (the others are invoked by the scheduler or the deletion queue). */
  readonly api: boolean;
  /** Actions on the table's items (never on its indexes). */
  readonly table: readonly TableAction[];
  /** Actions on named indexes only. */
  readonly indexes: readonly { readonly names: readonly string[]; readonly actions: readonly TableAction[] }[];
  readonly credentialsKey: readonly KeyGrant[];
  /** Verifies Forge Invocation Tokens: gets the app id and the accepted environment ids (lib/forge-remote.ts). */
  readonly verifiesFit: boolean;
  readonly settings: readonly AppSetting[];
  /** Actions on the deletion queue (and its URL in the environment when any). */
  readonly deletionQueue: readonly QueueAction[];
}

const JIRA_FACING: readonly AppSetting[] = ['appBaseUrl', 'appKey', 'allowedOrigin'];
// API functions call a git host (10 s whole-call budget) and Jira; 15 s leaves room for both
// and stays under the HTTP API's 30 s integration limit.
const HOST_CALLING_TIMEOUT = Duration.seconds(HOST_CALLING_TIME_LIMIT_SECONDS);
/** The deletion worker's timeout; the queue's visibility timeout is six times it (lib/deletion-queue.ts). */
export const DELETION_WORKER_TIMEOUT = Duration.minutes(2);

/**
 * Every Lambda of docs/architecture.md §1 and exactly the rights its code uses (docs/architecture.md §6, least privilege): the
 * DynamoDB actions follow the stores each handler wires (lambdas/store). The stack turns these into
 * explicit policy statements; the infrastructure tests read the template back.
 * There is no `dynamodb:TransactWriteItems` IAM action: a transaction is authorised by the
 * Put/Update/Delete/ConditionCheckItem rights of its parts.
 */
export const functionSpecs: Readonly<Record<FunctionName, FunctionSpec>> = {
  public: {
    entry: 'lambdas/handlers/public.ts',
    description: 'patgate: GET /health and GET /openapi.json',
    timeout: Duration.seconds(10),
    memorySize: 256,
    api: true,
    table: [],
    indexes: [],
    credentialsKey: [],
    verifiesFit: false,
    settings: ['appBaseUrl', 'allowedOrigin'],
    deletionQueue: [],
  },
  lifecycle: {
    entry: 'lambdas/handlers/lifecycle.ts',
    description: 'patgate: Forge lifecycle events (uninstall enqueues the deletion) and the personal data report trigger',
    timeout: Duration.seconds(10),
    memorySize: 512,
    api: true,
    // Install: the tenant put checks the deletion marker in its transaction; uninstall deletes the
    // tenant item and puts the marker in one; audit entries check the tenant is still installed.
    // The personal data report (POST /privacy/report, docs/privacy.md): Query of user markers and
    // idempotency keys, UpdateItem of pseudonyms, BatchWriteItem deletes of idempotency records, and
    // the closed account's audit entries read by actor.
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'],
    indexes: [{ names: [BY_AUDIT_ACTOR_INDEX.name], actions: ['dynamodb:Query'] }],
    credentialsKey: [],
    verifiesFit: true,
    settings: JIRA_FACING,
    deletionQueue: ['sqs:SendMessage'],
  },
  admin: {
    entry: 'lambdas/handlers/admin.ts',
    description: 'patgate: admin API (integrations, repository overrides, audit)',
    timeout: HOST_CALLING_TIMEOUT,
    memorySize: 512,
    api: true,
    table: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:ConditionCheckItem',
    ],
    // The admin list counts each integration's tokens expiring within 7 days (counts, no names);
    // the audit page filtered by account reads byAuditActor.
    indexes: [{ names: [BY_EXPIRY_INDEX.name, BY_AUDIT_ACTOR_INDEX.name], actions: ['dynamodb:Query'] }],
    // Encrypt only: the vault wraps each secret with KMS Encrypt (docs/architecture.md §6).
    credentialsKey: [{ actions: ['kms:Encrypt'], purposes: ['service-credential'] }],
    verifiesFit: true,
    settings: JIRA_FACING,
    deletionQueue: ['sqs:SendMessage'],
  },
  tokens: {
    entry: 'lambdas/handlers/tokens.ts',
    description: 'patgate: user token API and git readiness',
    timeout: HOST_CALLING_TIMEOUT,
    memorySize: 512,
    api: true,
    table: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
      'dynamodb:BatchGetItem',
      // Saving a token is one transaction that first checks the integration still exists.
      'dynamodb:ConditionCheckItem',
    ],
    indexes: [],
    credentialsKey: [{ actions: ['kms:Encrypt'], purposes: ['user-pat'] }],
    verifiesFit: true,
    settings: JIRA_FACING,
    deletionQueue: [],
  },
  gitAction: {
    entry: 'lambdas/handlers/git-action.ts',
    description: 'patgate: create/delete branch and create pull request on the git host',
    timeout: HOST_CALLING_TIMEOUT,
    memorySize: 512,
    api: true,
    table: [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      // A failed action releases its Idempotency-Key claim so the client's retry can run.
      'dynamodb:DeleteItem',
      // Idempotency claims and audit entries are transactions that check the tenant is still installed.
      'dynamodb:ConditionCheckItem',
    ],
    indexes: [],
    credentialsKey: [{ actions: ['kms:Decrypt'], purposes: ['user-pat', 'service-credential'] }],
    verifiesFit: true,
    settings: JIRA_FACING,
    deletionQueue: [],
  },
  tokenExpiry: {
    entry: 'lambdas/handlers/token-expiry.ts',
    description: 'patgate: hourly token expiry checker',
    timeout: Duration.minutes(5),
    memorySize: 512,
    api: false,
    // Query/PutItem/ConditionCheckItem/DeleteItem: draining the audit outbox (AuditStore.drainOutbox).
    table: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem'],
    indexes: [{ names: [BY_EXPIRY_INDEX.name, BY_REVERIFY_INDEX.name], actions: ['dynamodb:Query'] }],
    // Re-verifies users' tokens only (docs/architecture.md §7); service credentials are never its business.
    credentialsKey: [{ actions: ['kms:Decrypt'], purposes: ['user-pat'] }],
    verifiesFit: false,
    settings: ['appBaseUrl'],
    deletionQueue: [],
  },
  deletion: {
    entry: 'lambdas/handlers/deletion.ts',
    description: 'patgate: deletion worker (uninstalled sites, deleted integrations), fed by the deletion queue',
    timeout: DELETION_WORKER_TIMEOUT,
    memorySize: 512,
    api: false,
    // Reads pages (Query), markers (GetItem) and tokens (BatchGetItem); deletes in batches and
    // removes its marker (DeleteItem). It never writes an item.
    table: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'],
    indexes: [],
    credentialsKey: [],
    verifiesFit: false,
    settings: [],
    // Consumes its queue (the event source mapping polls with the function's role) and enqueues continuations.
    deletionQueue: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:SendMessage'],
  },
};

export const functionNames = Object.keys(functionSpecs) as FunctionName[];

/**
 * Each function's role name: named, so the credentials key's policy in the data stack can name the
 * roles that may decrypt without a reference into the application stack (lib/patgate-data-stack.ts).
 */
export const functionRoleName = (namePrefix: string, name: FunctionName): string => `${namePrefix}-${name}-function`;
