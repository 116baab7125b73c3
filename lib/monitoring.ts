import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lambdas/observability/telemetry';
import { BY_AUDIT_ACTOR_INDEX, BY_EXPIRY_INDEX, BY_REVERIFY_INDEX } from '../lambdas/store/table-definition';
import { functionSpecs, type FunctionName } from './function-specs';
import { KEY_ADMINISTRATION_ACTIONS } from './keys';
import { acknowledgeTargetDeadLetters, ruleArnOf, ServicePublishTarget } from './service-publish-target';

export interface MonitoringProps {
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  readonly stage: apigwv2.IHttpStage;
  /** The API's JSON access logs (lib/api.ts): the 4xx and 429 rates are counted from them. */
  readonly accessLogs: logs.ILogGroup;
  /** The token-expiry checker and the schedule group that runs it. */
  readonly checker: lambda.IFunction;
  readonly checkerGroup: scheduler.IScheduleGroup;
  /** The table whose throttled requests alarm. */
  readonly table: dynamodb.ITable;
  readonly deletionQueue: sqs.IQueue;
  /** The deletion queue's dead-letter queue: any message there is a deletion that stopped. */
  readonly deletionDeadLetters: sqs.IQueue;
  /** The token-events rule, its topic and its dead-letter queue. */
  readonly tokenEvents: { readonly rule: events.IRule; readonly topic: sns.ITopic; readonly deadLetters: sqs.IQueue };
  /** The secret keys whose administration (policy, grants, re-encryption) alerts through CloudTrail. */
  readonly guardedKeys: readonly kms.IKey[];
  /** An e-mail address subscribed to the alarm topic. @default none */
  readonly alarmEmail?: string;
  /** An existing topic (e.g. AWS Chatbot's) that pages too. @default none */
  readonly alarmTopicArn?: string;
  /** Account concurrent executions that alarm (about 80 % of the account quota). @default 800 */
  readonly accountConcurrencyAlarmAt?: number;
  /** @default 'patgate' */
  readonly namePrefix?: string;
}

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/** M of N: a condition must hold this many of the last N periods, so one blip never pages. */
const SUSTAINED = { datapointsToAlarm: 3, evaluationPeriods: 5 } as const;

/** Percentages that alarm. */
export const ALARM_RATES = {
  functionErrorsPercent: 5,
  api5xxPercent: 1,
  api4xxPercent: 25,
  api429Percent: 1,
  durationOfTimeoutPercent: 80,
} as const;

/**
 * The alarms of docs/architecture.md §12. Every condition is a rate or a sustained count over M of N
 * periods; none pages on its own. One composite alarm, `Paging`, is in ALARM when any of them is,
 * and it alone notifies the alarm topic (e-mail and/or an existing chat topic); the members show on
 * the dashboard and in the composite's reason. Key administration (policy and grant changes,
 * re-encryption, replication) on the secret keys reaches the same topic straight from CloudTrail.
 */
