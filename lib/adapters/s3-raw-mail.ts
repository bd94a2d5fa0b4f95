import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';

/** Where received mail is read from, by SES message id. */
export interface RawMailSource {
  read(messageId: string): Promise<Uint8Array>;
}

export class RawMailNotFoundError extends Error {
  override readonly name = 'RawMailNotFoundError';
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(
      `no stored mail at ${key}: the receipt rule's S3 action writes it before the Lambda action runs`,
      options,
    );
  }
}

export interface S3RawMailOptions {
  bucket: string;
  /** The S3 action's `objectKeyPrefix`, e.g. `mail/`. */
  prefix: string;
  client?: S3Client;
}

/** Raw mail as the SES S3 action stored it, as bytes: 8-bit bodies are not always UTF-8. */
export class S3RawMail implements RawMailSource {
  private readonly client: S3Client;

  constructor(private readonly options: S3RawMailOptions) {
    if (options.bucket.length === 0) throw new Error('S3RawMail needs a bucket name');
    this.client = options.client ?? new S3Client({});
  }

  async read(messageId: string): Promise<Uint8Array> {
    const key = `${this.options.prefix}${messageId}`;
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      if (!object.Body) throw new RawMailNotFoundError(key);
      return await object.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) throw new RawMailNotFoundError(key, { cause: error });
      throw error;
    }
  }
}
