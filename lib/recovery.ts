import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface RecoveryProps {
  readonly table: dynamodb.ITable;
  /** A backup vault in another account or Region that receives a copy of every backup. @default none */
  readonly copyToVaultArn?: string;
  /** @default 'patgate' */
  readonly namePrefix?: string;
}

/**
 * AWS Backup of the table beside its point-in-time recovery (which dies with the table's account or
 * Region): a daily backup kept 35 days and a monthly one kept a year, each copied to
 * `copyToVaultArn` when given. The copies hold ciphertexts only; restoring them needs the
 * credentials key, multi-Region for that reason (lib/keys.ts). docs/deploying.md, Recovery.
 */
export class Recovery extends Construct {
  public readonly plan: backup.BackupPlan;
  public readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: RecoveryProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? 'patgate';
    this.vault = new backup.BackupVault(this, 'Vault', { backupVaultName: `${prefix}-backups`, removalPolicy: RemovalPolicy.RETAIN });
    const copyActions = props.copyToVaultArn
      ? [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyToVaultArn), deleteAfter: Duration.days(35) }]
      : undefined;
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `${prefix}-table`,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({ ruleName: 'Daily', scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }), deleteAfter: Duration.days(35), copyActions }),
        new backup.BackupPlanRule({ ruleName: 'Monthly', scheduleExpression: events.Schedule.cron({ day: '1', hour: '4', minute: '0' }), deleteAfter: Duration.days(365), copyActions }),
      ],
    });
    const selection = this.plan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(props.table)] });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup\'s own service-role policy, the documented role for backup jobs; the selection limits it to this one table.',
    });
  }
}
