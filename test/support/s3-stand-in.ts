import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

export interface LocalS3 {
  client: S3Client;
  /** `http://127.0.0.1:<port>`, for clients that read their endpoint from `AWS_ENDPOINT_URL_S3`. */
  endpoint: string;
  /** Objects by `bucket/key`, to look at what was stored or to damage it. */
  objects: Map<string, Buffer>;
  stop(): Promise<void>;
}

/**
 * The two S3 operations the payload store uses, path-style, over real HTTP on 127.0.0.1: PutObject
 * and GetObject, with S3's XML error for a missing key. Enough for a stock S3Client.
 */
export const startS3StandIn = async (): Promise<LocalS3> => {
  const objects = new Map<string, Buffer>();
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => respond(objects, request, response, body))
      .catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    client,
    endpoint,
    objects,
    stop: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
};

const respond = (
  objects: Map<string, Buffer>,
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
) => {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://local').pathname.slice(1));
  if (request.method === 'PUT') {
    objects.set(path, body);
    response.writeHead(200, { ETag: '"stand-in"' }).end();
    return;
  }
  const object = objects.get(path);
  if (request.method !== 'GET') {
    response.writeHead(405).end();
    return;
  }
  if (object === undefined) {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${path}</Key></Error>`;
    response.writeHead(404, { 'Content-Type': 'application/xml' }).end(xml);
    return;
  }
  response
    .writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': object.length })
    .end(object);
};
