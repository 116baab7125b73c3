import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FunctionName } from './function-specs';

export interface MonitoringProps {
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  readonly stage: apigwv2.IHttpStage;
  /** The token-expiry checker and the schedule group that runs it. */
  readonly checker: lambda.IFunction;
  readonly checkerGroup: scheduler.IScheduleGroup;
  /** Where alarms notify (e.g. an SNS topic with an e-mail subscription). @default no action */
  readonly alarmTopic?: sns.ITopic;
  /** Server errors (5xx) per 5 minutes that raise the API alarm. @default 5 */
  readonly apiServerErrorThreshold?: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms of DESIGN §10: every function's errors and throttles, the API's 5xx answers, and the
 * checker's failures: a failed run, a schedule that could not invoke it, or no run at all.
 */
export class Monitoring extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];

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
    if (props.alarmTopic) this.notify(props.alarmTopic);
  }

  private alarmOn(id: string, metric: cloudwatch.IMetric, description: string, threshold = 1): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        metric,
        alarmDescription: description,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
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
