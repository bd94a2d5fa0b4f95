import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { THREAD_TABLE } from '../../lib/adapters/thread-table.ts';
import { MAX_RECEIVE_COUNT } from '../../lib/infra/ingress-queue.ts';
import { readAgentManifest } from '../../lib/infra/tool-manifest.ts';
import { FULL_CONTEXT, functionId, resourcesOf, synthesize } from './synth.ts';

const { template } = synthesize(FULL_CONTEXT);
const resources = resourcesOf(template);

const idOf = (type: string, properties: Record<string, unknown>): string => {
  const ids = Object.keys(template.findResources(type, { Properties: properties }));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching, found ${ids.length}`);
  return ids[0] as string;
};

describe('the threads table', () => {
  it('is on-demand with point-in-time recovery and the TTL attribute of THREAD_TABLE', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: THREAD_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: THREAD_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
      TimeToLiveSpecification: { AttributeName: THREAD_TABLE.timeToLiveAttribute, Enabled: true },
    });
  });

  it('has exactly the sparse listing indexes THREAD_TABLE names', () => {
    const indexes = Object.entries(THREAD_TABLE.indexes).map(([IndexName, index]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: Match.arrayWith([{ AttributeName: THREAD_TABLE.partitionKey, KeyType: 'HASH' }]),
      GlobalSecondaryIndexes: indexes,
    });
  });
});

describe('the tables agents declare', () => {
  it('are one per declaration, keyed as declared, on-demand, deletion-protected, with point-in-time recovery', () => {
    const declared = readAgentManifest().resources ?? [];
    expect(declared.map(({ agent, name }) => `${agent}/${name}`)).toEqual(['billing/ledger']);
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    expect(Object.keys(tables)).toHaveLength(1 + declared.length);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'idempotencyKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [
        Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    });
  });
});

describe('the payload bucket', () => {
  const bucketId = idOf('AWS::S3::Bucket', { LoggingConfiguration: Match.anyValue() });

  it('is encrypted, private, logs access to another bucket and expires raw mail', () => {
    const bucket = resourcesOf(template)[bucketId]?.Properties;
    expect(bucket).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.not.stringMatching(bucketId) } },
      LifecycleConfiguration: {
        Rules: [
          { Prefix: 'mail/', ExpirationInDays: 90, Status: 'Enabled' },
          { AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
        ],
      },
    });
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('the ingress queue', () => {
  const deadLetters = idOf('AWS::SQS::Queue', { FifoQueue: true, ContentBasedDeduplication: Match.absent() });
  const queue = idOf('AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });

  it('is FIFO with per-group deduplication and throughput, SSE, and a FIFO dead-letter queue after 5 receives', () => {
    expect(resourcesOf(template)[queue]?.Properties).toMatchObject({
      FifoQueue: true,
      // Scheduler cannot set a deduplication id; producers that do still win over the body hash.
      ContentBasedDeduplication: true,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] },
        maxReceiveCount: MAX_RECEIVE_COUNT,
      },
    });
    expect(resourcesOf(template)[deadLetters]?.Properties).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
    });
  });

  it('alarms as soon as one message is dead-lettered', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetters, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
    });
  });

  it('refuses requests without TLS, on both queues', () => {
    for (const id of [queue, deadLetters]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ],
        },
      });
    }
  });

  it('feeds the ingest function ten at a time, reporting failures per message', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: functionId(template, 'ingest') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});
const functions = Object.entries(resources).filter(
  ([, resource]) => resource.Type === 'AWS::Lambda::Function',
);
const propertiesOf = (name: string) => resources[functionId(template, name)]?.Properties ?? {};
const environmentOf = (name: string): Record<string, unknown> =>
  (propertiesOf(name).Environment as { Variables: Record<string, unknown> }).Variables;

describe('the functions', () => {
  it('are one per handler and one per tool, each naming its entry file', () => {
    const entries = functions.map(([, resource]) => [
      resource.Metadata?.['threadline:function'],
      resource.Metadata?.['threadline:entry'],
    ]);
    const tools = readAgentManifest().tools.map((tool) => [`tool-${tool.name}`, 'lambdas/tool.ts']);
    expect(entries.sort()).toEqual(
      [
        ['api', 'lambdas/api.ts'],
        ['ingest', 'lambdas/ingest.ts'],
        ['step', 'lambdas/step.ts'],
        ['await-human', 'lambdas/await-human.ts'],
        ['expire', 'lambdas/expire.ts'],
        ['start-child', 'lambdas/start-child.ts'],
        ['notify', 'lambdas/notify.ts'],
        ['on-failure', 'lambdas/on-failure.ts'],
        ['redrive', 'lambdas/redrive.ts'],
        ['inbound-email', 'lambdas/inbound-email.ts'],
        ...tools,
      ].sort(),
    );
  });

  it('run on arm64 and Node 24 with active tracing, source maps and a log group of their own', () => {
    for (const [, resource] of functions) {
      expect(resource.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'threadline' },
        },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
  });

  it('give the step two minutes for up to three model calls, and tools thirty seconds', () => {
    expect(propertiesOf('step').Timeout).toBe(120);
    expect(propertiesOf('tool-lookup_customer').Timeout).toBe(30);
    expect(propertiesOf('tool-create_payment_link').Timeout).toBe(30);
    for (const [, resource] of functions) expect(resource.Properties?.Timeout).toBeLessThanOrEqual(120);
  });

  it('run each tool with its name in TOOL_NAME, and only create_payment_link knows the ledger table', () => {
    const ledger = 'THREADLINE_TABLE_BILLING_LEDGER';
    expect(environmentOf('tool-lookup_customer').TOOL_NAME).toBe('lookup_customer');
    expect(environmentOf('tool-create_payment_link')).toMatchObject({
      TOOL_NAME: 'create_payment_link',
      [ledger]: { Ref: expect.stringMatching(/AgentTablesBillingLedger/) },
    });
    const knowing = [...functions].filter(([, resource]) =>
      JSON.stringify(resource.Properties?.Environment ?? {}).includes(ledger),
    );
    expect(knowing.map(([id]) => id)).toEqual([functionId(template, 'tool-create_payment_link')]);
  });

  it('tell the step the Bedrock model and the others where the loop and the queue are', () => {
    expect(environmentOf('step')).toMatchObject({
      THREADLINE_MODEL: 'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0',
      THREAD_TABLE_NAME: { Ref: expect.stringMatching(/^ThreadsTable/) },
      PAYLOAD_BUCKET_NAME: { Ref: expect.stringMatching(/^PayloadsBucket/) },
    });
    for (const name of ['ingest', 'start-child', 'notify', 'on-failure', 'api']) {
      expect(JSON.stringify(environmentOf(name).STATE_MACHINE_ARN)).toContain(
        ':stateMachine:Threadline-agent-loop',
      );
    }
    expect(environmentOf('inbound-email')).toMatchObject({
      INBOUND_DOMAIN: 'agents.example.com',
      INBOUND_MAIL_PREFIX: 'mail/',
      INBOUND_AGENTS: '{"billing@agents.example.com":"billing"}',
    });
    for (const name of ['api', 'inbound-email']) {
      expect(environmentOf(name).INGRESS_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^IngressQueue/) });
    }
    expect(environmentOf('await-human')).toMatchObject({
      APPROVAL_TIMEOUT_SECONDS: '86400',
      SENDER_EMAIL: 'agent@example.com',
      APPROVER_EMAILS: 'ops@example.com,finance@example.com',
      APPROVAL_BASE_URL: { 'Fn::Join': ['', expect.arrayContaining(['/approvals/'])] },
    });
  });
});

describe('the agent loop’s state machines', () => {
  const machines = Object.values(resourcesOf(synthesize().template)).filter(
    (resource) => resource.Type === 'AWS::StepFunctions::StateMachine',
  );
  const ofType = (type: string) =>
    machines.filter((machine) => machine.Properties?.StateMachineType === type);

  it('are one Standard turn logging every event and one Express iterations logging errors, both traced, neither logging data', () => {
    expect(machines).toHaveLength(2);
    const [turn] = ofType('STANDARD');
    const [iterations] = ofType('EXPRESS');
    expect(turn?.Properties).toMatchObject({
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    expect(iterations?.Properties).toMatchObject({
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
  });
});
