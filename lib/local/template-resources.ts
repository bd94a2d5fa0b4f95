import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';

/**
 * The resources of a synthesized template that the local stack stands in for, read from the
 * template itself: what the stack deploys is what runs here.
 */

const GetAtt = z.object({ 'Fn::GetAtt': z.tuple([z.string(), z.string()]) });
const Ref = z.object({ Ref: z.string() });

const KeySchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }));
// A TableV2 is an `AWS::DynamoDB::GlobalTable`: its properties are CreateTable's, but for the
// replicas (one here: this region) and the TTL setting, which CreateTable does not take.
const TableSchema = z.object({
  Type: z.literal('AWS::DynamoDB::GlobalTable'),
  Properties: z.looseObject({
    AttributeDefinitions: z.array(
      z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) }),
    ),
    KeySchema,
    GlobalSecondaryIndexes: z
      .array(
        z.object({
          IndexName: z.string(),
          KeySchema,
          Projection: z.object({ ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']) }),
        }),
      )
      .optional(),
    Replicas: z.array(z.unknown()).optional(),
    TimeToLiveSpecification: z.unknown().optional(),
  }),
});

const QueueSchema = z.object({
  Type: z.literal('AWS::SQS::Queue'),
  Properties: z
    .object({
      FifoQueue: z.boolean().optional(),
      ContentBasedDeduplication: z.boolean().optional(),
      VisibilityTimeout: z.number().optional(),
      RedrivePolicy: z.object({ deadLetterTargetArn: GetAtt, maxReceiveCount: z.number() }).optional(),
    })
    .default({}),
});

const EventSourceMappingSchema = z.object({
  Type: z.literal('AWS::Lambda::EventSourceMapping'),
  Properties: z.object({
    EventSourceArn: GetAtt,
    FunctionName: Ref,
    BatchSize: z.number().optional(),
    FunctionResponseTypes: z.array(z.string()).optional(),
  }),
});

const ScheduleSchema = z.object({
  Type: z.literal('AWS::Scheduler::Schedule'),
  Metadata: z.record(z.string(), z.unknown()).optional(),
  Properties: z.object({
    Name: z.string().optional(),
    ScheduleExpression: z.string(),
    ScheduleExpressionTimezone: z.string().optional(),
    State: z.string().optional(),
    Target: z.object({
      Arn: GetAtt,
      Input: z.string(),
      SqsParameters: z.object({ MessageGroupId: z.string() }).optional(),
    }),
  }),
});

const ReceiptRuleSchema = z.object({
  Type: z.literal('AWS::SES::ReceiptRule'),
  Properties: z.object({
    Rule: z.object({
      Recipients: z.array(z.string()).optional(),
      Actions: z.array(
        z.object({
          S3Action: z.object({ BucketName: Ref, ObjectKeyPrefix: z.string().optional() }).optional(),
          LambdaAction: z.object({ FunctionArn: GetAtt }).optional(),
        }),
      ),
    }),
  }),
});

const ResourcesSchema = z.object({
  Resources: z.record(z.string(), z.looseObject({ Type: z.string(), Properties: z.unknown().optional() })),
});

