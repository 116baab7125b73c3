import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { TOKEN_EVENTS_SOURCE } from '../lambdas/expiry/event-sink';

export interface ScheduleProps {
  /** The token-expiry checker. */
  readonly checker: lambda.Function;
  /** @default Duration.hours(1) */
  readonly every?: Duration;
  /** @default 'patgate' */
  readonly eventBusName?: string;
  /** Other functions that emit token events (admin: `Token Invalid` when a move drops users' tokens). */
  readonly emitters?: readonly lambda.Function[];
}

/**
 * The checker's clock and its voice (docs/architecture.md §7): an EventBridge Scheduler schedule that invokes it
 * hourly, and the `patgate` event bus it alone may put `patgate.tokens` events on.
 */
export class Schedule extends Construct {
  public readonly eventBus: events.EventBus;
  public readonly group: scheduler.ScheduleGroup;
  public readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: ScheduleProps) {
    super(scope, id);
    this.eventBus = new events.EventBus(this, 'Bus', { eventBusName: props.eventBusName ?? 'patgate' });
    for (const emitter of [props.checker, ...(props.emitters ?? [])]) {
      emitter.addEnvironment('PATGATE_EVENT_BUS_NAME', this.eventBus.eventBusName);
      emitter.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'EmitTokenEvents',
          actions: ['events:PutEvents'],
          resources: [this.eventBus.eventBusArn],
          conditions: { StringEquals: { 'events:source': TOKEN_EVENTS_SOURCE } },
        }),
      );
    }
    // A group of its own, so the group's metrics (target errors, drops) are the checker's alone.
    // Named after the bus (`patgate-<environment>`), so two environments fit one account.
    // Destroyed with the stack (CDK retains groups by default): a recreated stack reuses the name.
    this.group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: `${props.eventBusName ?? 'patgate'}-token-expiry`, removalPolicy: RemovalPolicy.DESTROY });
    const role = this.createTargetRole();
    const target = new targets.LambdaInvoke(props.checker, {
      role,
      retryAttempts: 2,
      // A run still undelivered after half an hour would crowd the next hourly one: drop it.
      maxEventAge: Duration.minutes(30),
    });
    this.schedule = new scheduler.Schedule(this, 'TokenExpiryHourly', {
      description: 'patgate: runs the token-expiry checker',
      schedule: scheduler.ScheduleExpression.rate(props.every ?? Duration.hours(1)),
      scheduleGroup: this.group,
      target,
    });
    acknowledgeQualifiedInvoke(role, props.checker);
  }

  /** Assumable by EventBridge Scheduler only on behalf of this account's schedules in this group. */
  private createTargetRole(): iam.Role {
    const stack = Stack.of(this);
    return new iam.Role(this, 'TargetRole', {
      description: 'patgate: EventBridge Scheduler invokes the token-expiry checker',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': this.group.scheduleGroupArn },
        },
      }),
    });
  }
}

const acknowledgeQualifiedInvoke = (role: iam.Role, checker: lambda.Function): void => {
  const stack = Stack.of(role);
  const logicalId: unknown = stack.resolve(stack.getLogicalId(checker.node.defaultChild as lambda.CfnFunction));
  // LambdaInvoke grants with the CDK's grantInvoke, which also allows `<arn>:*` (versions and
  // aliases) of this one function; no other function can be invoked.
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${String(logicalId)}.Arn>:*]`,
    reason: 'EventBridge Scheduler may invoke the token-expiry checker and its versions/aliases, and nothing else.',
  });
};
