import { Duration, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { functionNames, functionSpecs, type FunctionName } from './function-specs';

/** The name of the alias API Gateway invokes; CodeDeploy shifts it from version to version. */
export const LIVE_ALIAS = 'live';

/**
 * Safe deploys of the API functions (production): each publishes a version per change, API Gateway
 * invokes its `live` alias, and CodeDeploy moves the alias with a canary (10 % for 5 minutes),
 * rolling back when the function's error-rate alarm or the API's 5xx alarm goes off.
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
 */
export class DeploySafety extends Construct {
  public readonly aliases: Readonly<Partial<Record<FunctionName, lambda.Alias>>>;
  public readonly groups: codedeploy.LambdaDeploymentGroup[] = [];

  constructor(scope: Construct, id: string, functions: Readonly<Record<FunctionName, lambda.Function>>) {
    super(scope, id);
    const aliases: Partial<Record<FunctionName, lambda.Alias>> = {};
    for (const name of functionNames.filter((n) => functionSpecs[n].api)) {
      const fn = functions[name];
      aliases[name] = new lambda.Alias(this, `${name}Live`, { aliasName: LIVE_ALIAS, version: fn.currentVersion });
    }
    this.aliases = aliases;
  }

  /** Canary deployments of every alias, rolled back by the given alarms. */
  public rollBackOn(alarmsOf: (name: FunctionName) => cloudwatch.IAlarm[]): void {
    for (const [name, alias] of Object.entries(this.aliases) as [FunctionName, lambda.Alias][]) {
      const group = new codedeploy.LambdaDeploymentGroup(this, `${name}Deployment`, {
        alias,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
        alarms: alarmsOf(name),
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
      Validations.of(group).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason: 'CodeDeploy\'s own limited Lambda service-role policy (shift aliases, invoke hooks), the documented role for Lambda deployment groups.',
      });
      this.groups.push(group);
    }
  }
}

/** How long a canary watches before the rest of the traffic moves. */
export const CANARY_WATCH = Duration.minutes(5);
