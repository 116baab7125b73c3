import { Match } from 'aws-cdk-lib/assertions';
import { functionNames, functionSpecs } from '../../lib/function-specs';
import { moduleNameOf } from '../../lib/lambda-bundle';
import { logicalIdOf, synthPatgate } from './synth-patgate';

type Props = Record<string, unknown>;

describe('the patgate stack', () => {
  const { stack, template } = synthPatgate();
  const resource = (id: string): { Properties: Props; DeletionPolicy?: string } =>
    template.toJSON().Resources[id] as { Properties: Props; DeletionPolicy?: string };

  describe('table (DESIGN §5)', () => {
    it('is on-demand, with PITR, deletion protection, TTL on `ttl`, retained with the stack', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'PK', KeyType: 'HASH' },
            { AttributeName: 'SK', KeyType: 'RANGE' },
          ],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
          SSESpecification: { SSEEnabled: true },
        },
      });
    });

    it('has the byExpiry, byReverify and byAuditActor indexes with string keys', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byExpiry',
            KeySchema: [
              { AttributeName: 'expiryDay', KeyType: 'HASH' },
              { AttributeName: 'expiresAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'byReverify',
            KeySchema: [
              { AttributeName: 'reverifyDay', KeyType: 'HASH' },
              { AttributeName: 'PK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'byAuditActor',
            KeySchema: [
              { AttributeName: 'auditActor', KeyType: 'HASH' },
              { AttributeName: 'SK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'expiryDay', AttributeType: 'S' },
          { AttributeName: 'expiresAt', AttributeType: 'S' },
          { AttributeName: 'reverifyDay', AttributeType: 'S' },
          { AttributeName: 'auditActor', AttributeType: 'S' },
        ]),
      });
    });
  });

  describe('keys (DESIGN §6)', () => {
    it('are two symmetric keys with rotation on, retained with the stack, behind their aliases', () => {
      // The two keys of secrets, and the token-events topic's own key (EventBridge encrypts into it).
      template.resourceCountIs('AWS::KMS::Key', 3);
      for (const key of [stack.keys.credentials, stack.keys.tenant, stack.tokenNotifications.key]) {
        const { Properties, DeletionPolicy } = resource(logicalIdOf(key));
        expect(Properties.EnableKeyRotation).toBe(true);
        expect(DeletionPolicy).toBe('Retain');
      }
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/patgate/credentials' });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/patgate/tenant' });
    });
  });

  describe('functions (DESIGN §10)', () => {
    it('run Node.js 22 on arm64 with source maps, an explicit log group and sensible timeouts', () => {
      template.resourceCountIs('AWS::Lambda::Function', functionNames.length);
      for (const name of functionNames) {
        const fn = stack.functions.byName[name];
        const { Properties } = resource(logicalIdOf(fn));
        // One asset for every function (lib/lambda-bundle.ts): each runs its own handler module in it.
        expect(Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: `${moduleNameOf(functionSpecs[name].entry)}.handler` });
        expect((Properties.Environment as { Variables: Props }).Variables).toMatchObject({
          NODE_OPTIONS: '--enable-source-maps',
          PATGATE_LOCAL_MODE: 'false',
        });
        expect(Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logicalIdOf(fn.logGroup) } });
        expect(resource(logicalIdOf(fn.logGroup)).Properties.RetentionInDays).toBe(90);
        const timeout = Number(Properties.Timeout);
        if (name === 'tokenExpiry') expect(timeout).toBe(300);
        else if (name === 'deletion') expect(timeout).toBe(120);
        else expect(timeout >= 10 && timeout <= 15).toBe(true);
      }
    });

    it('hand every function the key ARNs it needs (never aliases), and the checker its event bus', () => {
      const envOf = (name: (typeof functionNames)[number]) =>
        (resource(logicalIdOf(stack.functions.byName[name])).Properties.Environment as { Variables: Props }).Variables;
      expect(envOf('public').PATGATE_CREDENTIALS_KEY_ID).toBeUndefined();
      expect(envOf('public').PATGATE_TABLE_NAME).toBeUndefined();
      expect(envOf('gitAction')).toMatchObject({
        PATGATE_TABLE_NAME: { Ref: logicalIdOf(stack.data.table) },
        PATGATE_CREDENTIALS_KEY_ID: { 'Fn::GetAtt': [logicalIdOf(stack.keys.credentials), 'Arn'] },
        PATGATE_TENANT_KEY_ID: { 'Fn::GetAtt': [logicalIdOf(stack.keys.tenant), 'Arn'] },
      });
      expect(envOf('lifecycle').PATGATE_INSTALL_KEYS_URL).toBe('https://connect-install-keys.atlassian.com');
      expect(envOf('tokenExpiry').PATGATE_EVENT_BUS_NAME).toEqual({ Ref: logicalIdOf(stack.schedule.eventBus) });
      expect(envOf('gitAction').PATGATE_EVENT_BUS_NAME).toBeUndefined();
    });

    it('turn X-Ray tracing on only when asked', () => {
      const gitAction = logicalIdOf(stack.functions.byName.gitAction);
      expect(resource(gitAction).Properties.TracingConfig).toBeUndefined();
      const traced = synthPatgate({ tracing: true }).template;
      expect((traced.toJSON().Resources[gitAction] as { Properties: Props }).Properties.TracingConfig).toEqual({ Mode: 'Active' });
    });
  });

  describe('schedule and events (DESIGN §7)', () => {
    it('runs the token-expiry checker hourly through EventBridge Scheduler, with its own role', () => {
      const checker = logicalIdOf(stack.functions.byName.tokenExpiry);
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [checker, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } },
      });
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
            }),
          ],
        },
      });
    });

    it('has the patgate event bus', () => {
      template.hasResourceProperties('AWS::Events::EventBus', { Name: 'patgate' });
    });
  });

  describe('alarms (DESIGN §10)', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => (a as { Properties: Props }).Properties);
    const alarmOn = (metric: string, functionId?: string) =>
      alarms.filter(
        (a) => a.MetricName === metric && (functionId === undefined || JSON.stringify(a.Dimensions).includes(`"${functionId}"`)),
      );

    it('watch every function for errors and throttles', () => {
      for (const name of functionNames) {
        const fn = logicalIdOf(stack.functions.byName[name]);
        expect(alarmOn('Errors', fn)).toHaveLength(1);
        expect(alarmOn('Throttles', fn)).toHaveLength(1);
      }
    });

    it('watch the checker: schedule failures, drops, and no run for two hours', () => {
      expect(alarmOn('TargetErrorCount')).toHaveLength(1);
      expect(alarmOn('InvocationDroppedCount')).toHaveLength(1);
      const [notRunning] = alarmOn('Invocations', logicalIdOf(stack.functions.byName.tokenExpiry));
      expect(notRunning).toMatchObject({ ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching', EvaluationPeriods: 2, Period: 3600 });
      expect(alarmOn('5xx')).toHaveLength(1);
    });

    it('notify the configured topic', () => {
      const topicArn = 'arn:aws:sns:us-east-1:123456789012:patgate-alarms';
      const notified = synthPatgate({ alarmTopicArn: topicArn }).template;
      const actions = Object.values(notified.findResources('AWS::CloudWatch::Alarm')).map((a) => (a as { Properties: Props }).Properties.AlarmActions);
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action).toEqual([topicArn]);
    });
  });

  it('outputs the API URL, lifecycle URLs, table, event bus and key ARNs', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const apiId = logicalIdOf(stack.api.httpApi);
    expect(outputs.ApiUrl?.Value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    expect(JSON.stringify(outputs.LifecycleInstalledUrl?.Value)).toContain('/lifecycle/installed');
    expect(JSON.stringify(outputs.LifecycleUninstalledUrl?.Value)).toContain('/lifecycle/uninstalled');
    expect(outputs.TableName?.Value).toEqual({ Ref: logicalIdOf(stack.data.table) });
    expect(outputs.EventBusName?.Value).toEqual({ Ref: logicalIdOf(stack.schedule.eventBus) });
    expect(outputs.CredentialsKeyArn?.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.keys.credentials), 'Arn'] });
    expect(outputs.TenantKeyArn?.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.keys.tenant), 'Arn'] });
  });
});
