import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3PayloadStore } from '../../lib/adapters/s3-payload-store.ts';
import { RawMailNotFoundError, S3RawMail } from '../../lib/adapters/s3-raw-mail.ts';
import { type LocalS3, startLocalS3 } from '../../lib/local/local-s3.ts';

const clientFor = (endpoint: string) =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startLocalS3({ buckets: ['payloads', 'mail'] });
  client = clientFor(s3.endpoint);
});

afterAll(async () => {
  client.destroy();
  await s3.close();
});

describe('the local S3, driven by the stock SDK client', () => {
  it('stores a string body and gives it back, with its MD5 as the ETag', async () => {
    const put = await client.send(
      new PutObjectCommand({
        Bucket: 'payloads',
        Key: 'threads/t 1/é.json',
        Body: '{"a":1}',
        ContentType: 'application/json',
      }),
    );
    const md5 = createHash('md5').update('{"a":1}').digest('hex');
    expect(put.ETag).toBe(`"${md5}"`);
    const got = await client.send(new GetObjectCommand({ Bucket: 'payloads', Key: 'threads/t 1/é.json' }));
    expect(await got.Body?.transformToString()).toBe('{"a":1}');
    expect(got).toMatchObject({ ContentType: 'application/json', ContentLength: 7, ETag: `"${md5}"` });
    expect(got.LastModified).toBeInstanceOf(Date);
  });

  it('stores a stream body, which the SDK sends aws-chunked with a trailing checksum', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, index) => index % 251));
    await client.send(
      new PutObjectCommand({
        Bucket: 'mail',
        Key: 'mail/stream',
        Body: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
        ContentLength: bytes.length,
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: 'mail', Key: 'mail/stream' }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? [])).toEqual(bytes);
  });

  it('keeps user metadata and answers HEAD', async () => {
    await client.send(
      new PutObjectCommand({ Bucket: 'payloads', Key: 'meta', Body: 'x', Metadata: { thread: 't-1' } }),
    );
    const head = await client.send(new HeadObjectCommand({ Bucket: 'payloads', Key: 'meta' }));
    expect(head).toMatchObject({
      Metadata: { thread: 't-1' },
      ContentLength: 1,
      ContentType: 'application/octet-stream',
    });
  });

  it('answers a missing key with NoSuchKey, a missing bucket with NoSuchBucket, and HEAD with NotFound', async () => {
    await expect(
      client.send(new GetObjectCommand({ Bucket: 'payloads', Key: 'nope' })),
    ).rejects.toBeInstanceOf(NoSuchKey);
    await expect(client.send(new GetObjectCommand({ Bucket: 'other', Key: 'x' }))).rejects.toBeInstanceOf(
      NoSuchBucket,
    );
    await expect(
      client.send(new HeadObjectCommand({ Bucket: 'payloads', Key: 'nope' })),
    ).rejects.toBeInstanceOf(NotFound);
  });

  it('deletes an object', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'payloads', Key: 'gone', Body: 'x' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'payloads', Key: 'gone' }));
    await expect(
      client.send(new GetObjectCommand({ Bucket: 'payloads', Key: 'gone' })),
    ).rejects.toBeInstanceOf(NoSuchKey);
  });

  it('serves the payload store and the raw-mail reader unchanged', async () => {
    const payloads = new S3PayloadStore({ bucket: 'payloads', client });
    await payloads.put('events/1', '{"big":true}');
    expect(await payloads.get('events/1')).toBe('{"big":true}');
    const rawMail = new S3RawMail({ bucket: 'mail', prefix: 'mail/', client });
    await s3.store.put('mail', 'mail/abc', Buffer.from('Subject: hi\r\n\r\nbody'));
    expect(Buffer.from(await rawMail.read('abc')).toString()).toBe('Subject: hi\r\n\r\nbody');
    await expect(rawMail.read('missing')).rejects.toBeInstanceOf(RawMailNotFoundError);
  });

  it('refuses operations it does not implement with S3’s XML error', async () => {
    const response = await fetch(`${s3.endpoint}/payloads?list-type=2`);
    expect(response.status).toBe(501);
    expect(await response.text()).toContain('<Code>NotImplemented</Code>');
  });
});

describe('the local S3 on disk', () => {
  it('keeps objects across restarts, one file per key', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'threadline-s3-'));
    try {
      const first = await startLocalS3({ buckets: ['mail'], directory });
      const firstClient = clientFor(first.endpoint);
      await firstClient.send(
        new PutObjectCommand({
          Bucket: 'mail',
          Key: 'mail/../x',
          Body: 'kept',
          ContentType: 'message/rfc822',
        }),
      );
      firstClient.destroy();
      await first.close();
      expect(await readdir(join(directory, 'mail'))).toEqual(['.meta', 'mail%2F..%2Fx']);

      const second = await startLocalS3({ buckets: ['mail'], directory });
      const secondClient = clientFor(second.endpoint);
      const got = await secondClient.send(new GetObjectCommand({ Bucket: 'mail', Key: 'mail/../x' }));
      expect(await got.Body?.transformToString()).toBe('kept');
      expect(got.ContentType).toBe('message/rfc822');
      const long = `mail/${'y'.repeat(900)}`;
      await second.store.put('mail', long, Buffer.from('long'));
      expect((await second.store.get('mail', long))?.body.toString()).toBe('long');
      expect(await second.store.list('mail', 'mail/')).toEqual(['mail/../x', long]);
      secondClient.destroy();
      await second.close();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
