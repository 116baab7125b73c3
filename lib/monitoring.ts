import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lambdas/observability/telemetry';
import { BY_EXPIRY_INDEX, BY_REVERIFY_INDEX } from '../lambdas/store/table-definition';
import type { FunctionName } from './function-specs';

export interface MonitoringProps {
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  readonly stage: apigwv2.IHttpStage;
  /** The token-expiry checker and the schedule group that runs it. */
  readonly checker: lambda.IFunction;
  readonly checkerGroup: scheduler.IScheduleGroup;
  /** The table whose throttled requests alarm. */
  readonly table: dynamodb.ITable;
  /** The deletion queue's dead-letter queue: any message there is a deletion that stopped. */
  readonly deletionDeadLetters: sqs.IQueue;
  /** Where alarms notify (e.g. an SNS topic with an e-mail subscription). @default no action */
  readonly alarmTopic?: sns.ITopic;
  /** Server errors (5xx) per 5 minutes that raise the API alarm. @default 5 */
  readonly apiServerErrorThreshold?: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms: every function's errors and throttles, the API's 5xx answers, the checker's failures (a
 * failed run, a schedule that could not invoke it, or no run at all), DynamoDB throttling and KMS
 * failures. The dashboard is `OperationsDashboard` (dashboard.ts).
 */
export class Monitoring extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly tableThrottled: cloudwatch.Alarm;
  public readonly kmsFailed: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarmOn(`${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES }), `patgate ${name}: function errors`);
      this.alarmOn(`${name}Throttles`, fn.metricThrottles({ period: FIVE_MINUTES }), `patgate ${name}: throttled invocations`);
    }
    this.alarmOn(
      'ApiServerErrors',
      props.stage.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      'patgate API: 5xx answers',
      props.apiServerErrorThreshold ?? 5,
    );
    this.alarmOn(
      'CheckerScheduleTargetErrors',
      props.checkerGroup.metricTargetErrors({ period: FIVE_MINUTES }),
      'patgate token-expiry: the schedule could not invoke the checker',
    );
    this.alarmOn(
      'CheckerScheduleDropped',
      props.checkerGroup.metricDropped({ period: FIVE_MINUTES }),
      'patgate token-expiry: scheduled runs dropped after retries',
    );
    this.addCheckerNotRunning(props.checker);
    this.alarmOn(
      'DeletionDeadLetters',
      props.deletionDeadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      'patgate deletion: a deletion job failed every delivery and sits in the dead-letter queue (the site or integration is not fully deleted; its marker stays)',
    );
    this.tableThrottled = this.alarmOn('TableThrottled', tableThrottles(props.table), 'patgate DynamoDB: throttled reads or writes (table or index)');
    this.kmsFailed = this.alarmOn('KmsCallsFailed', kmsFailures(), 'patgate KMS: calls failed after retries (timeouts, throttling, access denied, bad ciphertext)');
    if (props.alarmTopic) this.notify(props.alarmTopic);
  }

  private alarmOn(id: string, metric: cloudwatch.IMetric, description: string, threshold = 1): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  /** An hourly job that silently stops is a failure too: no invocation in two hours alarms. */
  private addCheckerNotRunning(checker: lambda.IFunction): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, 'CheckerNotRunning', {
        metric: checker.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' }),
        alarmDescription: 'patgate token-expiry: the checker has not run for two hours',
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
    );
  }

  private notify(topic: sns.ITopic): void {
    const action = new actions.SnsAction(topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}

/** Throttled events of the table and of the two indexes the checker queries, summed. */
const tableThrottles = (table: dynamodb.ITable): cloudwatch.IMetric => {
  const throttles = (metricName: string, indexName?: string): cloudwatch.Metric =>
    table.metric(metricName, {
      period: FIVE_MINUTES,
      statistic: 'Sum',
      dimensionsMap: indexName ? { TableName: table.tableName, GlobalSecondaryIndexName: indexName } : { TableName: table.tableName },
    });
  return new cloudwatch.MathExpression({
    expression: 'FILL(r, 0) + FILL(w, 0) + FILL(e, 0) + FILL(v, 0)',
    usingMetrics: {
      r: throttles('ReadThrottleEvents'),
      w: throttles('WriteThrottleEvents'),
      e: throttles('ReadThrottleEvents', BY_EXPIRY_INDEX.name),
      v: throttles('ReadThrottleEvents', BY_REVERIFY_INDEX.name),
    },
    label: 'throttled events',
    period: FIVE_MINUTES,
  });
};

/** The `KmsCallFailed` EMF metric the vault's KMS clients write (lambdas/vault/kms-client.ts). */
const kmsFailures = (): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: 'KmsCallFailed',
    dimensionsMap: { service: 'patgate' },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });
