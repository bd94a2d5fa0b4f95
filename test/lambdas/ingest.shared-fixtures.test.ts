import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createHandler } from '../../lambdas/ingest.ts';
import { scheduledMessage } from '../../lib/infra/schedules.ts';
import { LocalScheduler } from '../../lib/local/local-scheduler.ts';
import { type LocalThreadStores, startLocalThreadStores } from '../support/local-thread-stores.ts';
import {
  hasSharedFixtures,
  readSharedFixture,
  readSharedJson,
  sharedFixtureNames,
} from '../support/shared-fixtures.ts';
import { createHandlerHarness, sqsEvent, sqsRecord } from './support.ts';

/** EventBridge's envelope, as much of it as these tests read. */
const ScheduledEventSchema = z.object({
  'detail-type': z.literal('Scheduled Event'),
  source: z.enum(['aws.scheduler', 'aws.events']),
  time: z.iso.datetime(),
});

/** A published SQS event, checked against Powertools' schema of Lambda's SQS event. */
const isSqsEvent = (event: unknown): event is SQSEvent => SqsSchema.safeParse(event).success;

const sqsFixture = (name: string): SQSEvent => {
  const event = readSharedJson('sqs', name);
  if (!isSqsEvent(event)) throw new Error(`sqs/${name} is not an SQS event as Lambda delivers one`);
  return event;
};

let local: LocalThreadStores;

beforeAll(async () => {
  if (hasSharedFixtures) local = await startLocalThreadStores();
});

afterAll(async () => {
  await local?.stop();
});

/** The ingest handler on a fresh DynamoDB table in dynalite; the other deps are the use cases' fakes. */
const setup = async () => {
  const harness = createHandlerHarness();
  const { store } = await local.newStore();
  const handler = createHandler({ ...harness.handlerDeps, service: { ...harness.deps, store } });
  return { handler, store, orchestrator: harness.orchestrator };
};

describe.skipIf(!hasSharedFixtures)('the ingest handler on SQS events as AWS publishes them', () => {
  it.each(sharedFixtureNames('sqs', '.json'))(
    'reports every record of %s as a batch item failure, since no body is an ingress message',
    async (name) => {
      const { handler, store, orchestrator } = await setup();
      const event = sqsFixture(name);

      const response = await handler(event);

      expect(response).toEqual({
        batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
      });
      expect((await store.list()).threads).toEqual([]);
      expect(orchestrator.calls).toEqual([]);
    },
  );

  it.each(sharedFixtureNames('sqs', '.json'))(
    'appends each record of %s to its thread once its body is an ingress message',
    async (name) => {
      const { handler, store, orchestrator } = await setup();
      const published = sqsFixture(name);
      const event: SQSEvent = {
        Records: published.Records.map((record, index) => ({
          ...record,
          body: JSON.stringify({
            kind: 'start',
            agent: 'refunds',
            threadId: `th-${index + 1}`,
            text: `Refund INV-100${index + 1}`,
            channel: 'api',
            key: `sqs:${record.messageId}`,
          }),
        })),
      };

      const response = await handler(event);

      expect(response).toEqual({ batchItemFailures: [] });
      for (const [index, record] of published.Records.entries()) {
        const thread = await store.load(`th-${index + 1}`);
        expect(thread.agent).toBe('refunds');
        expect(thread.events.map(({ seq, type, key, data }) => ({ seq, type, key, data }))).toEqual([
          {
            seq: 1,
            type: 'user-message',
            key: `sqs:${record.messageId}`,
            data: { text: `Refund INV-100${index + 1}`, channel: 'api', untrusted: false },
          },
        ]);
      }
      expect(orchestrator.calls).toEqual(
        published.Records.map((_record, index) => ({
          method: 'startTurn',
          threadId: `th-${index + 1}`,
          seq: 1,
        })),
      );
    },
  );
});

describe.skipIf(!hasSharedFixtures)('the ingest handler on schedule firings', () => {
  const SCHEDULE = {
    name: 'morning-digest',
    agent: 'refunds',
    cron: 'cron(0 9 * * ? *)',
    message: 'Send the digest',
  };

  it.each(sharedFixtureNames('scheduler', '.json'))(
    "reports %s as a batch item failure when a schedule delivers EventBridge's own payload instead of its input",
    async (name) => {
      const { handler, store, orchestrator } = await setup();
      const body = readSharedFixture('scheduler', name).toString('utf-8');

      const response = await handler(sqsEvent(sqsRecord('m-1', body, `schedule-${SCHEDULE.name}`)));

      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
      expect((await store.list()).threads).toEqual([]);
      expect(orchestrator.calls).toEqual([]);
    },
  );

  it.each(sharedFixtureNames('scheduler', '.json'))(
    'starts one thread for a firing at the scheduled time of %s, and only one when it is delivered twice',
    async (name) => {
      const { handler, store, orchestrator } = await setup();
      const { time } = ScheduledEventSchema.parse(readSharedJson('scheduler', name));
      const responses: unknown[] = [];
      const scheduler = new LocalScheduler(
        [
          {
            name: SCHEDULE.name,
            expression: SCHEDULE.cron,
            input: JSON.stringify(scheduledMessage(SCHEDULE)),
            target: async (input) => {
              const record = sqsRecord(`m-${responses.length + 1}`, input, `schedule-${SCHEDULE.name}`);
              responses.push(await handler(sqsEvent(record)));
            },
          },
        ],
        { now: () => new Date(time) },
      );

      await scheduler.fire(SCHEDULE.name);
      await scheduler.fire(SCHEDULE.name);

      const firing = time.replace('.000Z', 'Z');
      const thread = await store.load(`sched-${SCHEDULE.name}-${firing.replace(/[^\w-]/g, '-')}`);
      expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      expect(thread.agent).toBe('refunds');
      expect(thread.events.map(({ seq, type, key, data }) => ({ seq, type, key, data }))).toEqual([
        {
          seq: 1,
          type: 'user-message',
          key: `schedule:${SCHEDULE.name}:${firing}`,
          data: { text: 'Send the digest', channel: 'schedule', untrusted: false },
        },
      ]);
      expect(orchestrator.calls).toEqual([
        { method: 'startTurn', threadId: thread.id, seq: 1 },
        { method: 'startTurn', threadId: thread.id, seq: 1 },
      ]);
    },
  );
});
