import { CfnOutput, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

export interface ForgeRemoteProps {
  /** The API functions that verify Forge Invocation Tokens. */
  readonly apiFunctions: readonly lambda.Function[];
  /** Serves POST /lifecycle/forge and schedules (and receives) the second uninstall sweep. */
  readonly lifecycle: lambda.Function;
  /** The HTTP API's URL: the Forge manifest's remote base URL. */
  readonly apiUrl: string;
}

const APP_ID = /^ari:cloud:ecosystem::app\/[0-9a-f-]{36}$/;

/**
 * Forge Remote: the app id every FIT must name (context `forgeAppId`, from `forge register`), the
 * values to paste into jira-app/manifest.yml, and the one-shot EventBridge Scheduler schedules of
 * the second uninstall sweep (lambdas/jira/uninstall-sweep.ts).
 */
export class ForgeRemote extends Construct {
  public readonly sweepGroup: scheduler.CfnScheduleGroup;
  public readonly sweepRole: iam.Role;

  constructor(scope: Construct, id: string, props: ForgeRemoteProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const appId: unknown = this.node.tryGetContext('forgeAppId');
    if (appId !== undefined && (typeof appId !== 'string' || !APP_ID.test(appId))) {
      throw new Error('context forgeAppId must be the app id of jira-app/manifest.yml, like ari:cloud:ecosystem::app/<uuid>');
    }
    if (typeof appId === 'string') for (const fn of props.apiFunctions) fn.addEnvironment('PATGATE_FORGE_APP_ID', appId);

    this.sweepGroup = new scheduler.CfnScheduleGroup(this, 'SweepGroup', {});
    // Assumable only by EventBridge Scheduler for this account's schedules of this group; its one
    // right (invoke the lifecycle function) is a separate policy so the function's own policy can
    // name this role without a dependency cycle.
    this.sweepRole = new iam.Role(this, 'SweepRole', {
      description: 'patgate: EventBridge Scheduler invokes the lifecycle function for the second uninstall sweep',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    new iam.Policy(this, 'SweepInvoke', {
      roles: [this.sweepRole],
      statements: [new iam.PolicyStatement({ sid: 'InvokeLifecycle', actions: ['lambda:InvokeFunction'], resources: [props.lifecycle.functionArn] })],
    });
    props.lifecycle.addEnvironment('PATGATE_SWEEP_SCHEDULE_GROUP', this.sweepGroup.ref);
    props.lifecycle.addEnvironment('PATGATE_SWEEP_ROLE_ARN', this.sweepRole.roleArn);
    props.lifecycle.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ScheduleUninstallSweep',
        actions: ['scheduler:CreateSchedule'],
        resources: [stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.sweepGroup.ref}/*` })],
      }),
    );
    props.lifecycle.addToRolePolicy(new iam.PolicyStatement({ sid: 'PassSweepRole', actions: ['iam:PassRole'], resources: [this.sweepRole.roleArn] }));
    const shown = (value: string, pseudo: string): string => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
    const groupLogicalId = String(stack.resolve(stack.getLogicalId(this.sweepGroup)));
    Validations.of(props.lifecycle.role ?? props.lifecycle).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:${shown(stack.partition, 'AWS::Partition')}:scheduler:${shown(stack.region, 'AWS::Region')}:<AWS::AccountId>:schedule/<${groupLogicalId}>/*]`,
      reason: 'The lifecycle function creates one-shot schedules with generated names, only in its own sweep group.',
    });

    const outputs: Record<string, { value: string; description: string }> = {
      ForgeRemoteBaseUrl: { value: props.apiUrl, description: 'jira-app/manifest.yml: remotes[patgate-backend].baseUrl and permissions.external.fetch.backend' },
      ForgeLifecycleEndpoint: { value: `${props.apiUrl}/lifecycle/forge`, description: 'Where the manifest\'s lifecycle trigger (endpoint patgate-lifecycle) delivers' },
      ForgeAppId: { value: typeof appId === 'string' ? appId : 'not set: deploy with -c forgeAppId=<app.id of jira-app/manifest.yml>', description: 'The audience every Forge Invocation Token must name' },
    };
    for (const [key, output] of Object.entries(outputs)) new CfnOutput(stack, key, output);
  }
}
