import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_CREDENTIAL_EVENT_TYPES, TOKEN_EVENT_TYPES, TOKEN_EVENTS_SOURCE } from '../lambdas/expiry/event-sink';
import { acknowledgeTargetDeadLetters, ruleArnOf, ServicePublishTarget } from './service-publish-target';

export interface TokenNotificationsProps {
  /** The bus the token-expiry checker puts `patgate.tokens` events on. */
  readonly eventBus: events.IEventBus;
  /** An address subscribed to the topic (AWS mails it a confirmation link first). @default none */
  readonly notifyEmail?: string;
  /** @default 'patgate' */
  readonly namePrefix?: string;
}

/**
 * Expiry reaching operators: an EventBridge rule on `patgate.tokens` (Token Expiring, Token Expired,
 * Token Invalid) delivers each event to an SNS topic. The message is an AWS Chatbot "custom
 * notification", so the same topic renders in Slack or Teams through AWS Chatbot (Amazon Q
 * Developer in chat applications) and arrives as readable JSON by e-mail. It names the tenant,
 * integration, Jira account id and expiry, never a token.
 */
export class TokenNotifications extends Construct {
  public readonly topic: sns.Topic;
  public readonly rule: events.Rule;
  /** The admins' warnings about an integration's service credential, with their own wording. */
  public readonly serviceCredentialRule: events.Rule;
  public readonly key: kms.Key;
  /** Token events EventBridge could not deliver to the topic after its retries (alarmed). */
  public readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: TokenNotificationsProps) {
    super(scope, id);
    // A key of its own: EventBridge must be allowed to encrypt into the topic, which the AWS-managed
    // SNS key's policy can never allow; the tokens' keys stay reserved for secrets. The SnsTopic
    // target below grants events.amazonaws.com Decrypt/GenerateDataKey* on it and sns:Publish, for
    // this rule in this account only (lib/service-publish-target.ts).
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'patgate: encrypts the token-events SNS topic',
      enableKeyRotation: true,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'patgate token events',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.notifyEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.notifyEmail));

    const ruleName = `${props.namePrefix ?? 'patgate'}-token-events`;
    this.rule = new events.Rule(this, 'TokenEventsRule', {
      ruleName,
      description: 'patgate: token expiring, expired or invalid, to the operators\' topic',
      eventBus: props.eventBus,
      eventPattern: { source: [TOKEN_EVENTS_SOURCE], detailType: [...TOKEN_EVENT_TYPES] },
    });
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeTargetDeadLetters(this.deadLetters);
    this.rule.addTarget(new ServicePublishTarget(this.topic, { message: chatbotMessage(), key: this.key, deadLetterQueue: this.deadLetters, retryAttempts: 8, ruleArn: ruleArnOf(this, ruleName, props.eventBus.eventBusName) }));

    // Service Credential Expiring / Expired (docs/architecture.md §7) name an integration, not an account.
    const serviceRuleName = `${props.namePrefix ?? 'patgate'}-service-credential-events`;
    this.serviceCredentialRule = new events.Rule(this, 'ServiceCredentialEventsRule', {
      ruleName: serviceRuleName,
      description: 'patgate: an integration\'s service credential expiring or expired, to the operators\' topic',
      eventBus: props.eventBus,
      eventPattern: { source: [TOKEN_EVENTS_SOURCE], detailType: [...SERVICE_CREDENTIAL_EVENT_TYPES] },
    });
    this.serviceCredentialRule.addTarget(new ServicePublishTarget(this.topic, { message: serviceCredentialMessage(), key: this.key, deadLetterQueue: this.deadLetters, retryAttempts: 8, ruleArn: ruleArnOf(this, serviceRuleName, props.eventBus.eventBusName) }));
  }
}

const field = (path: string): string => events.EventField.fromPath(path);

/**
 * The custom-notification schema AWS Chatbot renders (version 1.0, source `custom`), threaded per
 * integration: a description in words for whoever acts on it, and the event's fields as context.
 */
const customNotification = (description: readonly string[], context: Readonly<Record<string, string>>): events.RuleTargetInput =>
  events.RuleTargetInput.fromObject({
    version: '1.0',
    source: 'custom',
    id: field('$.id'),
    content: {
      textType: 'client-markdown',
      title: `patgate: ${field('$.detail-type')}`,
      description: description.join(' '),
    },
    metadata: {
      threadId: field('$.detail.integrationId'),
      summary: `patgate: ${field('$.detail-type')}`,
      additionalContext: { tenant: field('$.detail.tenant'), integrationId: field('$.detail.integrationId'), ...context },
    },
  });

/** A user's token: the user saves a new one. */
const chatbotMessage = (): events.RuleTargetInput =>
  customNotification(
    [
      `Integration ${field('$.detail.integrationId')} on Jira site ${field('$.detail.tenant')}:`,
      `the personal access token of Jira account ${field('$.detail.accountId')}.`,
      'The user saves a new token on the patgate setup page.',
    ],
    // expiresAt is absent for Token Invalid events of hosts that tell no expiry.
    { accountId: field('$.detail.accountId'), expiresAt: field('$.detail.expiresAt') },
  );

/** An integration's service credential: the integration and its expiry; no account, secret or hint. */
const serviceCredentialMessage = (): events.RuleTargetInput =>
  customNotification(
    [
      `Integration ${field('$.detail.integrationName')} (${field('$.detail.provider')}, ${field('$.detail.integrationId')}) on Jira site ${field('$.detail.tenant')}:`,
      `its service credential expires at ${field('$.detail.expiresAt')}.`,
      'A Jira admin saves a new service credential on the patgate admin page.',
    ],
    { expiresAt: field('$.detail.expiresAt') },
  );
