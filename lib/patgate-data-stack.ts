import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Data } from './data';
import { DeletionQueue } from './deletion-queue';
import { functionNames, functionRoleName, functionSpecs } from './function-specs';
import { Keys } from './keys';
import type { PatgateSettings } from './patgate-settings';
import { Recovery } from './recovery';

export interface PatgateDataStackProps extends StackProps {
  readonly settings: PatgateSettings;
  /** Prefix of every name (`patgate-<environment>`). */
  readonly namePrefix: string;
}

/**
 * What must outlive any deploy (docs/architecture.md §10): the credentials key, the table with its
 * Backup plan, and the deletion queues. A stack of its own, so the application stack (functions,
 * API, front, alarms) can be replaced, destroyed and recreated freely; nothing here refers to the
 * application stack, so it deploys first and alone. The key and the table are retained, and the
 * runbook for recreating this stack around them is docs/operations.md ("Recreating the stacks").
 */
export class PatgateDataStack extends Stack {
  public readonly keys: Keys;
  public readonly data: Data;
  public readonly deletionQueue: DeletionQueue;
  public readonly recovery: Recovery;

  constructor(scope: Construct, id: string, props: PatgateDataStackProps) {
    super(scope, id, { ...props, terminationProtection: props.terminationProtection ?? props.settings.production === true });
    const prefix = props.namePrefix;
    this.keys = new Keys(this, 'Keys', { aliasPrefix: prefix, breakGlassRoleArn: props.settings.breakGlassRoleArn });
    this.data = new Data(this, 'Data');
    this.deletionQueue = new DeletionQueue(this, 'Deletion');
    // By name, not by reference: the functions live in the application stack, which refers to this
    // one; a reference back would tie the two together in both directions.
    this.keys.restrictCredentialsDecryptTo(
      functionNames
        .filter((name) => functionSpecs[name].credentialsKey.some((grant) => grant.actions.includes('kms:Decrypt')))
        .map((name) => `arn:${this.partition}:iam::${this.account}:role/${functionRoleName(prefix, name)}`),
    );
    this.recovery = new Recovery(this, 'Recovery', { table: this.data.table, copyToVaultArn: props.settings.backupCopyVaultArn, namePrefix: prefix });
    // The physical ids the runbook's `cdk import` resource mapping needs (docs/operations.md).
    const retained: Record<string, { value: string; description: string }> = {
      TableName: { value: this.data.table.tableName, description: 'Retained: the DynamoDB table' },
      CredentialsKeyId: { value: this.keys.credentials.keyId, description: 'Retained: the credentials key' },
      DeletionQueueUrl: { value: this.deletionQueue.queue.queueUrl, description: 'Retained: the deletion queue' },
      DeletionDeadLettersUrl: { value: this.deletionQueue.deadLetters.queueUrl, description: 'Retained: the deletion queue\'s dead-letter queue' },
      BackupVaultName: { value: this.recovery.vault.backupVaultName, description: 'Retained: the table\'s backup vault' },
    };
    for (const [id, output] of Object.entries(retained)) new CfnOutput(this, id, output);
  }
}
