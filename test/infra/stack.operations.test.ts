import { describe, expect, it } from 'vitest';
import { actionsOf, roleOf, statementsOfRole } from './iam.ts';
import { FULL_CONTEXT, functionId, resourcesOf, synthesize } from './synth.ts';

const { template } = synthesize(FULL_CONTEXT);
const resources = resourcesOf(template);
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const [[topicId, topic] = ['', { Type: '' }]] = ofType('AWS::SNS::Topic');
interface AlarmProperties {
  id: string;
  MetricName?: string;
  Namespace?: string;
  AlarmActions?: unknown;
  Dimensions?: unknown;
}
const alarms = ofType('AWS::CloudWatch::Alarm').map(
  ([id, alarm]): AlarmProperties => ({ id, ...alarm.Properties }),
);
const alarmOn = (metricName: string, namespace: string) =>
  alarms.filter((alarm) => alarm.MetricName === metricName && alarm.Namespace === namespace);

const inboundQueueId = (): string => {
  const [[, config] = ['', {}]] = ofType('AWS::Lambda::EventInvokeConfig');
  const destination = (
    config as { Properties?: { DestinationConfig?: { OnFailure?: { Destination?: unknown } } } }
  ).Properties?.DestinationConfig?.OnFailure?.Destination as { 'Fn::GetAtt': [string, string] };
  return destination['Fn::GetAtt'][0];
};
const ingressDeadLettersId = (): string => {
  const [[, queue] = ['', {}]] = ofType('AWS::SQS::Queue').filter(
    ([, candidate]) => candidate.Properties?.RedrivePolicy !== undefined,
  );
  const policy = (queue as { Properties?: { RedrivePolicy?: { deadLetterTargetArn: unknown } } }).Properties
    ?.RedrivePolicy?.deadLetterTargetArn as { 'Fn::GetAtt': [string, string] };
  return policy['Fn::GetAtt'][0];
};

describe('failed asynchronous invocations', () => {
  it('send inbound-email events that failed three times to an encrypted queue of its own', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig');
    expect(configs).toHaveLength(1);
    const [[, config] = ['', {}]] = configs;
    expect(JSON.stringify(config.Properties?.FunctionName)).toContain(functionId(template, 'inbound-email'));
    expect(config.Properties).toMatchObject({ MaximumRetryAttempts: 2, Qualifier: '$LATEST' });
    const queue = resources[inboundQueueId()];
    expect(queue?.Type).toBe('AWS::SQS::Queue');
    expect(queue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    const role = roleOf(template, 'inbound-email');
    const sends = statementsOfRole(template, role).filter((statement) =>
      JSON.stringify(statement.Resource).includes(inboundQueueId()),
    );
    expect(sends.flatMap(actionsOf)).toContain('sqs:SendMessage');
  });
});

describe('alarms', () => {
  it('tell the operators through one encrypted topic the approvers are subscribed to', () => {
    expect(topic.Properties?.KmsMasterKeyId).toBeDefined();
    const emails = ofType('AWS::SNS::Subscription').map(([, subscription]) => subscription.Properties);
    expect(emails).toEqual(
      FULL_CONTEXT.approverEmails.split(',').map((email) => ({
        Protocol: 'email',
        Endpoint: email,
        TopicArn: { Ref: topicId },
      })),
    );
    for (const alarm of alarms) expect(alarm.AlarmActions, alarm.id).toEqual([{ Ref: topicId }]);
  });

  it('watch every dead-letter queue', () => {
    const depth = alarmOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS');
    const watched = depth.map((alarm) => JSON.stringify(alarm.Dimensions));
    expect(watched).toHaveLength(2);
    expect(watched.some((dimensions) => dimensions.includes(ingressDeadLettersId()))).toBe(true);
    expect(watched.some((dimensions) => dimensions.includes(inboundQueueId()))).toBe(true);
    for (const alarm of depth)
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('watch the loop’s failed and timed-out turns, the step function’s errors and throttles, and the model', () => {
    const step = functionId(template, 'step');
    expect(alarmOn('ExecutionsFailed', 'AWS/States')).toHaveLength(1);
    expect(alarmOn('ExecutionsTimedOut', 'AWS/States')).toHaveLength(1);
    for (const metric of ['Errors', 'Throttles']) {
      const [alarm] = alarmOn(metric, 'AWS/Lambda');
      expect(JSON.stringify(alarm?.Dimensions), metric).toContain(step);
    }
    const [model] = alarmOn('InvocationThrottles', 'AWS/Bedrock');
    expect(model?.Dimensions).toEqual([
      { Name: 'ModelId', Value: 'anthropic.claude-3-5-haiku-20241022-v1:0' },
    ]);
  });
});

describe('the redrive function', () => {
  const role = roleOf(template, 'redrive');
  const statements = statementsOfRole(template, role);

  it('reads and deletes from the dead-letter queues, sends to ingress, and invokes only inbound-email', () => {
    const consumed = statements.filter((statement) => actionsOf(statement).includes('sqs:DeleteMessage'));
    const consumedIds = consumed.map((statement) => JSON.stringify(statement.Resource));
    expect(consumedIds.some((resource) => resource.includes(ingressDeadLettersId()))).toBe(true);
    expect(consumedIds.some((resource) => resource.includes(inboundQueueId()))).toBe(true);
    const invokes = statements.filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
    expect(invokes.map((statement) => JSON.stringify(statement.Resource)).join()).toContain(
      functionId(template, 'inbound-email'),
    );
    const everything = statements.flatMap(actionsOf);
    expect(everything.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    expect(everything.filter((action) => action.startsWith('s3:'))).toEqual([]);
    expect(everything.filter((action) => action.startsWith('states:'))).toEqual([]);
  });

  it('knows each queue and where its messages go back to', () => {
    const variables = resources[functionId(template, 'redrive')]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    const text = JSON.stringify(variables.Variables.DEAD_LETTER_QUEUES);
    expect(text).toContain(ingressDeadLettersId());
    expect(text).toContain(inboundQueueId());
    expect(text).toContain(functionId(template, 'inbound-email'));
    expect(variables.Variables.THREAD_TABLE_NAME).toBeUndefined();
  });
});
