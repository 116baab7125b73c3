import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_INSTALL_KEYS_URL } from '../../lib/patgate-settings';
import { PatgateStack } from '../../lib/patgate-stack';
import { cdkJsonContext, logicalIdOf, TEST_ORIGIN } from './synth-patgate';

const APP_ID = 'ari:cloud:ecosystem::app/5e1f0c1d-2a4b-4c6d-8e9f-0a1b2c3d4e5f';

const synth = (context: Record<string, unknown>) => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'patgate-forge-synth-'));
  try {
    const app = new App({ outdir, builtinCloudFormationValidation: false, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context } });
    const stack = new PatgateStack(app, 'Patgate', { env: { region: 'us-east-1' }, settings: { allowedOrigin: TEST_ORIGIN, installKeysUrl: DEFAULT_INSTALL_KEYS_URL, appKey: 'patgate', tracing: false } });
    return { stack, template: Template.fromStack(stack) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

describe('Forge Remote in the stack', () => {
  const { stack, template } = synth({ forgeAppId: APP_ID });
  const functions = template.toJSON().Resources as Record<string, { Type: string; Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
  const envOf = (name: keyof typeof stack.functions.byName) => functions[logicalIdOf(stack.functions.byName[name])]?.Properties.Environment?.Variables ?? {};

  it('gives the functions that verify FITs the app id from CDK context, and only those', () => {
    for (const name of ['admin', 'tokens', 'gitAction', 'lifecycle'] as const) expect(envOf(name).PATGATE_FORGE_APP_ID).toBe(APP_ID);
    for (const name of ['public', 'tokenExpiry'] as const) expect(envOf(name).PATGATE_FORGE_APP_ID).toBeUndefined();
  });

  it('outputs the values to paste into jira-app/manifest.yml', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ForgeAppId?.Value).toBe(APP_ID);
    expect(outputs.ForgeRemoteBaseUrl?.Value).toEqual(outputs.ApiUrl?.Value);
    expect(JSON.stringify(outputs.ForgeLifecycleEndpoint?.Value)).toContain('/lifecycle/forge');
  });

  it('lets the lifecycle function schedule its second uninstall sweep in its own group, and the scheduler invoke only it', () => {
    const lifecycleEnv = envOf('lifecycle');
    expect(lifecycleEnv.PATGATE_SWEEP_SCHEDULE_GROUP).toEqual({ Ref: expect.stringMatching(/^ForgeRemoteSweepGroup/) });
    expect(lifecycleEnv.PATGATE_SWEEP_ROLE_ARN).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ForgeRemoteSweepRole/), 'Arn'] });
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p) => (p.Properties as { PolicyDocument: { Statement: { Sid?: string; Action: unknown; Resource: unknown }[] } }).PolicyDocument.Statement);
    expect(statements.find((s) => s.Sid === 'InvokeLifecycle')).toMatchObject({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [logicalIdOf(stack.functions.byName.lifecycle), 'Arn'] } });
    expect(statements.find((s) => s.Sid === 'ScheduleUninstallSweep')?.Action).toBe('scheduler:CreateSchedule');
    expect(statements.find((s) => s.Sid === 'PassSweepRole')?.Action).toBe('iam:PassRole');
  });

  it('refuses a context app id that is not a Forge app ARI', () => {
    expect(() => synth({ forgeAppId: 'patgate' })).toThrow(/forgeAppId/);
  });
});
