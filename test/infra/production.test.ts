import { AwsSolutionsChecks } from 'cdk-nag';
import { FORGE_EGRESS_IPV4, FORGE_EGRESS_IPV6 } from '../../lib/forge-egress-ranges';
import { functionNames, functionSpecs } from '../../lib/function-specs';
import { LOCAL_ONLY_VARIABLES, PINNED_LOCAL_SWITCHES } from '../../lib/functions';
import { PRODUCTION_CONTEXT } from './production-context';
import { logicalIdOf, synthFromContext } from './synth-patgate';

type Props = Record<string, unknown>;

const without = (key: string): Record<string, string> => Object.fromEntries(Object.entries(PRODUCTION_CONTEXT).filter(([k]) => k !== key));

describe('a production synth (docs/deploying.md)', () => {
  const { stack, dataStack, template } = synthFromContext(PRODUCTION_CONTEXT);
  const json = template.toJSON() as { Resources: Record<string, { Type: string; Properties: Props }>; Outputs: Record<string, { Value: unknown }> };
  const ofType = (type: string) => Object.values(json.Resources).filter((r) => r.Type === type);

  it('names the custom domain in every URL output, and no execute-api URL anywhere in the outputs', () => {
    const outputs = stack.resolve(json.Outputs) as Record<string, { Value: unknown }>;
    for (const key of ['ApiUrl', 'ForgeRemoteBaseUrl', 'ForgeLifecycleEndpoint']) {
      expect(JSON.stringify(outputs[key]?.Value)).toContain('https://patgate.example.com');
    }
    expect(JSON.stringify(outputs)).not.toMatch(/ApiEndpoint|execute-api/);
  });

  it('disables the execute-api endpoint and serves the API on origin.<domain> only', () => {
    expect(ofType('AWS::ApiGatewayV2::Api')[0]?.Properties.DisableExecuteApiEndpoint).toBe(true);
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'origin.patgate.example.com',
      DomainNameConfigurations: [{ CertificateArn: PRODUCTION_CONTEXT.certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
  });

  it('throttles health, lifecycle and /api/* routes separately', () => {
    const settings = ofType('AWS::ApiGatewayV2::Stage')[0]?.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number; DetailedMetricsEnabled: boolean }>;
    expect(settings['GET /health']).toMatchObject({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    expect(settings['POST /lifecycle/forge']).toMatchObject({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(settings['POST /api/git/branches']).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DetailedMetricsEnabled: true });
    // Every route of the table has its own setting.
    expect(Object.keys(settings)).toHaveLength(ofType('AWS::ApiGatewayV2::Route').length);
    for (const value of Object.values(settings)) expect(Object.keys(value).sort()).toEqual(['DetailedMetricsEnabled', 'ThrottlingBurstLimit', 'ThrottlingRateLimit']);
  });

  it('puts CloudFront with a WAF web ACL in front: Forge\'s ranges only on /api/* and /lifecycle/*, 64 KB bodies, a rate per other address', () => {
    const [distribution] = ofType('AWS::CloudFront::Distribution');
    const config = distribution?.Properties.DistributionConfig as Props;
    expect(config).toMatchObject({ Aliases: ['patgate.example.com'], ViewerCertificate: { AcmCertificateArn: PRODUCTION_CONTEXT.certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021' } });
    expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.front?.webAcl as never), 'Arn'] });
    // The origin is the API's own domain (origin.patgate.example.com), by reference.
    expect(JSON.stringify(config.Origins)).toContain(JSON.stringify({ Ref: logicalIdOf(stack.api.domainName as never) }));
    const sets = ofType('AWS::WAFv2::IPSet').map((r) => r.Properties);
    expect(sets.map((s) => [s.Scope, s.IPAddressVersion, s.Addresses])).toEqual([
      ['CLOUDFRONT', 'IPV4', FORGE_EGRESS_IPV4],
      ['CLOUDFRONT', 'IPV6', FORGE_EGRESS_IPV6],
    ]);
    const [acl] = ofType('AWS::WAFv2::WebACL');
    const rules = acl?.Properties.Rules as { Name: string; Action: Props; Statement: Props }[];
    expect(rules.map((r) => r.Name)).toEqual(['BodyOver64KB', 'ForgeOnlyPathsFromForge', 'RatePerOtherAddress']);
    expect(rules[0]?.Statement).toMatchObject({ SizeConstraintStatement: { Size: 65536, ComparisonOperator: 'GT', FieldToMatch: { Body: { OversizeHandling: 'MATCH' } } } });
    expect(acl?.Properties.AssociationConfig).toEqual({ RequestBody: { CLOUDFRONT: { DefaultSizeInspectionLimit: 'KB_64' } } });
    const forgeOnly = JSON.stringify(rules[1]?.Statement);
    expect(forgeOnly).toContain('"/api/"');
    expect(forgeOnly).toContain('"/lifecycle/"');
    expect(forgeOnly).toContain('NotStatement');
    expect(acl?.Properties.DefaultAction).toEqual({ Allow: {} });
  });

  it('gives every alarm an action: the composite pages the topic, which mails the on-call address; the members are all in its rule', () => {
    const [composite] = ofType('AWS::CloudWatch::CompositeAlarm');
    expect(composite?.Properties.AlarmActions).toEqual([{ Ref: logicalIdOf(stack.monitoring.topic) }]);
    const rule = JSON.stringify(composite?.Properties.AlarmRule);
    const alarmIds = Object.entries(json.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm').map(([id]) => id);
    expect(alarmIds.length).toBeGreaterThan(20);
    for (const id of alarmIds) expect(rule).toContain(id);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('hands the FIT-verifying functions exactly the configured Forge environment ids, and pins every local switch off on every function', () => {
    for (const name of functionNames) {
      const variables = (json.Resources[logicalIdOf(stack.functions.byName[name])]?.Properties.Environment as { Variables: Props }).Variables;
      expect(variables.PATGATE_FORGE_ENVIRONMENT_IDS).toBe(functionSpecs[name].verifiesFit ? PRODUCTION_CONTEXT.forgeEnvironmentIds : undefined);
      expect(variables).toMatchObject(PINNED_LOCAL_SWITCHES);
      for (const local of LOCAL_ONLY_VARIABLES) expect(variables[local]).toBeUndefined();
    }
    expect(PINNED_LOCAL_SWITCHES).toEqual({ PATGATE_LOCAL_MODE: 'false', PATGATE_JIRA_ALLOW_HTTP: 'false' });
  });

  it('reserves concurrency: gitAction its production share, the checker exactly 1', () => {
    const reserved = (name: (typeof functionNames)[number]) => json.Resources[logicalIdOf(stack.functions.byName[name])]?.Properties.ReservedConcurrentExecutions;
    expect(reserved('gitAction')).toBe(100);
    expect(reserved('tokenExpiry')).toBe(1);
  });

  it('lets names carry the environment, so two environments fit one account', () => {
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/patgate-prod/credentials' });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'patgate-prod' });
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', { AlarmName: 'patgate-prod-paging' });
    template.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'patgate-prod-backups' });
  });

  it('backs the table up daily and monthly, copying each backup to the other account\'s vault', () => {
    const [plan] = ofType('AWS::Backup::BackupPlan');
    const rules = (plan?.Properties.BackupPlan as { BackupPlanRule: { CopyActions: { DestinationBackupVaultArn: string }[] }[] }).BackupPlanRule;
    expect(rules).toHaveLength(2);
    for (const rule of rules) expect(rule.CopyActions[0]?.DestinationBackupVaultArn).toBe(PRODUCTION_CONTEXT.backupCopyVaultArn);
    expect(JSON.stringify(ofType('AWS::Backup::BackupSelection')[0]?.Properties)).toContain(logicalIdOf(stack.data.table));
  });

  it('deploys the API functions through versions, `live` aliases and a canary that rolls back on their alarms', () => {
    const apiFunctions = functionNames.filter((name) => functionSpecs[name].api);
    const aliasIds = apiFunctions.map((name) => logicalIdOf(stack.deploySafety?.aliases[name] as never));
    // Every integration invokes an alias, never a function's unqualified ARN.
    const uris = ofType('AWS::ApiGatewayV2::Integration').map((r) => JSON.stringify(r.Properties.IntegrationUri));
    expect(uris).toHaveLength(apiFunctions.length);
    for (const uri of uris) expect(aliasIds.some((id) => uri.includes(`"${id}"`))).toBe(true);
    const groups = ofType('AWS::CodeDeploy::DeploymentGroup').map((r) => r.Properties);
    expect(groups).toHaveLength(apiFunctions.length);
    for (const group of groups) {
      expect(JSON.stringify(group.DeploymentConfigName)).toContain('Canary10Percent5Minutes');
      expect(group.AutoRollbackConfiguration).toMatchObject({ Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) as unknown });
      const alarms = (group.AlarmConfiguration as { Alarms: { Name: unknown }[]; Enabled: boolean }).Alarms.map((a) => JSON.stringify(a.Name));
      expect(alarms).toHaveLength(2);
      expect(alarms.some((a) => a.includes(logicalIdOf(stack.monitoring.api5xx as never)))).toBe(true);
    }
    for (const alias of ofType('AWS::Lambda::Alias')) expect(alias.Properties.Name).toBe('live');
  });

  it('passes cdk-nag with nothing unacknowledged, in both stacks', () => {
    for (const scope of [stack, dataStack]) {
      const report = new AwsSolutionsChecks().validateScope(scope);
      expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? '?'}`))).toEqual([]);
    }
  });

  it.each([
    ['alarmEmail', /alarmEmail or alarmTopicArn/],
    ['forgeEnvironmentIds', /forgeEnvironmentIds/],
    ['breakGlassRoleArn', /breakGlassRoleArn/],
    ['forgeAppId', /forgeAppId/],
  ])('refuses to synthesize without %s, naming it', (key, message) => {
    expect(() => synthFromContext(without(key))).toThrow(message);
  });

  it('refuses without a domain, naming domainName and certificateArn', () => {
    const context = without('domainName');
    delete context.certificateArn;
    expect(() => synthFromContext(context)).toThrow(/production synth .* needs context: domainName and certificateArn/);
  });

  it('accepts an existing chat topic instead of the e-mail address as the subscriber', () => {
    expect(() => synthFromContext({ ...without('alarmEmail'), alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:chat' })).not.toThrow();
  });

  it('refuses a front outside us-east-1, where CloudFront\'s web ACL and certificate cannot live', () => {
    expect(() => synthFromContext(PRODUCTION_CONTEXT, 'eu-west-1')).toThrow(/us-east-1/);
  });
});
