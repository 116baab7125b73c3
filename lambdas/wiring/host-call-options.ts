import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';
import { systemClock, type Clock } from '../domain/clock';
import { DEFAULT_HOST_CALL_OPTIONS, type HostCallOptions } from '../hosts/git-provider';
import { PullRequestFactsStore } from '../store/pull-request-facts-store';

/**
 * What the host-calling functions give their adapters: the default budgets, and CodeCommit's record
 * of pull requests' branches in the table, shared by every container (only a create pull request
 * reads or writes it).
 */
export const hostCallOptionsFor = (config: Config, db: DynamoDBDocumentClient, clock: Clock = systemClock): HostCallOptions => ({
  ...DEFAULT_HOST_CALL_OPTIONS,
  pullRequestFacts: new PullRequestFactsStore(db, config.tableName, clock),
});
