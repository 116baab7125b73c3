import { Match } from 'aws-cdk-lib/assertions';
import { functionNames } from '../../lib/function-specs';
import { logicalIdOf, synthPatgate } from './synth-patgate';

type Props = Record<string, unknown>;

describe('operations: token events to people, dashboard, alarms, throttle', () => {
  const { stack, template } = synthPatgate({ notifyEmail: 'ops@example.com', apiRateLimit: 120, apiBurstLimit: 300, tracing: true });
  const resourcesOf = (type: string): [string, { Properties: Props }][] =>
    Object.entries(template.findResources(type)) as [string, { Properties: Props }][];

  describe('token events reach operators', () => {
    it('an EventBridge rule on the patgate bus matches the users\' token events of patgate.tokens and targets the SNS topic', () => {
      const topicId = logicalIdOf(stack.tokenNotifications.topic);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: logicalIdOf(stack.schedule.eventBus) },
        EventPattern: { source: ['patgate.tokens'], 'detail-type': ['Token Expiring', 'Token Expired', 'Token Invalid'] },
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { Ref: topicId }, InputTransformer: Match.objectLike({ InputPathsMap: Match.objectLike({ 'detail-type': '$.detail-type' }) }) })],
      });
    });

    it('the service credential warnings have a rule of their own, to the same topic and dead-letter queue, worded for the admins', () => {
      const rule = resourcesOf('AWS::Events::Rule').find(([id]) => id === logicalIdOf(stack.tokenNotifications.serviceCredentialRule))?.[1];
      expect(rule?.Properties.EventPattern).toEqual({ source: ['patgate.tokens'], 'detail-type': ['Service Credential Expiring', 'Service Credential Expired'] });
      const target = (rule?.Properties.Targets as Props[])[0] as { Arn: unknown; DeadLetterConfig: unknown; InputTransformer: { InputTemplate: string } };
      expect(target.Arn).toEqual({ Ref: logicalIdOf(stack.tokenNotifications.topic) });
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [logicalIdOf(stack.tokenNotifications.deadLetters), 'Arn'] } });
      expect(target.InputTransformer.InputTemplate).toContain('service credential');
      expect(target.InputTransformer.InputTemplate).not.toMatch(/personal access token|accountId/);
    });

    it('the message is an AWS Chatbot custom notification naming the event, never a token', () => {
      const rule = resourcesOf('AWS::Events::Rule').find(([id]) => id === logicalIdOf(stack.tokenNotifications.rule))?.[1];
      const targets = rule?.Properties.Targets as { InputTransformer: { InputTemplate: string } }[];
      const template_ = targets[0]?.InputTransformer.InputTemplate ?? '';
      expect(template_).toContain('"version":"1.0"');
      expect(template_).toContain('"source":"custom"');
      expect(template_).toContain('<detail-type>');
      expect(template_).not.toMatch(/token"\s*:|ciphertext|hint/i);
    });

    it('the topic is encrypted with a rotating key EventBridge may use, refuses plain HTTP, and mails the context address', () => {
      const topicId = logicalIdOf(stack.tokenNotifications.topic);
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.tokenNotifications.key), 'Arn'] } });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId } });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            // Confused deputy: only this rule, in this account.
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sns:Publish',
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'events.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
    });

    it('every grant to events.amazonaws.com names its rule and account (no confused deputy)', () => {
      const json = template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
      const statements = Object.values(json.Resources)
        .flatMap((r) => [r.Properties.PolicyDocument, r.Properties.KeyPolicy] as ({ Statement?: Props[] } | undefined)[])
        .flatMap((doc) => doc?.Statement ?? []);
      const toEvents = statements.filter((st) => JSON.stringify(st.Principal ?? '').includes('events.amazonaws.com'));
      // Token-events topic, its key and DLQ, once per rule (users' tokens, service credentials); the alarm topic, its key and the alert DLQ.
      expect(toEvents.length).toBe(9);
      for (const st of toEvents) {
        const condition = JSON.stringify(st.Condition);
        expect(condition).toContain('aws:SourceArn');
        expect(condition).toContain('aws:SourceAccount');
      }
      // The rule the token-events grants name is the token-events rule itself.
      const rule = stack.resolve(stack.tokenNotifications.rule.ruleArn) as unknown;
      expect(rule).toBeDefined();
      expect(JSON.stringify(toEvents[0]?.Condition)).toContain('patgate-token-events');
    });

    it('undelivered token events go to a dead-letter queue', () => {
      const ruleProps = resourcesOf('AWS::Events::Rule').find(([, r]) => JSON.stringify(r.Properties.EventPattern).includes('patgate.tokens'))?.[1].Properties;
      expect((ruleProps?.Targets as Props[])[0]).toMatchObject({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(stack.tokenNotifications.deadLetters), 'Arn'] } } });
    });

    it('without notifyEmail there is no subscription', () => {
      synthPatgate().template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('dashboard', () => {
    const body = (): string => {
      const dashboards = resourcesOf('AWS::CloudWatch::Dashboard');
      expect(dashboards).toHaveLength(1);
      return JSON.stringify(stack.resolve(dashboards[0]?.[1].Properties.DashboardBody));
    };

    it('shows every function\'s errors, throttles and p99 duration', () => {
      const text = body();
      for (const name of functionNames) expect(text).toContain(logicalIdOf(stack.functions.byName[name]));
      for (const metric of ['Errors', 'Throttles', 'Duration']) expect(text).toContain(`\\"${metric}\\"`);
      expect(text).toContain('p99');
    });

    it('shows the API\'s 4xx/5xx, DynamoDB throttles, KMS failures and every business metric', () => {
      const text = body();
      for (const metric of ['4xx', '5xx', 'ReadThrottleEvents', 'WriteThrottleEvents']) expect(text).toContain(`\\"${metric}\\"`);
      for (const metric of ['GitActionSucceeded', 'GitActionRefused', 'HostLatency', 'TokenSaved', 'TokenRejected', 'ExpiryMarked', 'JiraCallFailed', 'KmsCallFailed']) {
        expect(text).toContain(`MetricName=\\\\\\"${metric}\\\\\\"`);
      }
    });
  });

  describe('alarms', () => {
    const alarmProps = (alarm: { node: { defaultChild?: unknown } }): Props => {
      const id = logicalIdOf(alarm as never);
      return (template.toJSON().Resources[id] as { Properties: Props }).Properties;
    };

    it('alarm on DynamoDB throttling of the table and of the indexes', () => {
      const props = alarmProps(stack.monitoring.tableThrottled);
      const metrics = props.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[];
      expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(r, 0) + FILL(w, 0) + FILL(ir0, 0) + FILL(iw0, 0) + FILL(ir1, 0) + FILL(iw1, 0) + FILL(ir2, 0) + FILL(iw2, 0)');
      const watched = metrics.filter((m) => m.MetricStat).map((m) => [m.MetricStat?.Metric.MetricName, m.MetricStat?.Metric.Dimensions.find((d) => d.Name === 'GlobalSecondaryIndexName')?.Value]);
      expect(watched).toEqual([
        ['ReadThrottleEvents', undefined],
        ['WriteThrottleEvents', undefined],
        ['ReadThrottleEvents', 'byExpiry'],
        ['WriteThrottleEvents', 'byExpiry'],
        ['ReadThrottleEvents', 'byReverify'],
        ['WriteThrottleEvents', 'byReverify'],
        ['ReadThrottleEvents', 'byAuditActor'],
        ['WriteThrottleEvents', 'byAuditActor'],
      ]);
      expect(props).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', DatapointsToAlarm: 3, EvaluationPeriods: 5 });
    });

    it('alarm on KMS failures counted by the vault\'s clients', () => {
      expect(alarmProps(stack.monitoring.kmsFailed)).toMatchObject({
        Namespace: 'patgate',
        MetricName: 'KmsCallFailed',
        Dimensions: [{ Name: 'service', Value: 'patgate' }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    });

    it('count 4xx and 429 answers from the access logs and alarm on their rates', () => {
      const filters = resourcesOf('AWS::Logs::MetricFilter').map(([, r]) => r.Properties);
      expect(filters.map((f) => f.FilterPattern).sort()).toEqual(['{ $.status = "*" }', '{ $.status = "4*" }', '{ $.status = "429" }']);
      for (const f of filters) expect(f.LogGroupName).toEqual({ Ref: logicalIdOf(stack.api.accessLogs) });
      const alarms = resourcesOf('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
      const rateOf = (metricName: string) => alarms.find((a) => JSON.stringify(a.Metrics ?? []).includes(`"${metricName}"`) && JSON.stringify(a.Metrics).includes('100 * FILL(c, 0) / n'));
      expect(rateOf('ClientErrors')).toMatchObject({ Threshold: 25, DatapointsToAlarm: 3, EvaluationPeriods: 5 });
      expect(rateOf('Throttled')).toMatchObject({ Threshold: 1, DatapointsToAlarm: 3, EvaluationPeriods: 5 });
    });
  });

  it('the stage throttle comes from context', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 120, ThrottlingBurstLimit: 300 } });
    synthPatgate().template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
  });

  it('every function gets the Powertools service, namespace and tracer switch', () => {
    for (const [tracing, expected] of [[template, 'true'], [synthPatgate().template, 'false']] as const) {
      const fns = Object.values(tracing.findResources('AWS::Lambda::Function')) as { Properties: { Environment: { Variables: Props } } }[];
      expect(fns).toHaveLength(functionNames.length);
      for (const fn of fns) {
        expect(fn.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'patgate', POWERTOOLS_METRICS_NAMESPACE: 'patgate', POWERTOOLS_TRACE_ENABLED: expected });
      }
    }
  });
});
