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
    it('are the credentials key (multi-Region, rotating, retained) and the two topics\' keys; no tenant key (Connect is gone)', () => {
      // The credentials key, the token-events topic's key and the alarm topic's key.
      template.resourceCountIs('AWS::KMS::Key', 3);
      for (const key of [stack.keys.credentials, stack.tokenNotifications.key, stack.monitoring.topicKey]) {
        const { Properties, DeletionPolicy } = resource(logicalIdOf(key));
        expect(Properties.EnableKeyRotation).toBe(true);
        expect(DeletionPolicy).toBe('Retain');
      }
      expect(resource(logicalIdOf(stack.keys.credentials)).Properties.MultiRegion).toBe(true);
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/patgate/credentials' });
      template.resourceCountIs('AWS::KMS::Alias', 1);
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
        // JSON logs; the platform's own lines only from WARN up.
        expect(Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logicalIdOf(fn.logGroup) }, LogFormat: 'JSON', SystemLogLevel: 'WARN' });
        expect(resource(logicalIdOf(fn.logGroup)).Properties.RetentionInDays).toBe(90);
        const timeout = Number(Properties.Timeout);
        if (name === 'tokenExpiry') expect(timeout).toBe(300);
        else if (name === 'deletion') expect(timeout).toBe(120);
        else expect(timeout >= 10 && timeout <= 15).toBe(true);
      }
    });

    it('hand every function the key ARN it needs (never an alias), and the checker its event bus', () => {
      const envOf = (name: (typeof functionNames)[number]) =>
        (resource(logicalIdOf(stack.functions.byName[name])).Properties.Environment as { Variables: Props }).Variables;
      expect(envOf('public').PATGATE_CREDENTIALS_KEY_ID).toBeUndefined();
      expect(envOf('public').PATGATE_TABLE_NAME).toBeUndefined();
      expect(envOf('gitAction')).toMatchObject({
        PATGATE_TABLE_NAME: { Ref: logicalIdOf(stack.data.table) },
        PATGATE_CREDENTIALS_KEY_ID: { 'Fn::GetAtt': [logicalIdOf(stack.keys.credentials), 'Arn'] },
      });
      for (const name of functionNames) {
        expect(envOf(name).PATGATE_TENANT_KEY_ID).toBeUndefined();
        expect(envOf(name).PATGATE_INSTALL_KEYS_URL).toBeUndefined();
      }
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
    const mentions = (a: Props, text: string): boolean => JSON.stringify(a).includes(text);

    it('watch every function for its error rate, throttles and p99 duration near its timeout, M of N', () => {
      for (const name of functionNames) {
        const fn = logicalIdOf(stack.functions.byName[name]);
        const own = alarms.filter((a) => mentions(a, `"${fn}"`));
        const rate = own.find((a) => mentions(a, '100 * e / i'));
        expect(rate).toMatchObject({ Threshold: 5, DatapointsToAlarm: 3, EvaluationPeriods: 5 });
        expect(own.filter((a) => a.MetricName === 'Throttles')).toHaveLength(1);
        const nearTimeout = own.find((a) => a.MetricName === 'Duration');
        expect(nearTimeout).toMatchObject({ ExtendedStatistic: 'p99', Threshold: functionSpecs[name].timeout.toMilliseconds() * 0.8 });
      }
    });

    it('watch the checker: schedule failures, drops, and no run for two hours', () => {
      expect(alarms.filter((a) => a.MetricName === 'TargetErrorCount')).toHaveLength(1);
      expect(alarms.filter((a) => a.MetricName === 'InvocationDroppedCount')).toHaveLength(1);
      const [notRunning] = alarms.filter((a) => a.MetricName === 'Invocations' && mentions(a, logicalIdOf(stack.functions.byName.tokenExpiry)));
      expect(notRunning).toMatchObject({ ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching', EvaluationPeriods: 2, Period: 3600 });
    });

    it('cover the gaps: token-events delivery (failed invocations, DLQ), SNS failures, the deletion queue\'s age, account concurrency', () => {
      expect(alarms.filter((a) => a.MetricName === 'FailedInvocations')).toHaveLength(1);
      expect(alarms.filter((a) => a.MetricName === 'NumberOfNotificationsFailed')).toHaveLength(2);
      expect(alarms.filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage' && mentions(a, logicalIdOf(stack.deletionQueue.queue)))).toHaveLength(1);
      expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && mentions(a, logicalIdOf(stack.tokenNotifications.deadLetters)))).toHaveLength(1);
      expect(alarms.find((a) => a.MetricName === 'ConcurrentExecutions')).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 800 });
      expect(alarms.find((a) => a.MetricName === 'ConcurrentExecutions')?.Dimensions).toBeUndefined();
    });

    it('page through one composite alarm whose rule names every other alarm; the members notify nobody on their own', () => {
      const composites = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm')).map((a) => (a as { Properties: Props }).Properties);
      expect(composites).toHaveLength(1);
      const rule = JSON.stringify(composites[0]?.AlarmRule);
      for (const alarm of stack.monitoring.alarms) expect(rule).toContain(logicalIdOf(alarm));
      expect(stack.monitoring.alarms).toHaveLength(alarms.length);
      expect(composites[0]?.AlarmActions).toEqual([{ Ref: logicalIdOf(stack.monitoring.topic) }]);
      for (const alarm of alarms) expect(alarm.AlarmActions).toBeUndefined();
    });

    it('page the configured chat topic too, and mail the alarm address', () => {
      const topicArn = 'arn:aws:sns:us-east-1:123456789012:patgate-alarms';
      const { stack: notified, template: t } = synthPatgate({ alarmTopicArn: topicArn, alarmEmail: 'oncall@example.com' });
      const [composite] = Object.values(t.findResources('AWS::CloudWatch::CompositeAlarm')).map((a) => (a as { Properties: Props }).Properties);
      expect(composite?.AlarmActions).toEqual([{ Ref: logicalIdOf(notified.monitoring.topic) }, topicArn]);
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: logicalIdOf(notified.monitoring.topic) } });
    });

    it('let CloudWatch use the alarm topic\'s key, for this account\'s alarms only', () => {
      const policy = resource(logicalIdOf(stack.monitoring.topicKey)).Properties.KeyPolicy as { Statement: Props[] };
      const statement = policy.Statement.find((st) => JSON.stringify(st.Principal).includes('cloudwatch.amazonaws.com'));
      expect(statement).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
      expect(JSON.stringify(statement?.Condition)).toContain('aws:SourceAccount');
      expect(JSON.stringify(statement?.Condition)).toContain(':alarm:*');
    });
  });

  it('outputs the API URL, table, event bus, alarm topic and key ARN; nothing of Connect', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const apiId = logicalIdOf(stack.api.httpApi);
    expect(outputs.ApiUrl?.Value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    expect(Object.keys(outputs).filter((key) => /Lifecycle(Installed|Uninstalled)|Tenant/.test(key))).toEqual([]);
    expect(outputs.AlarmTopicArn?.Value).toEqual({ Ref: logicalIdOf(stack.monitoring.topic) });
    expect(outputs.TableName?.Value).toEqual({ Ref: logicalIdOf(stack.data.table) });
    expect(outputs.EventBusName?.Value).toEqual({ Ref: logicalIdOf(stack.schedule.eventBus) });
    expect(outputs.CredentialsKeyArn?.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack.keys.credentials), 'Arn'] });
  });
});
