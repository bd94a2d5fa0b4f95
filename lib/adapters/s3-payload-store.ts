import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PayloadStore } from './payload-store.ts';
import { PayloadNotFoundError } from './store-errors.ts';

export interface S3PayloadStoreOptions {
  /** The bucket the stack owns for thread payloads. */
  bucket: string;
  client?: S3Client;
}

/** Large event data in S3, one JSON object per event. */
export class S3PayloadStore implements PayloadStore {
  private readonly bucket: string;
  private readonly client: S3Client;

  constructor(options: S3PayloadStoreOptions) {
    if (options.bucket.length === 0) throw new Error('S3PayloadStore needs a bucket name');
    this.bucket = options.bucket;
    this.client = options.client ?? new S3Client({});
  }

  async put(key: string, body: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  }

  async get(key: string): Promise<string> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!object.Body) throw new PayloadNotFoundError(key);
      return await object.Body.transformToString('utf-8');
    } catch (error) {
      if (error instanceof NoSuchKey) throw new PayloadNotFoundError(key, { cause: error });
      throw error;
    }
  }
}
