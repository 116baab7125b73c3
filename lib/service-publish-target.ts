import { Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

export interface ServicePublishTargetProps {
  readonly message?: events.RuleTargetInput;
  /** The topic's key, when it has one of its own: EventBridge must encrypt into it. */
  readonly key?: kms.IKey;
  /** Where events go that could not be delivered after the retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /** @default 8 */
  readonly retryAttempts?: number;
  /**
   * The rule's ARN as a string built from its name (see `ruleArnOf`), not the rule's own attribute:
   * the topic's key policy would otherwise depend on the rule that depends on the topic.
   */
  readonly ruleArn: string;
}

/** A named rule's ARN without referring to the rule (rules on a custom bus carry the bus name). */
export const ruleArnOf = (scope: IConstruct, ruleName: string, eventBusName?: string): string => {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:events:${stack.region}:${stack.account}:rule/${eventBusName ? `${eventBusName}/` : ''}${ruleName}`;
};

/**
 * An EventBridge rule's SNS target whose every grant to `events.amazonaws.com` (topic policy, key
 * policy, dead-letter queue policy) is conditioned on this rule and this account, so no other
 * account's rule can use EventBridge as a confused deputy to publish here. The CDK's own
 * `SnsTopic` target grants the service principal unconditionally. A role instead of the resource
 * policy is not an option: EventBridge advises against `RoleArn` for SNS targets with KMS
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html).
 */
export class ServicePublishTarget implements events.IRuleTarget {
  constructor(
    private readonly topic: sns.ITopic,
    private readonly props: ServicePublishTargetProps,
  ) {}

  public bind(rule: events.IRule): events.RuleTargetConfig {
    const conditions = sourceConditions(rule, this.props.ruleArn);
    const principal = new iam.ServicePrincipal('events.amazonaws.com');
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [principal], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions }),
    );
    this.props.key?.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [principal], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions }),
    );
    this.props.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [principal], actions: ['sqs:SendMessage'], resources: [this.props.deadLetterQueue.queueArn], conditions }),
    );
    return {
      arn: this.topic.topicArn,
      input: this.props.message,
      targetResource: this.topic,
      retryPolicy: { maximumRetryAttempts: this.props.retryAttempts ?? 8 },
      deadLetterConfig: { arn: this.props.deadLetterQueue.queueArn },
    };
  }
}

/** aws:SourceArn = the rule, aws:SourceAccount = this account. */
const sourceConditions = (rule: events.IRule, ruleArn: string): Record<string, Record<string, string>> => ({
  ArnEquals: { 'aws:SourceArn': ruleArn },
  StringEquals: { 'aws:SourceAccount': Stack.of(rule).account },
});

/** A rule target's dead-letter queue is a DLQ by role (the target's DeadLetterConfig), which cdk-nag cannot see. */
export const acknowledgeTargetDeadLetters = (queue: sqs.IQueue): void => {
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is the dead-letter queue of an EventBridge rule target (DeadLetterConfig), not a work queue; a DLQ behind a DLQ would only move the problem, and its depth alarms.',
  });
};
