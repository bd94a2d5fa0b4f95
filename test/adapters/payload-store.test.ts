import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeferredPayloadStore } from '../../lib/adapters/deferred-payload-store.ts';
import { FilePayloadStore } from '../../lib/adapters/file-payload-store.ts';
import { InMemoryPayloadStore, type PayloadStore } from '../../lib/adapters/payload-store.ts';
import { S3PayloadStore } from '../../lib/adapters/s3-payload-store.ts';
import { PayloadNotFoundError } from '../../lib/adapters/store-errors.ts';
import { type LocalS3, startS3StandIn } from '../support/s3-stand-in.ts';

let s3: LocalS3;
let directory: string;
beforeAll(async () => {
  s3 = await startS3StandIn();
  directory = await mkdtemp(join(tmpdir(), 'threadline-payloads-'));
});
afterAll(async () => {
  await s3.stop();
  await rm(directory, { recursive: true, force: true });
});

const stores: [string, () => PayloadStore][] = [
  ['InMemoryPayloadStore', () => new InMemoryPayloadStore()],
  ['FilePayloadStore', () => new FilePayloadStore(directory)],
  ['S3PayloadStore', () => new S3PayloadStore({ bucket: 'payloads', client: s3.client })],
  [
    'DeferredPayloadStore over S3',
    () => new DeferredPayloadStore(async () => new S3PayloadStore({ bucket: 'payloads', client: s3.client })),
  ],
];

describe.each(stores)('%s', (_, makeStore) => {
  it('gives back the body stored under a key, unicode and all', async () => {
    const store = makeStore();
    const body = JSON.stringify({ text: 'Grüße, 请款, 🧾', long: 'x'.repeat(300_000) });

    await store.put('threads/t%2D1/ev-1-abc.json', body);

    expect(await store.get('threads/t%2D1/ev-1-abc.json')).toBe(body);
  });

  it('throws PayloadNotFoundError for a key it does not hold', async () => {
    await expect(makeStore().get('threads/nowhere/ev-0.json')).rejects.toThrow(PayloadNotFoundError);
  });
});

describe('FilePayloadStore', () => {
  it('refuses a key that would leave its directory', async () => {
    const store = new FilePayloadStore(directory);

    await expect(store.put('../outside.json', '{}')).rejects.toThrow('is not a safe relative path');
    await expect(store.get('threads/../../etc/passwd')).rejects.toThrow('is not a safe relative path');
  });
});

describe('DeferredPayloadStore', () => {
  it('makes its store only when a body is first stored or read, and once', async () => {
    let made = 0;
    const store = new DeferredPayloadStore(async () => {
      made += 1;
      return new InMemoryPayloadStore();
    });
    expect(store.loaded).toBe(false);

    await store.put('threads/t-1/ev-1.json', '{"a":1}');
    const body = await store.get('threads/t-1/ev-1.json');

    expect(body).toBe('{"a":1}');
    expect(made).toBe(1);
  });

  it('tries to make its store again after a load that failed', async () => {
    let attempts = 0;
    const store = new DeferredPayloadStore(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('the S3 client failed to load');
      return new InMemoryPayloadStore();
    });

    await expect(store.put('threads/t-1/ev-1.json', '{}')).rejects.toThrow('the S3 client failed to load');
    await store.put('threads/t-1/ev-1.json', '{}');

    expect(await store.get('threads/t-1/ev-1.json')).toBe('{}');
    expect(attempts).toBe(2);
  });
});
