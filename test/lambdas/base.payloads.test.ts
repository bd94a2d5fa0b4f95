import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBase } from '../../lambdas/base.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { filler, NewEvents } from '../support/new-events.ts';
import { type LocalS3, startS3StandIn } from '../support/s3-stand-in.ts';

let dynamo: LocalDynamo;
let s3: LocalS3;
let tableName: string;
beforeAll(async () => {
  [dynamo, s3] = await Promise.all([startDynalite(), startS3StandIn()]);
  tableName = await dynamo.createThreadTable();
  // The functions' own SDK clients find the stand-ins the way they find AWS: from the environment.
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([dynamo.stop(), s3.stop()]);
});

describe("every function's thread store", () => {
  it('keeps small event data in the table and never makes its S3 payload store', async () => {
    const base = createBase(silentTelemetry(), {
      THREAD_TABLE_NAME: tableName,
      PAYLOAD_BUCKET_NAME: 'payloads',
    });
    const make = new NewEvents();
    await base.store().create({ threadId: 'small-1', agent: 'billing', at: make.clock.now() });

    await base.store().append('small-1', [make.toolResult('call-1', 'lookup_customer', { name: 'Terri' })]);

    expect((await base.store().load('small-1')).events).toHaveLength(1);
    expect(s3.objects.size).toBe(0);
  });

  it('puts data over the limit in the payload bucket through S3, imported on first use, and reads it back', async () => {
    const base = createBase(silentTelemetry(), {
      THREAD_TABLE_NAME: tableName,
      PAYLOAD_BUCKET_NAME: 'payloads',
    });
    const make = new NewEvents();
    await base.store().create({ threadId: 'large-1', agent: 'billing', at: make.clock.now() });
    const event = make.toolResult('call-1', 'export_ledger', { report: filler(200_000, 3) });

    await base.store().append('large-1', [event]);

    const stored = [...s3.objects.keys()].filter((key) => key.startsWith('payloads/threads/large-1/'));
    expect(stored).toHaveLength(1);
    const reader = createBase(silentTelemetry(), {
      THREAD_TABLE_NAME: tableName,
      PAYLOAD_BUCKET_NAME: 'payloads',
    });
    expect((await reader.store().load('large-1')).events).toEqual([{ ...event, seq: 1 }]);
  });
});
