import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  DefaultDashboardFactory,
  MetricStatistic,
  MonitoringFacade,
  type CustomMetricGroup,
  type CustomMetricSearch,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lambdas/observability/telemetry';
import type { FunctionName } from './function-specs';

export interface OperationsDashboardProps {
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  readonly httpApi: apigwv2.IHttpApi;
  readonly table: dynamodb.ITable;
  /** @default 'patgate' */
  readonly dashboardName?: string;
}

/** One series per value of the dimensions left open, e.g. one line per host kind and action. */
const search = (metricName: string, openDimensions: readonly string[], statistic: MetricStatistic, label: string): CustomMetricSearch => ({
  namespace: METRICS_NAMESPACE,
  searchQuery: `MetricName="${metricName}"`,
  dimensionsMap: { service: 'patgate', ...Object.fromEntries(openDimensions.map((d) => [d, undefined])) } as Record<string, string>,
  statistic,
  label,
});

/** The business metrics the functions write as EMF (lambdas/observability/telemetry.ts). */
const BUSINESS_METRICS: readonly CustomMetricGroup[] = [
  {
    title: 'Git actions succeeded (by host kind, action)',
    metrics: [search('GitActionSucceeded', ['hostKind', 'action'], MetricStatistic.SUM, '')],
  },
  {
    title: 'Git actions refused (by host kind, action, code)',
    metrics: [search('GitActionRefused', ['hostKind', 'action', 'code'], MetricStatistic.SUM, '')],
  },
  {
    title: 'Host latency p99 (by host kind, operation)',
    metrics: [search('HostLatency', ['hostKind', 'action'], MetricStatistic.P99, '')],
  },
  {
    title: 'Tokens saved / rejected (by host kind)',
    metrics: [search('TokenSaved', ['hostKind'], MetricStatistic.SUM, 'saved'), search('TokenRejected', ['hostKind'], MetricStatistic.SUM, 'rejected')],
  },
  {
    title: 'Tokens marked by the expiry checker (by status)',
    metrics: [search('ExpiryMarked', ['status'], MetricStatistic.SUM, '')],
  },
  {
    title: 'Jira and KMS calls failed',
    metrics: [search('JiraCallFailed', ['operation'], MetricStatistic.SUM, 'Jira'), search('KmsCallFailed', [], MetricStatistic.SUM, 'KMS')],
  },
];

/**
 * The operators' CloudWatch dashboard, built with cdk-monitoring-constructs: per function errors,
 * throttles and duration (p50/p90/p99); the HTTP API's 4xx/5xx and latency; the table's throttled
 * reads and writes and system errors; KMS failures and the business metrics. The alarms stay in
 * `Monitoring` (explicit CloudWatch alarms with one SNS action), so the facade adds no alarm of its own.
 */
export class OperationsDashboard extends Construct {
  public readonly facade: MonitoringFacade;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.facade = new MonitoringFacade(this, 'Facade', {
      metricFactoryDefaults: { namespace: METRICS_NAMESPACE, period: Duration.minutes(5) },
      alarmFactoryDefaults: { alarmNamePrefix: 'patgate', actionsEnabled: false },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: props.dashboardName ?? 'patgate',
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: false,
      }),
    });
    this.facade
      .addLargeHeader('patgate: API')
      .monitorApiGatewayV2HttpApi({ api: props.httpApi, alarmFriendlyName: 'api', humanReadableName: 'patgate HTTP API' })
      .addLargeHeader('patgate: functions');
    for (const [name, fn] of Object.entries(props.functions)) {
      this.facade.monitorLambdaFunction({
        lambdaFunction: fn,
        alarmFriendlyName: name,
        humanReadableName: `patgate ${name}`,
      });
    }
    this.facade
      .addLargeHeader('patgate: data')
      .monitorDynamoTable({ table: props.table, alarmFriendlyName: 'table', humanReadableName: 'patgate table' })
      .monitorCustom({
        alarmFriendlyName: 'business',
        humanReadableName: 'patgate: git actions, tokens, expiry, Jira and KMS',
        metricGroups: [...BUSINESS_METRICS],
      });
  }
}
