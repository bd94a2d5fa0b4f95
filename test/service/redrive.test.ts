import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsDeadLetterQueue, sqsQueueReplay } from '../../lib/adapters/sqs-dead-letters.ts';
import { LocalSqs } from '../../lib/local/local-sqs.ts';
import { type SqsEndpoint, startSqsEndpoint } from '../../lib/local/sqs-endpoint.ts';
import { type Replay, redrive } from '../../lib/service/redrive.ts';

let sqs: LocalSqs;
let endpoint: SqsEndpoint;
let client: SQSClient;

beforeAll(async () => {
  sqs = new LocalSqs([
    { name: 'source.fifo', fifo: true, visibilityTimeoutSeconds: 30 },
    { name: 'dead.fifo', fifo: true, visibilityTimeoutSeconds: 30 },
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

describe('redrive', () => {
  it('sends each letter back in its group, removes it only once sent, and keeps the ones that fail', async () => {
    // The original went out under this deduplication id moments ago: SQS would drop a second send
    // with it for five minutes, so the replay must not reuse it.
    sqs.send('source.fifo', { body: '{"key":"k1"}', groupId: 'th_1', deduplicationId: 'k1' });
    const original = sqs.receive('source.fifo', { maxMessages: 1 })[0];
    if (original?.receiptHandle) sqs.delete('source.fifo', original.receiptHandle);
    sqs.send('dead.fifo', { body: '{"key":"k1"}', groupId: 'th_1', deduplicationId: 'k1' });
    sqs.send('dead.fifo', { body: 'poison', groupId: 'th_2', deduplicationId: 'p' });
    sqs.send('dead.fifo', { body: '{"key":"k3"}', groupId: 'th_3', deduplicationId: 'k3' });

    const send = sqsQueueReplay(`${endpoint.endpoint}/000000000000/source.fifo`, client);
    const replay: Replay = async (letter) => {
      if (letter.body === 'poison') throw new Error('the source refuses it');
      await send(letter);
    };
    const queue = new SqsDeadLetterQueue('ingress', `${endpoint.endpoint}/000000000000/dead.fifo`, client);
    const [result] = await redrive([{ queue, replay }]);

    expect(result?.queue).toBe('ingress');
    expect(result?.moved).toBe(2);
    expect(result?.failed).toEqual([{ id: expect.any(String), error: 'the source refuses it' }]);
    const back = sqs.peek('source.fifo');
    expect(back.map((message) => [message.body, message.groupId])).toEqual([
      ['{"key":"k1"}', 'th_1'],
      ['{"key":"k3"}', 'th_3'],
    ]);
    expect(back.every((message) => message.deduplicationId?.startsWith('redrive:'))).toBe(true);
    // The one that failed is still there, hidden for a while, and not lost.
    expect(sqs.peek('dead.fifo').map((message) => message.body)).toEqual(['poison']);
  });

  it('stops at its limit', async () => {
    for (let index = 0; index < 5; index += 1) {
      sqs.send('dead.fifo', { body: `m${index}`, groupId: `g${index}`, deduplicationId: `limit-${index}` });
    }
    const queue = new SqsDeadLetterQueue('ingress', `${endpoint.endpoint}/000000000000/dead.fifo`, client);
    const [result] = await redrive([{ queue, replay: async () => {} }], { limit: 3 });
    expect(result?.moved).toBe(3);
  });
});
