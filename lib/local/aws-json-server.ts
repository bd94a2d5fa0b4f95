import { createServer, type IncomingMessage, type Server } from 'node:http';

/** An operation of an AWS JSON 1.0 service: parse the body, return the result. */
export type AwsJsonOperation = (body: unknown) => unknown | Promise<unknown>;

/** An error the client should see as the service's own, by its `__type` name. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export interface AwsJsonServer {
  endpoint: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A stand-in for a service that speaks the AWS JSON 1.0 protocol (Step Functions, SQS):
 * `POST /` with `X-Amz-Target: <prefix>.<Operation>` and a JSON body. A stock SDK client pointed
 * at it (`AWS_ENDPOINT_URL_<SERVICE>`) works; signatures are not checked, as nothing leaves
 * this machine.
 */
export const startAwsJsonServer = async (options: {
  targetPrefix: string;
  operations: Readonly<Record<string, AwsJsonOperation>>;
  port?: number;
}): Promise<AwsJsonServer> => {
  const server = createServer((request, response) => {
    const reply = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': crypto.randomUUID(),
      });
      response.end(text);
    };
    const target = String(request.headers['x-amz-target'] ?? '');
    const [prefix, name] = target.split('.');
    const operation = prefix === options.targetPrefix && name ? options.operations[name] : undefined;
    if (request.method !== 'POST' || !operation) {
      reply(400, {
        __type: 'UnknownOperationException',
        message: `unsupported operation ${target || '(none)'}`,
      });
      return;
    }
    readJson(request)
      .then((body) => operation(body))
      .then(
        (result) => reply(200, result ?? {}),
        (error: unknown) => {
          if (error instanceof AwsServiceError)
            reply(error.status, { __type: error.type, message: error.message });
          else
            reply(500, {
              __type: 'InternalFailure',
              message: error instanceof Error ? error.message : String(error),
            });
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the stand-in did not listen on a TCP port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    server,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

const readJson = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new AwsServiceError('ValidationException', 'request body too large');
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw new AwsServiceError('SerializationException', 'request body is not JSON');
  }
};
