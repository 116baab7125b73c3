import { iamStatements } from './iam-statements';
import { logicalIdOf, synthFromContext, TEST_ORIGIN } from './synth-patgate';

const APP_ID = 'ari:cloud:ecosystem::app/5e1f0c1d-2a4b-4c6d-8e9f-0a1b2c3d4e5f';

const synth = (context: Record<string, string>) => synthFromContext({ allowedOrigin: TEST_ORIGIN, ...context });

describe('Forge Remote in the stack', () => {
  const { stack, template } = synth({ forgeAppId: APP_ID });
  const functions = template.toJSON().Resources as Record<string, { Type: string; Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
  const envOf = (name: keyof typeof stack.functions.byName) => functions[logicalIdOf(stack.functions.byName[name])]?.Properties.Environment?.Variables ?? {};

  it('gives the functions that verify FITs the app id from CDK context, and only those', () => {
    for (const name of ['admin', 'tokens', 'gitAction', 'lifecycle'] as const) expect(envOf(name).PATGATE_FORGE_APP_ID).toBe(APP_ID);
    for (const name of ['public', 'tokenExpiry', 'deletion'] as const) expect(envOf(name).PATGATE_FORGE_APP_ID).toBeUndefined();
  });

  it('outputs the values to paste into jira-app/manifest.yml', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ForgeAppId?.Value).toBe(APP_ID);
    expect(outputs.ForgeRemoteBaseUrl?.Value).toEqual(outputs.ApiUrl?.Value);
    expect(JSON.stringify(outputs.ForgeLifecycleEndpoint?.Value)).toContain('/lifecycle/forge');
  });

  it('creates no EventBridge Scheduler schedule for uninstalls (the second pass is a delayed message on the deletion queue)', () => {
    expect(Object.keys(template.findResources('AWS::Scheduler::ScheduleGroup'))).toHaveLength(1); // the token-expiry checker's
    const lifecycleEnv = envOf('lifecycle');
    expect(Object.keys(lifecycleEnv).filter((name) => name.includes('SWEEP'))).toEqual([]);
    const statements = iamStatements(template).filter((s) => s.roles.includes(logicalIdOf(stack.functions.roleOf('lifecycle'))));
    expect(statements.flatMap((s) => s.actions ?? []).filter((a) => a.startsWith('scheduler:') || a.startsWith('iam:') || a.startsWith('lambda:'))).toEqual([]);
  });

  it('refuses a context app id that is not a Forge app ARI', () => {
    expect(() => synth({ forgeAppId: 'patgate' })).toThrow(/forgeAppId/);
  });
});