export interface LocalQueue {
  /** The logical id: the queue's name here, with `.fifo` for a FIFO queue. */
  name: string;
  logicalId: string;
  fifo: boolean;
  contentBasedDeduplication: boolean;
  visibilityTimeoutSeconds: number;
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

export interface TemplateResources {
  /** Tables to create, named by their logical ids (the functions' environment names them so). */
  tables: CreateTableCommandInput[];
  buckets: string[];
  queues: LocalQueue[];
  eventSources: { queue: string; functionLogicalId: string; batchSize: number; reportFailures: boolean }[];
  schedules: {
    name: string;
    expression: string;
    timezone?: string;
    enabled: boolean;
    queue: string;
    input: string;
    /** The FIFO message group the target sends with. */
    groupId?: string;
  }[];
  receiptRules: { recipients: string[]; bucket?: string; prefix: string; functionLogicalId?: string }[];
  /** How Lambda handles each asynchronously invoked function's failures: retries, then a queue. */
  asyncInvocations: { functionLogicalId: string; retryAttempts: number; onFailureQueue?: string }[];
}

const EventInvokeConfigSchema = z.object({
  Properties: z.object({
    FunctionName: Ref,
    MaximumRetryAttempts: z.number().int().min(0).max(2).optional(),
    DestinationConfig: z.object({ OnFailure: z.object({ Destination: GetAtt }).optional() }).optional(),
  }),
});

export const readTemplateResources = (template: unknown): TemplateResources => {
  const { Resources: resources } = ResourcesSchema.parse(template);
  const of = <T>(schema: z.ZodType<T>, type: string): [string, T][] =>
    Object.entries(resources)
      .filter(([, resource]) => resource.Type === type)
      .map(([id, resource]) => [id, schema.parse(resource)]);

  const queues = of(QueueSchema, 'AWS::SQS::Queue').map(([id, queue]): LocalQueue => {
    const fifo = queue.Properties.FifoQueue ?? false;
    const redrive = queue.Properties.RedrivePolicy;
    return {
      logicalId: id,
      name: fifo ? `${id}.fifo` : id,
      fifo,
      contentBasedDeduplication: queue.Properties.ContentBasedDeduplication ?? false,
      visibilityTimeoutSeconds: queue.Properties.VisibilityTimeout ?? 30,
      ...(redrive
        ? {
            redrive: {
              deadLetterQueue: redrive.deadLetterTargetArn['Fn::GetAtt'][0],
              maxReceiveCount: redrive.maxReceiveCount,
            },
          }
        : {}),
    };
  });
  const queueName = (logicalId: string): string =>
    queues.find((queue) => queue.logicalId === logicalId)?.name ?? logicalId;
  for (const queue of queues) {
    if (queue.redrive) queue.redrive.deadLetterQueue = queueName(queue.redrive.deadLetterQueue);
  }

  return {
    tables: of(TableSchema, 'AWS::DynamoDB::GlobalTable').map(([id, table]) => {
      const { Replicas: _replicas, TimeToLiveSpecification: _ttl, ...create } = table.Properties;
      // The table's capacity mode comes across as the template gives it.
      return { ...create, TableName: id } as CreateTableCommandInput;
    }),
    buckets: Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::S3::Bucket')
      .map(([id]) => id),
    queues,
    eventSources: of(EventSourceMappingSchema, 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => ({
      queue: queueName(mapping.Properties.EventSourceArn['Fn::GetAtt'][0]),
      functionLogicalId: mapping.Properties.FunctionName.Ref,
      batchSize: mapping.Properties.BatchSize ?? 10,
      reportFailures: (mapping.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    })),
    schedules: of(ScheduleSchema, 'AWS::Scheduler::Schedule').map(([id, schedule]) => ({
      name: z
        .string()
        .catch(schedule.Properties.Name ?? id)
        .parse(schedule.Metadata?.['threadline:schedule']),
      expression: schedule.Properties.ScheduleExpression,
      ...(schedule.Properties.ScheduleExpressionTimezone
        ? { timezone: schedule.Properties.ScheduleExpressionTimezone }
        : {}),
      enabled: (schedule.Properties.State ?? 'ENABLED') === 'ENABLED',
      queue: queueName(schedule.Properties.Target.Arn['Fn::GetAtt'][0]),
      input: schedule.Properties.Target.Input,
      ...(schedule.Properties.Target.SqsParameters
        ? { groupId: schedule.Properties.Target.SqsParameters.MessageGroupId }
        : {}),
    })),
    receiptRules: of(ReceiptRuleSchema, 'AWS::SES::ReceiptRule').map(([, rule]) => {
      const s3 = rule.Properties.Rule.Actions.find((action) => action.S3Action)?.S3Action;
      const lambda = rule.Properties.Rule.Actions.find((action) => action.LambdaAction)?.LambdaAction;
      return {
        recipients: rule.Properties.Rule.Recipients ?? [],
        ...(s3 ? { bucket: s3.BucketName.Ref } : {}),
        prefix: s3?.ObjectKeyPrefix ?? '',
        ...(lambda ? { functionLogicalId: lambda.FunctionArn['Fn::GetAtt'][0] } : {}),
      };
    }),
    asyncInvocations: of(EventInvokeConfigSchema, 'AWS::Lambda::EventInvokeConfig').map(([, config]) => {
      const destination = config.Properties.DestinationConfig?.OnFailure?.Destination['Fn::GetAtt'][0];
      return {
        functionLogicalId: config.Properties.FunctionName.Ref,
        // Lambda's default when the config leaves it out.
        retryAttempts: config.Properties.MaximumRetryAttempts ?? 2,
        ...(destination === undefined ? {} : { onFailureQueue: queueName(destination) }),
      };
    }),
  };
};
