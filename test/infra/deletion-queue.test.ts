import { DELETION_MAX_RECEIVE_COUNT } from '../../lib/deletion-queue';
import { functionNames, functionSpecs } from '../../lib/function-specs';
import { logicalIdOf, synthPatgate } from './synth-patgate';

type Props = Record<string, unknown>;

describe('the deletion queue and its worker (uninstall and integration delete, asynchronous)', () => {
  const { stack, template } = synthPatgate();
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Props }>;
  const queue = logicalIdOf(stack.deletionQueue.queue);
  const deadLetters = logicalIdOf(stack.deletionQueue.deadLetters);
  const worker = logicalIdOf(stack.functions.byName.deletion);

  it('sends a job that fails every delivery to the dead-letter queue after maxReceiveCount deliveries', () => {
    expect(resources[queue]?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] },
      maxReceiveCount: DELETION_MAX_RECEIVE_COUNT,
    });
    expect(DELETION_MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(3);
    expect(resources[deadLetters]?.Properties.RedrivePolicy).toBeUndefined();
    expect(resources[deadLetters]?.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('encrypts both queues and refuses non-TLS access to them', () => {
    for (const id of [queue, deadLetters]) {
      expect(resources[id]?.Properties.SqsManagedSseEnabled).toBe(true);
      const policies = Object.values(resources).filter((r) => r.Type === 'AWS::SQS::QueuePolicy' && JSON.stringify(r.Properties.Queues).includes(`"${id}"`));
      const statements = policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: Props[] }).Statement);
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  it('never shows a message again while a worker may still run it: visibility timeout six times the worker timeout', () => {
    const timeout = Number(resources[worker]?.Properties.Timeout);
    expect(timeout).toBe(functionSpecs.deletion.timeout.toSeconds());
    expect(resources[queue]?.Properties.VisibilityTimeout).toBe(timeout * 6);
  });

  it('feeds the worker one message per invocation and lets it fail a message alone', () => {
    const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: worker },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // A wave of uninstalls drains steadily: at most 5 workers at once.
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('lets the worker\'s own SQS → Lambda → SQS loop run (it re-enqueues continuations on purpose); every other function stops a loop', () => {
    for (const name of functionNames) {
      const config = resources[logicalIdOf(stack.functions.byName[name])]?.Properties.RecursiveLoop;
      expect({ name, config }).toEqual({ name, config: name === 'deletion' ? 'Allow' : 'Terminate' });
    }
  });

  it('gives the queue URL to the functions that enqueue, and only to them', () => {
    for (const name of functionNames) {
      const variables = (resources[logicalIdOf(stack.functions.byName[name])]?.Properties.Environment as { Variables: Props }).Variables;
      if (['lifecycle', 'admin', 'deletion'].includes(name)) expect(variables.PATGATE_DELETION_QUEUE_URL).toEqual({ Ref: queue });
      else expect(variables.PATGATE_DELETION_QUEUE_URL).toBeUndefined();
    }
  });

  it('alarms as soon as one job sits in the dead-letter queue', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(r.Properties.Dimensions).includes(deadLetters));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetters, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
  });
});
