import { CfnOutput, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface ForgeRemoteProps {
  /** The API functions that verify Forge Invocation Tokens. */
  readonly apiFunctions: readonly lambda.Function[];
  /** The public base URL: the Forge manifest's remote base URL. */
  readonly apiUrl: string;
  /** A production synth refuses to run without the app id. @default false */
  readonly production?: boolean;
}

const APP_ID = /^ari:cloud:ecosystem::app\/[0-9a-f-]{36}$/;

/**
 * Forge Remote: the app id every FIT must name (context `forgeAppId`, from `forge register`) and the
 * values to paste into jira-app/manifest.yml.
 */
export class ForgeRemote extends Construct {
  constructor(scope: Construct, id: string, props: ForgeRemoteProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const appId: unknown = this.node.tryGetContext('forgeAppId');
    if (appId !== undefined && (typeof appId !== 'string' || !APP_ID.test(appId))) {
      throw new Error('context forgeAppId must be the app id of jira-app/manifest.yml, like ari:cloud:ecosystem::app/<uuid>');
    }
    if (props.production && appId === undefined) throw new Error('a production synth (production=true) needs context forgeAppId (the app.id of jira-app/manifest.yml, from forge register). See docs/deploying.md.');
    if (typeof appId === 'string') for (const fn of props.apiFunctions) fn.addEnvironment('PATGATE_FORGE_APP_ID', appId);

    const outputs: Record<string, { value: string; description: string }> = {
      ForgeRemoteBaseUrl: { value: props.apiUrl, description: 'export PATGATE_REMOTE_URL=<this> before forge deploy (a manifest variable: jira-app/manifest.yml remotes[patgate-backend].baseUrl)' },
      ForgeLifecycleEndpoint: { value: `${props.apiUrl}/lifecycle/forge`, description: 'Where the manifest\'s lifecycle trigger (endpoint patgate-lifecycle) delivers' },
      ForgeAppId: { value: typeof appId === 'string' ? appId : 'not set: deploy with -c forgeAppId=<app.id of jira-app/manifest.yml>', description: 'The audience every Forge Invocation Token must name' },
    };
    for (const [key, output] of Object.entries(outputs)) new CfnOutput(stack, key, output);
  }
}
