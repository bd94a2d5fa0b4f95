import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  MessageNotInflight,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsIngressQueue } from '../../lib/adapters/sqs-ingress-queue.ts';
import { LocalSqs } from '../../lib/local/local-sqs.ts';
import { type SqsEndpoint, startSqsEndpoint } from '../../lib/local/sqs-endpoint.ts';

let sqs: LocalSqs;
let endpoint: SqsEndpoint;
let client: SQSClient;

beforeAll(async () => {
  sqs = new LocalSqs([
    { name: 'ingress.fifo', fifo: true, visibilityTimeoutSeconds: 30 },
    { name: 'work', visibilityTimeoutSeconds: 30 },
    { name: 'attributes' },
    { name: 'slow' },
    { name: 'handlers' },
  ]);
  endpoint = await startSqsEndpoint(sqs);
  client = new SQSClient({
    endpoint: endpoint.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await endpoint.close();
});

describe('the local SQS endpoint, driven by the stock SDK client', () => {
  it('returns queue URLs on its own origin', async () => {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'ingress.fifo' }));
    expect(QueueUrl).toBe(`${endpoint.endpoint}/000000000000/ingress.fifo`);
    expect(endpoint.queueUrl('work')).toBe(`${endpoint.endpoint}/000000000000/work`);
  });

  it('reaches a client configured only by AWS_ENDPOINT_URL_SQS, as handlers are', async () => {
    process.env.AWS_ENDPOINT_URL_SQS = endpoint.endpoint;
    const handlerClient = new SQSClient({
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const sent = await handlerClient.send(
        new SendMessageCommand({ QueueUrl: endpoint.queueUrl('handlers'), MessageBody: 'from a handler' }),
      );
      expect(sqs.peek('handlers').map((message) => message.messageId)).toContain(sent.MessageId);
    } finally {
      handlerClient.destroy();
      delete process.env.AWS_ENDPOINT_URL_SQS;
    }
  });

  it('takes what the ingress queue adapter sends, which checks the body’s MD5', async () => {
    const queue = new SqsIngressQueue({ queueUrl: endpoint.queueUrl('ingress.fifo'), client });
    const message = {
      kind: 'message' as const,
      threadId: 't-1',
      text: 'hello',
      key: 'k-1',
      channel: 'api' as const,
      untrusted: false,
    };
    await queue.send(message);
    await queue.send(message);
    const stored = sqs.peek('ingress.fifo');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ groupId: 't-1', deduplicationId: 'k-1' });
    expect(JSON.parse(stored[0]?.body ?? '')).toMatchObject({ threadId: 't-1', key: 'k-1' });
  });

  it('sends batches with each entry’s MD5 and reports failed entries apart', async () => {
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: endpoint.queueUrl('ingress.fifo'),
        Entries: [
          { Id: 'a', MessageBody: 'first', MessageGroupId: 'g', MessageDeduplicationId: 'batch-a' },
          { Id: 'b', MessageBody: 'second', MessageDeduplicationId: 'batch-b' },
        ],
      }),
    );
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['a']);
    expect(result.Successful?.[0]?.SequenceNumber).toMatch(/^\d{20}$/);
    expect(result.Failed).toEqual([
      {
        Id: 'b',
        SenderFault: true,
        Code: 'MissingParameter',
        Message: 'The request must contain the parameter MessageGroupId.',
      },
    ]);
  });

  it('returns MD5OfMessageAttributes as SQS computes it', async () => {
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: endpoint.queueUrl('attributes'),
        MessageBody: 'with attributes',
        MessageAttributes: { SellerName: { DataType: 'String', StringValue: 'Example Store' } },
      }),
    );
    // The value AWS documents for this attribute.
    expect(sent.MD5OfMessageAttributes).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: endpoint.queueUrl('attributes'),
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    expect(received.Messages?.[0]).toMatchObject({
      Body: 'with attributes',
      Attributes: { ApproximateReceiveCount: '1' },
      MessageAttributes: { SellerName: { DataType: 'String', StringValue: 'Example Store' } },
      MD5OfMessageAttributes: 'cd28f3b68aeee4b2eac9c66f2f694b58',
    });
  });

  it('receives, hides, releases and deletes messages', async () => {
    const QueueUrl = endpoint.queueUrl('work');
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'job' }));
    const first = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const handle = first.Messages?.[0]?.ReceiptHandle ?? '';
    expect(first.Messages?.map((message) => message.Body)).toEqual(['job']);
    expect((await client.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
    await client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
    const again = await client.send(new ReceiveMessageCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    await client.send(
      new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle }),
    );
    const attributes = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'QueueArn'],
      }),
    );
    expect(attributes.Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      QueueArn: 'arn:aws:sqs:local:000000000000:work',
    });
    await expect(
      client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 5 }),
      ),
    ).rejects.toBeInstanceOf(MessageNotInflight);
  });

  it('waits for a message when asked to long-poll', async () => {
    const QueueUrl = endpoint.queueUrl('slow');
    const receiving = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    sqs.send('slow', { body: 'late' });
    expect((await receiving).Messages?.map((message) => message.Body)).toEqual(['late']);
  });

  it('answers with the service’s own error types', async () => {
    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: endpoint.queueUrl('work'), MessageBody: '' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const response = await fetch(endpoint.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' },
      body: '{"QueueUrl": 7}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'InvalidParameterValue' });
  });
});