export class Monitoring extends Construct {
  /** The condition alarms, each a member of `paging`. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly paging: cloudwatch.CompositeAlarm;
  public readonly topic: sns.Topic;
  public readonly topicKey: kms.Key;
  public readonly keyAdministration: events.Rule;
  public readonly tableThrottled: cloudwatch.Alarm;
  /** Each function's error-rate alarm and the API's 5xx-rate alarm: what a canary rolls back on. */
  public readonly errorRate: Partial<Record<FunctionName, cloudwatch.Alarm>> = {};
  public api5xx?: cloudwatch.Alarm;
  public readonly kmsFailed: cloudwatch.Alarm;
  /** Alert rule deliveries that failed (its own dead-letter queue). */
  public readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? 'patgate';
    this.topicKey = new kms.Key(this, 'TopicKey', { description: `${prefix}: encrypts the alarm topic`, enableKeyRotation: true });
    this.topic = new sns.Topic(this, 'Topic', { displayName: `${prefix} alarms`, masterKey: this.topicKey, enforceSSL: true });
    this.allowCloudWatch();
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    this.addFunctionAlarms(props.functions);
    this.addApiAlarms(props.stage, props.accessLogs);
    this.addCheckerAlarms(props.checker, props.checkerGroup);
    this.addQueueAlarms(props.deletionQueue, props.deletionDeadLetters);
    this.addTokenEventAlarms(props.tokenEvents);
    this.tableThrottled = this.alarmOn('TableThrottled', tableThrottles(props.table), 'patgate DynamoDB: throttled reads or writes (table or index), sustained', 1);
    this.kmsFailed = this.alarmOn('KmsCallsFailed', kmsFailures(), 'patgate KMS: calls failed after retries (timeouts, throttling, access denied, bad ciphertext), sustained', 1);
    this.alarmOn(
      'AccountConcurrency',
      new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'ConcurrentExecutions', statistic: 'Maximum', period: ONE_MINUTE }),
      'Lambda: the account\'s concurrent executions near its quota (Service Quotas: Lambda "Concurrent executions")',
      props.accountConcurrencyAlarmAt ?? 800,
    );

    this.deadLetters = new sqs.Queue(this, 'AlertDeadLetters', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    acknowledgeTargetDeadLetters(this.deadLetters);
    this.keyAdministration = this.alertOnKeyAdministration(props.guardedKeys, prefix);
    // SNS delivery failures of the alert rule itself page through the composite too.
    this.alarmOn('AlertDeliveryFailed', this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }), 'patgate: a key-administration alert could not be delivered to the alarm topic', 1, { datapointsToAlarm: 1, evaluationPeriods: 1 });

    this.paging = new cloudwatch.CompositeAlarm(this, 'Paging', {
      compositeAlarmName: `${prefix}-paging`,
      alarmDescription: `${prefix}: a sustained condition of the members needs someone (see the reason for which)`,
      alarmRule: cloudwatch.AlarmRule.anyOf(...this.alarms.map((alarm) => cloudwatch.AlarmRule.fromAlarm(alarm, cloudwatch.AlarmState.ALARM))),
    });
    const page = new actions.SnsAction(this.topic);
    this.paging.addAlarmAction(page);
    this.paging.addOkAction(page);
    if (props.alarmTopicArn) {
      const chat = new actions.SnsAction(sns.Topic.fromTopicArn(this, 'ExternalTopic', props.alarmTopicArn));
      this.paging.addAlarmAction(chat);
      this.paging.addOkAction(chat);
    }
  }

  private alarmOn(
    id: string,
    metric: cloudwatch.IMetric,
    description: string,
    threshold: number,
    periods: { datapointsToAlarm: number; evaluationPeriods: number } = SUSTAINED,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold,
      ...periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  /** CloudWatch publishes to an encrypted topic only when the key lets it (this account's alarms only). */
  private allowCloudWatch(): void {
    const stack = Stack.of(this);
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
        },
      }),
    );
  }

  private addFunctionAlarms(functions: Readonly<Record<FunctionName, lambda.IFunction>>): void {
    for (const [name, fn] of Object.entries(functions) as [FunctionName, lambda.IFunction][]) {
      this.errorRate[name] = this.alarmOn(
        `${name}ErrorRate`,
        new cloudwatch.MathExpression({
          // No rate below 5 invocations a minute: one failed call of three is not an outage.
          expression: 'IF(i >= 5, 100 * e / i, 0)',
          usingMetrics: { e: fn.metricErrors({ period: ONE_MINUTE, statistic: 'Sum' }), i: fn.metricInvocations({ period: ONE_MINUTE, statistic: 'Sum' }) },
          label: `${name} error %`,
          period: ONE_MINUTE,
        }),
        `patgate ${name}: more than ${ALARM_RATES.functionErrorsPercent}% of invocations fail, 3 of 5 minutes`,
        ALARM_RATES.functionErrorsPercent,
      );
      this.alarmOn(`${name}Throttles`, fn.metricThrottles({ period: ONE_MINUTE, statistic: 'Sum' }), `patgate ${name}: throttled invocations, 3 of 5 minutes`, 1);
      const timeoutMs = functionSpecs[name].timeout.toMilliseconds();
      this.alarmOn(
        `${name}NearTimeout`,
        fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
        `patgate ${name}: p99 duration above ${ALARM_RATES.durationOfTimeoutPercent}% of its ${timeoutMs / 1000} s timeout`,
        Math.round((timeoutMs * ALARM_RATES.durationOfTimeoutPercent) / 100),
      );
    }
  }

  private addApiAlarms(stage: apigwv2.IHttpStage, accessLogs: logs.ILogGroup): void {
    this.api5xx = this.alarmOn(
      'Api5xxRate',
      new cloudwatch.MathExpression({
        expression: 'IF(n >= 10, 100 * s / n, 0)',
        usingMetrics: { s: stage.metricServerError({ period: ONE_MINUTE, statistic: 'Sum' }), n: stage.metricCount({ period: ONE_MINUTE, statistic: 'Sum' }) },
        label: 'API 5xx %',
        period: ONE_MINUTE,
      }),
      `patgate API: more than ${ALARM_RATES.api5xxPercent}% of answers are 5xx, 3 of 5 minutes`,
      ALARM_RATES.api5xxPercent,
    );
    // Counted from the access logs (lib/api.ts writes `status` as a JSON string), so throttled
    // answers the API gives before any route also count.
    const requests = this.accessLogCount(accessLogs, 'Requests', '{ $.status = "*" }');
    const clientErrors = this.accessLogCount(accessLogs, 'ClientErrors', '{ $.status = "4*" }');
    const throttled = this.accessLogCount(accessLogs, 'Throttled', '{ $.status = "429" }');
    for (const [id, metric, percent, what] of [
      ['Api4xxRate', clientErrors, ALARM_RATES.api4xxPercent, '4xx'],
      ['Api429Rate', throttled, ALARM_RATES.api429Percent, '429 (throttled)'],
    ] as const) {
      this.alarmOn(
        id,
        new cloudwatch.MathExpression({ expression: 'IF(n >= 10, 100 * FILL(c, 0) / n, 0)', usingMetrics: { c: metric, n: requests }, label: `API ${what} %`, period: ONE_MINUTE }),
        `patgate API: more than ${percent}% of answers are ${what}, 3 of 5 minutes (from the access logs)`,
        percent,
      );
    }
  }

  private accessLogCount(accessLogs: logs.ILogGroup, name: string, pattern: string): cloudwatch.Metric {
    const filter = new logs.MetricFilter(this, `AccessLog${name}`, {
      logGroup: accessLogs,
      filterPattern: logs.FilterPattern.literal(pattern),
      metricNamespace: `${METRICS_NAMESPACE}/api`,
      metricName: name,
      metricValue: '1',
    });
    return filter.metric({ period: ONE_MINUTE, statistic: 'Sum' });
  }

  private addCheckerAlarms(checker: lambda.IFunction, group: scheduler.IScheduleGroup): void {
    const once = { datapointsToAlarm: 1, evaluationPeriods: 1 };
    this.alarmOn('CheckerScheduleTargetErrors', group.metricTargetErrors({ period: FIVE_MINUTES }), 'patgate token-expiry: the schedule could not invoke the checker', 1, once);
    this.alarmOn('CheckerScheduleDropped', group.metricDropped({ period: FIVE_MINUTES }), 'patgate token-expiry: scheduled runs dropped after retries', 1, once);
    // An hourly job that silently stops is a failure too: no invocation in two hours alarms.
    const notRunning = new cloudwatch.Alarm(this, 'CheckerNotRunning', {
      metric: checker.metricInvocations({ period: Duration.hours(1), statistic: 'Sum' }),
      alarmDescription: 'patgate token-expiry: the checker has not run for two hours',
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alarms.push(notRunning);
  }

  private addQueueAlarms(queue: sqs.IQueue, deadLetters: sqs.IQueue): void {
    this.alarmOn(
      'DeletionDeadLetters',
      deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      'patgate deletion: a deletion job failed every delivery and sits in the dead-letter queue (the site or integration is not fully deleted; its marker stays)',
      1,
      { datapointsToAlarm: 1, evaluationPeriods: 1 },
    );
    this.alarmOn(
      'DeletionOldestMessage',
      queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      'patgate deletion: the oldest deletion job has waited over an hour (the worker is stuck or starved)',
      3600,
    );
  }

  private addTokenEventAlarms(tokenEvents: MonitoringProps['tokenEvents']): void {
    const once = { datapointsToAlarm: 1, evaluationPeriods: 1 };
    this.alarmOn(
      'TokenEventsFailedInvocations',
      new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { RuleName: tokenEvents.rule.ruleName }, statistic: 'Sum', period: FIVE_MINUTES }),
      'patgate token events: EventBridge could not deliver to the operators\' topic',
      1,
      once,
    );
    this.alarmOn(
      'TokenEventsDeadLetters',
      tokenEvents.deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      'patgate token events: events gave up on the topic and wait in the dead-letter queue',
      1,
      once,
    );
    for (const [id, topic] of [['TokenEventsSnsFailed', tokenEvents.topic], ['AlarmSnsFailed', this.topic]] as const) {
      this.alarmOn(id, topic.metricNumberOfNotificationsFailed({ period: FIVE_MINUTES, statistic: 'Sum' }), `patgate SNS: notifications of ${topic === this.topic ? 'the alarm' : 'the token-events'} topic failed to deliver`, 1, once);
    }
  }

  /**
   * CloudTrail's record of key administration on the secret keys, to the alarm topic at once
   * (needs the account's CloudTrail trail, which every AWS Organizations account has by default
   * under Control Tower; docs/deploying.md). Refused attempts are reported too.
   */
  private alertOnKeyAdministration(keys: readonly kms.IKey[], prefix: string): events.Rule {
    const ruleName = `${prefix}-key-administration`;
    const rule = new events.Rule(this, 'KeyAdministration', {
      ruleName,
      description: 'patgate: policy, grant, re-encryption or replication calls on the secret keys',
      eventPattern: {
        source: ['aws.kms'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['kms.amazonaws.com'],
          eventName: [...KEY_ADMINISTRATION_ACTIONS.map((action) => action.replace('kms:', '')), 'ReEncrypt', 'ScheduleKeyDeletion', 'DisableKey'],
          resources: { ARN: keys.map((key) => key.keyArn) },
        },
      },
    });
    rule.addTarget(
      new ServicePublishTarget(this.topic, {
        key: this.topicKey,
        deadLetterQueue: this.deadLetters,
        ruleArn: ruleArnOf(this, ruleName),
        message: events.RuleTargetInput.fromText(
          `patgate: ${events.EventField.fromPath('$.detail.eventName')} on a secret key by ${events.EventField.fromPath('$.detail.userIdentity.arn')} (error: ${events.EventField.fromPath('$.detail.errorCode')})`,
        ),
      }),
    );
    return rule;
  }
}

