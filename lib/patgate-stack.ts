import { CfnOutput, Stack, Token, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api';
import { OperationsDashboard } from './dashboard';
import type { Data } from './data';
import { DeploySafety } from './deploy-safety';
import type { DeletionQueue } from './deletion-queue';
import { ForgeRemote } from './forge-remote';
import { Front } from './front';
import { Functions } from './functions';
import type { Keys } from './keys';
import { Monitoring } from './monitoring';
import { OriginSecret } from './origin-secret';
import { namePrefixOf, PRODUCTION_GIT_ACTION_RESERVED_CONCURRENCY, requireProductionReady, type PatgateSettings } from './patgate-settings';
import type { PatgateDataStack } from './patgate-data-stack';
import type { Recovery } from './recovery';
import { Schedule } from './schedule';
import { TokenNotifications } from './token-notifications';
import { functionNames, functionSpecs } from './function-specs';
import { ORIGIN_VERIFY_VARIABLE } from '../lambdas/http/origin-guard';

export interface PatgateStackProps extends StackProps {
  readonly settings: PatgateSettings;
  /** The retained state this stack runs on (lib/patgate-data-stack.ts), referred to across stacks. */
  readonly stateful: PatgateDataStack;
}

/**
 * The application of docs/architecture.md §1 and §10: functions, API, front, schedule, topics,
 * dashboard and alarms, on the keys, table and queues of the data stack (`props.stateful`). Nothing
 * here is retained: the stack can be destroyed and deployed again around the same data.
 */
export class PatgateStack extends Stack {
  /** The data stack's (lib/patgate-data-stack.ts). */
  public readonly keys: Keys;
  public readonly data: Data;
  public readonly deletionQueue: DeletionQueue;
  public readonly functions: Functions;
  public readonly api: Api;
  public readonly schedule: Schedule;
  public readonly monitoring: Monitoring;
  public readonly tokenNotifications: TokenNotifications;
  public readonly dashboard: OperationsDashboard;
  /** The data stack's. */
  public readonly recovery: Recovery;
  /** Versions, `live` aliases and canary deployments of the API functions (production). */
  public readonly deploySafety?: DeploySafety;
  /** CloudFront + WAF on the public host name; present with `domainName`. */
  public readonly front?: Front;
  /** The header value CloudFront sends and the API functions require; present with `domainName`. */
  public readonly originSecret?: OriginSecret;
  /** The base URL Forge calls: https://<domainName>, or the API's own URL without a domain. */
  public readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: PatgateStackProps) {
    super(scope, id, props);
    const { settings } = props;
    if (settings.production) requireProductionReady(settings);
    const prefix = namePrefixOf(settings);
    ({ keys: this.keys, data: this.data, deletionQueue: this.deletionQueue, recovery: this.recovery } = props.stateful);
    const gitActionReserved = settings.gitActionReservedConcurrency ?? (settings.production ? PRODUCTION_GIT_ACTION_RESERVED_CONCURRENCY : undefined);
    this.functions = new Functions(this, 'Functions', {
      data: this.data,
      keys: this.keys,
      deletionQueue: this.deletionQueue.queue,
      tracing: settings.tracing,
      settings,
      namePrefix: prefix,
      forgeEnvironmentIds: settings.forgeEnvironmentIds,
      reservedConcurrency: gitActionReserved === undefined ? undefined : { gitAction: gitActionReserved },
    });
    this.deletionQueue.feed(this.functions.byName.deletion);
    const domain = settings.domainName && settings.certificateArn ? { domainName: settings.domainName, certificateArn: settings.certificateArn } : undefined;
    if (domain) this.requireFrontRegion();
    if (settings.production) this.deploySafety = new DeploySafety(this, 'DeploySafety', this.functions.byName);
    this.api = new Api(this, 'Api', {
      functions: { ...this.functions.byName, ...this.deploySafety?.aliases },
      apiName: prefix,
      allowedOrigin: settings.allowedOrigin,
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      originDomain: domain ? { domainName: `origin.${domain.domainName}`, certificateArn: domain.certificateArn } : undefined,
    });
    if (domain && this.api.domainName) {
      this.originSecret = new OriginSecret(this, 'OriginSecret', { version: settings.originSecretVersion, previousVersion: settings.originSecretPreviousVersion });
      // Every API function refuses a request that skipped CloudFront (lambdas/http/origin-guard.ts).
      for (const name of functionNames.filter((n) => functionSpecs[n].api)) this.functions.byName[name].addEnvironment(ORIGIN_VERIFY_VARIABLE, this.originSecret.acceptedValues);
      this.front = new Front(this, 'Front', { ...domain, originDomainName: this.api.domainName.name, originVerifyValue: this.originSecret.headerValue });
      // A rotation's new value reaches the functions (and their canaries) before CloudFront sends it.
      this.front.distribution.node.addDependency(this.functions);
      if (this.deploySafety) this.front.distribution.node.addDependency(this.deploySafety);
    }
    this.publicUrl = domain ? `https://${domain.domainName}` : this.api.url;
    if (settings.appBaseUrl === undefined) this.functions.useAppBaseUrl(this.publicUrl);
    const { admin, tokens, gitAction, lifecycle } = this.functions.byName;
    new ForgeRemote(this, 'ForgeRemote', { apiFunctions: [admin, tokens, gitAction, lifecycle], apiUrl: this.publicUrl, production: settings.production });
    const checker = this.functions.byName.tokenExpiry;
    this.schedule = new Schedule(this, 'Schedule', { checker, emitters: [this.functions.byName.admin], eventBusName: prefix });
    this.tokenNotifications = new TokenNotifications(this, 'TokenNotifications', {
      eventBus: this.schedule.eventBus,
      notifyEmail: settings.notifyEmail,
      namePrefix: prefix,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: this.functions.byName,
      stage: this.api.stage,
      accessLogs: this.api.accessLogs,
      checker,
      checkerGroup: this.schedule.group,
      table: this.data.table,
      deletionQueue: this.deletionQueue.queue,
      deletionDeadLetters: this.deletionQueue.deadLetters,
      tokenEvents: { rule: this.tokenNotifications.rule, topic: this.tokenNotifications.topic, deadLetters: this.tokenNotifications.deadLetters },
      guardedKeys: [this.keys.credentials],
      alarmEmail: settings.alarmEmail,
      alarmTopicArn: settings.alarmTopicArn,
      namePrefix: prefix,
    });
    const { errorRate, api5xx } = this.monitoring;
    this.deploySafety?.rollBackOn((name) => [errorRate[name], api5xx].filter((alarm) => alarm !== undefined));
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      functions: this.functions.byName,
      httpApi: this.api.httpApi,
      table: this.data.table,
      dashboardName: prefix,
    });
    this.addOutputs();
  }

  /** CloudFront's WAF web ACLs and certificates exist only in us-east-1 (docs/deploying.md). */
  private requireFrontRegion(): void {
    if (Token.isUnresolved(this.region) || this.region !== 'us-east-1') {
      throw new Error(`domainName puts CloudFront and a WAF web ACL (CLOUDFRONT scope) in front of the API; both, and the certificate, live in us-east-1: deploy this stack with CDK_DEFAULT_REGION=us-east-1 (the region is ${this.region}). See docs/deploying.md.`);
    }
  }

  private addOutputs(): void {
    const outputs: Record<string, { value: string; description: string }> = {
      ApiUrl: { value: this.publicUrl, description: 'The base URL Forge calls (custom domain when domainName is set)' },
      TableName: { value: this.data.table.tableName, description: 'DynamoDB table' },
      EventBusName: { value: this.schedule.eventBus.eventBusName, description: 'Event bus of patgate.tokens events' },
      TokenEventsTopicArn: { value: this.tokenNotifications.topic.topicArn, description: 'SNS topic of token expiring/expired/invalid events (subscribe e-mail, or AWS Chatbot for Slack)' },
      AlarmTopicArn: { value: this.monitoring.topic.topicArn, description: 'SNS topic the paging alarm and key-administration alerts notify' },
      CredentialsKeyArn: { value: this.keys.credentials.keyArn, description: 'KMS key of PATs and service credentials' },
    };
    if (this.front && this.api.domainName) {
      outputs.DnsPublicRecord = { value: `${this.api.domainName.name.replace(/^origin\./, '')} CNAME ${this.front.distribution.distributionDomainName}`, description: 'DNS: the public host name to the CloudFront distribution' };
      outputs.DnsOriginRecord = { value: `${this.api.domainName.name} CNAME ${this.api.domainName.regionalDomainName}`, description: 'DNS: the origin host name to the API\'s regional domain' };
    }
    for (const [id, output] of Object.entries(outputs)) new CfnOutput(this, id, output);
  }
}
