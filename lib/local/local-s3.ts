import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocally } from './listen-locally.ts';
import { type S3Object, S3ObjectStore } from './s3-object-store.ts';

export interface LocalS3Options {
  /** The buckets the stack declares; any other bucket is `NoSuchBucket`. */
  buckets: readonly string[];
  /** Where objects live; in memory when left out. */
  directory?: string;
  port?: number;
}

export interface LocalS3 {
  endpoint: string;
  store: S3ObjectStore;
  close(): Promise<void>;
}

const MAX_OBJECT_BYTES = 100 * 1024 * 1024;

class S3ErrorReply extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly resource: Record<string, string> = {},
  ) {
    super(message);
  }
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);

const headersOf = (object: S3Object): Record<string, string | number> => ({
  'content-type': object.contentType,
  'content-length': object.body.length,
  etag: object.etag,
  'last-modified': object.lastModified.toUTCString(),
  'accept-ranges': 'bytes',
  ...Object.fromEntries(
    Object.entries(object.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
  ),
});

/**
 * S3 on one machine for the object operations threadline uses, path-style (`/<bucket>/<key>`, as
 * the SDK sends to an IP endpoint): PutObject, GetObject, HeadObject and DeleteObject, with S3's
 * XML errors (`NoSuchKey`, `NoSuchBucket`). Point a stock S3Client at `endpoint` with
 * `forcePathStyle: true`, or set `AWS_ENDPOINT_URL_S3`.
 */
export const startLocalS3 = async (options: LocalS3Options): Promise<LocalS3> => {
  const store = new S3ObjectStore(options);
  const server = createServer((request, response) => {
    handle(store, request, response).catch((error: unknown) => {
      const reply =
        error instanceof S3ErrorReply
          ? error
          : new S3ErrorReply(500, 'InternalError', error instanceof Error ? error.message : String(error));
      sendError(request, response, reply);
    });
  });
  const endpoint = await listenLocally(server, options.port);
  return { endpoint, store, close: () => closeServer(server) };
};

const handle = async (
  store: S3ObjectStore,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> => {
  // Not `new URL()`: it would resolve `..` in a key, which S3 keeps as written.
  const [path = '/', query = ''] = (request.url ?? '/').split('?', 2);
  const slash = path.indexOf('/', 1);
  const bucket = decodeURIComponent(path.slice(1, slash === -1 ? undefined : slash));
  const key = slash === -1 ? '' : decodeURIComponent(path.slice(slash + 1));
  const unsupported = [...new URLSearchParams(query).keys()].filter((name) => name !== 'x-id');
  if (!store.hasBucket(bucket))
    throw new S3ErrorReply(404, 'NoSuchBucket', 'The specified bucket does not exist', {
      BucketName: bucket,
    });
  if (key === '' || unsupported.length > 0)
    throw new S3ErrorReply(
      501,
      'NotImplemented',
      `the local S3 does not implement ${request.method} ${request.url}`,
    );
  const requestId = randomUUID();
  response.setHeader('x-amz-request-id', requestId);
  switch (request.method) {
    case 'PUT': {
      const body = await readObjectBody(request);
      const expectedMd5 = request.headers['content-md5'];
      if (typeof expectedMd5 === 'string' && createHash('md5').update(body).digest('base64') !== expectedMd5)
        throw new S3ErrorReply(
          400,
          'BadDigest',
          'The Content-MD5 you specified did not match what we received.',
        );
      const metadata = Object.fromEntries(
        Object.entries(request.headers)
          .filter(([name, value]) => name.startsWith('x-amz-meta-') && typeof value === 'string')
          .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
      );
      const contentType = request.headers['content-type'];
      const object = await store.put(bucket, key, body, {
        ...(contentType ? { contentType } : {}),
        metadata,
      });
      response.writeHead(200, { etag: object.etag, 'content-length': 0 }).end();
      return;
    }
    case 'GET':
    case 'HEAD': {
      const object = await store.get(bucket, key);
      if (!object)
        throw new S3ErrorReply(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
      response.writeHead(200, headersOf(object));
      response.end(request.method === 'GET' ? object.body : undefined);
      return;
    }
    case 'DELETE':
      await store.delete(bucket, key);
      response.writeHead(204).end();
      return;
    default:
      throw new S3ErrorReply(
        405,
        'MethodNotAllowed',
        `The specified method is not allowed: ${request.method}`,
      );
  }
};

const sendError = (request: IncomingMessage, response: ServerResponse, reply: S3ErrorReply): void => {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const resource = Object.entries(reply.resource)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${reply.code}</Code><Message>${escapeXml(reply.message)}</Message>${resource}<RequestId>${randomUUID()}</RequestId></Error>`;
  // A HEAD reply has no body: the SDK names the error from the status (404 → NotFound).
  response.writeHead(reply.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(xml),
  });
  response.end(request.method === 'HEAD' ? undefined : xml);
};

const readObjectBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_OBJECT_BYTES)
      throw new S3ErrorReply(
        400,
        'EntityTooLarge',
        'Your proposed upload exceeds the local maximum allowed size',
      );
    chunks.push(buffer);
  }
  const raw = Buffer.concat(chunks);
  const encoding = String(request.headers['content-encoding'] ?? '');
  const sha = String(request.headers['x-amz-content-sha256'] ?? '');
  return encoding.includes('aws-chunked') || sha.startsWith('STREAMING-') ? decodeAwsChunked(raw) : raw;
};

/**
 * The SDK streams bodies of unknown length as `aws-chunked`: `<hex size>[;chunk-signature=…]\r\n`,
 * the bytes, `\r\n`, …, a zero-size chunk, then trailing checksum headers.
 */
const decodeAwsChunked = (raw: Buffer): Buffer => {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd === -1) throw new S3ErrorReply(400, 'IncompleteBody', 'an aws-chunked body ended early');
    const size = Number.parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) throw new S3ErrorReply(400, 'InvalidRequest', 'a malformed aws-chunked body');
    if (size === 0) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
};
