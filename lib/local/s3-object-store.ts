import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

export interface S3Object {
  body: Buffer;
  contentType: string;
  metadata: Record<string, string>;
  /** The MD5 of the body in hex, quoted as S3 sends it in the ETag header. */
  etag: string;
  lastModified: Date;
}

const StoredMetaSchema = z.object({
  key: z.string(),
  contentType: z.string(),
  metadata: z.record(z.string(), z.string()),
  etag: z.string(),
  lastModified: z.string(),
});

/**
 * A key as a file name: `/` and other unsafe characters escaped, and never `.` or `..`. Keys too
 * long for a file name (S3 allows 1024 bytes) are named by their hash; their metadata keeps the key.
 */
const fileNameOf = (key: string): string => {
  const escaped = encodeURIComponent(key).replace(/^\./, '%2E').replace(/^~/, '%7E');
  return escaped.length <= 200 ? escaped : `~${createHash('sha256').update(key).digest('hex')}`;
};

/**
 * The objects of known buckets, in memory or on disk under `directory` (`<bucket>/<escaped key>`,
 * with the content type and metadata beside it in `<bucket>/.meta/`), so they survive restarts and
 * can be opened by hand.
 */
export class S3ObjectStore {
  private readonly memory = new Map<string, S3Object>();
  private readonly buckets: ReadonlySet<string>;

  constructor(private readonly options: { buckets: readonly string[]; directory?: string }) {
    this.buckets = new Set(options.buckets);
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  async put(
    bucket: string,
    key: string,
    body: Buffer,
    options: { contentType?: string; metadata?: Record<string, string> } = {},
  ): Promise<S3Object> {
    this.assertBucket(bucket);
    const object: S3Object = {
      body,
      contentType: options.contentType ?? 'binary/octet-stream',
      metadata: options.metadata ?? {},
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
    };
    const { directory } = this.options;
    if (!directory) {
      this.memory.set(`${bucket}/${key}`, object);
      return object;
    }
    const { body: _body, lastModified, ...meta } = object;
    await mkdir(join(directory, bucket, '.meta'), { recursive: true });
    await writeFile(join(directory, bucket, fileNameOf(key)), body);
    await writeFile(
      join(directory, bucket, '.meta', `${fileNameOf(key)}.json`),
      JSON.stringify({ key, ...meta, lastModified: lastModified.toISOString() }),
    );
    return object;
  }

  async get(bucket: string, key: string): Promise<S3Object | undefined> {
    this.assertBucket(bucket);
    const { directory } = this.options;
    if (!directory) return this.memory.get(`${bucket}/${key}`);
    const body = await readFile(join(directory, bucket, fileNameOf(key))).catch(ifMissing(undefined));
    if (body === undefined) return undefined;
    const meta = await this.readMeta(bucket, fileNameOf(key));
    if (meta) {
      const { key: _key, lastModified, ...rest } = meta;
      return { body, ...rest, lastModified: new Date(lastModified) };
    }
    return {
      body,
      contentType: 'binary/octet-stream',
      metadata: {},
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: new Date(),
    };
  }

  async delete(bucket: string, key: string): Promise<void> {
    this.assertBucket(bucket);
    const { directory } = this.options;
    if (!directory) {
      this.memory.delete(`${bucket}/${key}`);
      return;
    }
    await rm(join(directory, bucket, fileNameOf(key)), { force: true });
    await rm(join(directory, bucket, '.meta', `${fileNameOf(key)}.json`), { force: true });
  }

  /** The keys in a bucket that start with `prefix`, sorted as S3 lists them. */
  async list(bucket: string, prefix = ''): Promise<string[]> {
    this.assertBucket(bucket);
    const { directory } = this.options;
    if (!directory)
      return [...this.memory.keys()]
        .filter((path) => path.startsWith(`${bucket}/${prefix}`))
        .map((path) => path.slice(bucket.length + 1))
        .sort();
    const names = await readdir(join(directory, bucket)).catch(ifMissing([]));
    const keys: string[] = [];
    for (const name of names.filter((candidate) => candidate !== '.meta')) {
      keys.push(
        name.startsWith('~') ? ((await this.readMeta(bucket, name))?.key ?? name) : decodeURIComponent(name),
      );
    }
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  private async readMeta(
    bucket: string,
    fileName: string,
  ): Promise<z.infer<typeof StoredMetaSchema> | undefined> {
    const path = join(this.options.directory ?? '', bucket, '.meta', `${fileName}.json`);
    const text = await readFile(path, 'utf8').catch(ifMissing('{}'));
    const meta = StoredMetaSchema.safeParse(jsonOrUndefined(text));
    return meta.success ? meta.data : undefined;
  }

  private assertBucket(bucket: string): void {
    if (!this.buckets.has(bucket))
      throw new Error(`no bucket ${bucket}: the local S3 knows ${[...this.buckets].join(', ')}`);
  }
}

const ifMissing =
  <T>(fallback: T) =>
  (error: unknown): T => {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return fallback;
    throw error;
  };

const jsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
