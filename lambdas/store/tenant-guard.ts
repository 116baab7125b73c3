import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { AppError } from '../domain/errors';
import { tenantPk, TENANT_SK } from './keys';

/**
 * Every write of a tenant's data carries this check in the same transaction: the tenant item must
 * still exist. A request that passed authentication with a container's cached tenant just before an
 * uninstall deleted it therefore writes nothing, and no item outlives the uninstall (docs/architecture.md §2).
 * It is always the first item of the transaction, so cancellation reason 0 says "not installed".
 */
export const tenantInstalled = (tableName: string, clientKey: string) => ({
  ConditionCheck: { TableName: tableName, Key: { PK: tenantPk(clientKey), SK: TENANT_SK }, ConditionExpression: 'attribute_exists(PK)' },
});

export const notInstalled = (): AppError => new AppError('UNAUTHENTICATED', 'The site is not installed (it was uninstalled).');

/** The cancellation reason codes of a cancelled transaction, or undefined for any other error. */
export const cancellationCodes = (error: unknown): (string | undefined)[] | undefined =>
  error instanceof TransactionCanceledException || (error as Error | undefined)?.name === 'TransactionCanceledException'
    ? ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code)
    : undefined;

/** Rethrows a cancelled transaction whose tenant check failed as a clean refusal. */
export const throwIfNotInstalled = (error: unknown): void => {
  if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') throw notInstalled();
};
