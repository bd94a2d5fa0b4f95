import { describe, expect, it } from 'vitest';
import { IngressMessageSchema } from '../../lib/adapters/ingress-message.ts';
import { FULL_CONTEXT, functionId, resourcesOf, synthesize } from './synth.ts';

const { template } = synthesize(FULL_CONTEXT);
const resources = resourcesOf(template);
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const queueId = Object.keys(
  template.findResources('AWS::SQS::Queue', { Properties: { RedrivePolicy: {} } }),
)[0];

/** `/threads/{id}/messages` for an API Gateway resource, walking up its parents. */
const pathOf = (resourceId: unknown): string => {
  const id = (resourceId as { Ref?: string }).Ref;
  const resource = id === undefined ? undefined : resources[id];
  if (!resource) return '';
  return `${pathOf(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
};

describe('the API', () => {
  const routes = ofType('AWS::ApiGateway::Method').map(([, method]) => ({
    route: `${String(method.Properties?.HttpMethod)} ${pathOf(method.Properties?.ResourceId)}`,
    authorization: method.Properties?.AuthorizationType,
  }));

  it('signs thread routes with IAM and leaves the signed approval links without an authorizer', () => {
    expect(routes.sort((a, b) => a.route.localeCompare(b.route))).toEqual([
      { route: 'GET /approvals/{id}', authorization: 'NONE' },
      { route: 'GET /threads', authorization: 'AWS_IAM' },
      { route: 'GET /threads/{id}', authorization: 'AWS_IAM' },
      { route: 'POST /approvals/{id}', authorization: 'NONE' },
      { route: 'POST /operations/redrive', authorization: 'AWS_IAM' },
      { route: 'POST /threads', authorization: 'AWS_IAM' },
      { route: 'POST /threads/{id}/cancel', authorization: 'AWS_IAM' },
      { route: 'POST /threads/{id}/messages', authorization: 'AWS_IAM' },
      { route: 'POST /threads/{id}/pause', authorization: 'AWS_IAM' },
      { route: 'POST /threads/{id}/resume', authorization: 'AWS_IAM' },
    ]);
  });

  it('proxies every route to the api function, and the operations route to the redrive function', () => {
    const api = functionId(template, 'api');
    const redrive = functionId(template, 'redrive');
    for (const [, method] of ofType('AWS::ApiGateway::Method')) {
      expect(method.Properties?.Integration).toMatchObject({
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
      });
      const operations = pathOf(method.Properties?.ResourceId).startsWith('/operations/');
      expect(JSON.stringify(method.Properties?.Integration)).toContain(operations ? redrive : api);
      expect(JSON.stringify(method.Properties?.Integration)).not.toContain(operations ? api : redrive);
    }
  });

  it('logs access as JSON, traces, and throttles the stage', () => {
    const [[, stage] = ['', {}]] = ofType('AWS::ApiGateway::Stage');
    expect(stage.Properties).toMatchObject({
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] },
      },
      TracingEnabled: true,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
          MetricsEnabled: true,
        },
      ],
    });
  });
});

describe('the schedules', () => {
  const [schedule] = ofType('AWS::Scheduler::Schedule');
  const target = schedule?.[1].Properties?.Target as {
    Arn: unknown;
    RoleArn: { 'Fn::GetAtt': [string, string] };
    Input: string;
    SqsParameters: unknown;
  };

  it('send a start message for the schedule’s agent to the ingress queue, one group per schedule', () => {
    expect(schedule?.[1].Properties).toMatchObject({
      ScheduleExpression: 'cron(0 9 L * ? *)',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    expect(target.SqsParameters).toEqual({ MessageGroupId: 'schedule-month-end' });
    expect(JSON.parse(target.Input)).toEqual({
      kind: 'start',
      threadId: 'sched-month-end-<aws.scheduler.scheduled-time>',
      agent: 'billing',
      text: 'Send the month-end payment links.',
      channel: 'schedule',
      key: 'schedule:month-end:<aws.scheduler.scheduled-time>',
    });
  });

  // Scheduler fills in `2026-11-30T09:00:00Z`; the ingress schema turns the id into [\w-] form.
  it('send a body the ingress schema accepts once the firing time is filled in', () => {
    const fired = target.Input.replaceAll('<aws.scheduler.scheduled-time>', '2026-11-30T09:00:00Z');
    expect(IngressMessageSchema.safeParse(JSON.parse(fired)).success).toBe(true);
  });
});

describe('inbound mail', () => {
  const [rule] = ofType('AWS::SES::ReceiptRule');
  const bucketId = Object.keys(
    template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: {} } }),
  )[0];

  it('stores the raw mail under mail/ before it invokes the inbound-email function asynchronously', () => {
    expect(rule?.[1].Properties?.Rule).toMatchObject({
      Enabled: true,
      Recipients: ['agents.example.com'],
      ScanEnabled: true,
      TlsPolicy: 'Require',
      Actions: [
        { S3Action: { BucketName: { Ref: bucketId }, ObjectKeyPrefix: 'mail/' } },
        {
          LambdaAction: {
            FunctionArn: { 'Fn::GetAtt': [functionId(template, 'inbound-email'), 'Arn'] },
            InvocationType: 'Event',
          },
        },
      ],
    });
  });

  it('lets SES write only under mail/, only for this account', () => {
    const policies = ofType('AWS::S3::BucketPolicy').map(([, policy]) => policy.Properties);
    expect(policies).toContainEqual({
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: expect.arrayContaining([
          {
            Action: 's3:PutObject',
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/mail/*']] },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
        Version: '2012-10-17',
      },
    });
  });
});
