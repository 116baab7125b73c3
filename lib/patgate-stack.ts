import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Api } from './api';
import { OperationsDashboard } from './dashboard';
import { Data } from './data';
import { DeletionQueue } from './deletion-queue';
import { ForgeRemote } from './forge-remote';
import { Functions } from './functions';
import { Keys } from './keys';
import { Monitoring } from './monitoring';
import type { PatgateSettings } from './patgate-settings';
import { Schedule } from './schedule';
import { TokenNotifications } from './token-notifications';

export interface PatgateStackProps extends StackProps {
  readonly settings: PatgateSettings;
}

/** The whole backend of docs/architecture.md §1 and §10: keys, table, functions, API, schedule and alarms. */
export class PatgateStack extends Stack {
  public readonly keys: Keys;
  public readonly data: Data;
  public readonly deletionQueue: DeletionQueue;
  public readonly functions: Functions;
  public readonly api: Api;
  public readonly schedule: Schedule;
  public readonly monitoring: Monitoring;
  public readonly tokenNotifications: TokenNotifications;
  public readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: PatgateStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.keys = new Keys(this, 'Keys');
    this.data = new Data(this, 'Data');
    this.deletionQueue = new DeletionQueue(this, 'Deletion');
    this.functions = new Functions(this, 'Functions', {
      data: this.data,
      keys: this.keys,
      deletionQueue: this.deletionQueue.queue,
      tracing: settings.tracing,
      settings,
    });
    this.deletionQueue.feed(this.functions.byName.deletion);
    this.keys.restrictCredentialsDecryptTo(this.functions.rolesDecrypting('credentialsKey'));
    this.keys.restrictTenantDecryptTo(this.functions.rolesDecrypting('tenantKey'));
    this.api = new Api(this, 'Api', {
      functions: this.functions.byName,
      allowedOrigin: settings.allowedOrigin,
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
    });
    // Without a base URL of its own, the API is the app: its URL is what Connect signs for.
    if (settings.appBaseUrl === undefined) this.functions.useAppBaseUrl(this.api.url);
    const { admin, tokens, gitAction, lifecycle } = this.functions.byName;
    new ForgeRemote(this, 'ForgeRemote', { apiFunctions: [admin, tokens, gitAction, lifecycle], apiUrl: this.api.url });
    const checker = this.functions.byName.tokenExpiry;
    this.schedule = new Schedule(this, 'Schedule', { checker, emitters: [this.functions.byName.admin] });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: this.functions.byName,
      stage: this.api.stage,
      checker,
      checkerGroup: this.schedule.group,
      table: this.data.table,
      deletionDeadLetters: this.deletionQueue.deadLetters,
      alarmTopic: settings.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn) : undefined,
    });
    this.tokenNotifications = new TokenNotifications(this, 'TokenNotifications', {
      eventBus: this.schedule.eventBus,
      notifyEmail: settings.notifyEmail,
    });
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      functions: this.functions.byName,
      httpApi: this.api.httpApi,
      table: this.data.table,
    });
    this.addOutputs();
  }

  private addOutputs(): void {
    const outputs: Record<string, { value: string; description: string }> = {
      ApiUrl: { value: this.api.url, description: 'Base URL of the HTTP API (the Connect descriptor\'s baseUrl unless appBaseUrl is set)' },
      LifecycleInstalledUrl: { value: `${this.api.url}/lifecycle/installed`, description: 'Connect descriptor lifecycle.installed' },
      LifecycleUninstalledUrl: { value: `${this.api.url}/lifecycle/uninstalled`, description: 'Connect descriptor lifecycle.uninstalled' },
      TableName: { value: this.data.table.tableName, description: 'DynamoDB table' },
      EventBusName: { value: this.schedule.eventBus.eventBusName, description: 'Event bus of patgate.tokens events' },
      TokenEventsTopicArn: { value: this.tokenNotifications.topic.topicArn, description: 'SNS topic of token expiring/expired/invalid events (subscribe e-mail, or AWS Chatbot for Slack)' },
      CredentialsKeyArn: { value: this.keys.credentials.keyArn, description: 'KMS key of PATs and service credentials' },
      TenantKeyArn: { value: this.keys.tenant.keyArn, description: 'KMS key of tenants\' shared secrets' },
    };
    for (const [id, output] of Object.entries(outputs)) new CfnOutput(this, id, output);
  }
}
