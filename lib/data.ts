import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  BY_AUDIT_ACTOR_INDEX,
  BY_EXPIRY_INDEX,
  BY_REVERIFY_INDEX,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../lambdas/store/table-definition';

export interface DataProps {
  /** @default RemovalPolicy.RETAIN (tenants' integrations, tokens and audit must outlive a stack) */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The one table of docs/architecture.md §5, keys and indexes imported from the runtime's table definition so the
 * stack, the local runtime and the tests never drift apart.
 */
export class Data extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // AWS-managed key (aws/dynamodb), not a third customer key: every secret in the table is
      // already envelope-encrypted under the credentials or tenant key with a per-row context, so
      // a table key would add cost and key policy surface without protecting anything more; the
      // AWS-managed key still records each use in CloudTrail, unlike the default AWS-owned key.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // ALL projection as the local table has it: the checker reads status and ciphertext from the
    // index itself rather than one GetItem per token.
    // byAuditActor: the admin audit page's filters, one Query each (lambdas/store/audit-store.ts).
    for (const index of [BY_EXPIRY_INDEX, BY_REVERIFY_INDEX, BY_AUDIT_ACTOR_INDEX]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /** ARN of one of the table's indexes, for policies that allow a Query on that index only. */
  public indexArn(indexName: string): string {
    return `${this.table.tableArn}/index/${indexName}`;
  }
}