/** Throttled events of the table and of each index, reads and writes, summed. */
const tableThrottles = (table: dynamodb.ITable): cloudwatch.IMetric => {
  const throttles = (metricName: string, indexName?: string): cloudwatch.Metric =>
    table.metric(metricName, {
      period: ONE_MINUTE,
      statistic: 'Sum',
      dimensionsMap: indexName ? { TableName: table.tableName, GlobalSecondaryIndexName: indexName } : { TableName: table.tableName },
    });
  const usingMetrics: Record<string, cloudwatch.IMetric> = { r: throttles('ReadThrottleEvents'), w: throttles('WriteThrottleEvents') };
  [BY_EXPIRY_INDEX, BY_REVERIFY_INDEX, BY_AUDIT_ACTOR_INDEX].forEach((index, i) => {
    usingMetrics[`ir${i}`] = throttles('ReadThrottleEvents', index.name);
    // An index that cannot keep up with its writes throttles the table's writes too.
    usingMetrics[`iw${i}`] = throttles('WriteThrottleEvents', index.name);
  });
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
    usingMetrics,
    label: 'throttled events',
    period: ONE_MINUTE,
  });
};

/** The `KmsCallFailed` EMF metric the vault's KMS clients write (lambdas/vault/kms-client.ts). */
const kmsFailures = (): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: 'KmsCallFailed',
    dimensionsMap: { service: 'patgate' },
    statistic: 'Sum',
    period: ONE_MINUTE,
  });
