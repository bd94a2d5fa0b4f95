import { createServer, request as httpRequest } from 'node:http';
import { type LoopHarness, startLoopHarness } from '../infra/loop-harness.ts';

/** What the DynamoDB proxy does with one request: pass it, refuse it, or apply it and then lose the answer. */
export type DynamoFault =
  | { kind: 'pass' }
  | { kind: 'refuse'; status: number; type: string }
  | { kind: 'apply-then-fail'; status: number; type: string };

export type DynamoRule = (operation: string, body: string) => DynamoFault;

/**
 * DynamoDB on the wire with faults: an HTTP proxy in front of dynalite that asks `rule` about each
 * request (`operation` is the X-Amz-Target's action, e.g. `PutItem`). Faults arrive as the real
 * service sends them, so the SDK's own retry and the adapters' error handling run as in AWS.
 */
const startDynamoProxy = async (target: string) => {
  let rule: DynamoRule = () => ({ kind: 'pass' });
  const seen: { operation: string; fault: DynamoFault['kind'] }[] = [];
  const errorBody = (type: string) =>
    JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `injected ${type}` });
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const fault = rule(operation, body.toString('utf8'));
      seen.push({ operation, fault: fault.kind });
      const fail = (status: number, type: string) => {
        outgoing.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        outgoing.end(errorBody(type));
      };
      if (fault.kind === 'refuse') return fail(fault.status, fault.type);
      const url = new URL(target);
      const forwarded = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (response) => {
          const answer: Buffer[] = [];
          response.on('data', (chunk: Buffer) => answer.push(chunk));
          response.on('end', () => {
            if (fault.kind === 'apply-then-fail') return fail(fault.status, fault.type);
            outgoing.writeHead(response.statusCode ?? 500, response.headers);
            outgoing.end(Buffer.concat(answer));
          });
        },
      );
      forwarded.on('error', (error) => fail(500, `ProxyError ${error.message}`));
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    seen,
    setRule: (next: DynamoRule) => {
      rule = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

export type DynamoProxy = Awaited<ReturnType<typeof startDynamoProxy>>;

export type FaultHarness = LoopHarness & { proxy: DynamoProxy };

/**
 * The loop harness (test/infra/loop-harness.ts) with DynamoDB reached through the fault-injecting
 * proxy; its `wrap` hook crashes functions before, during or after their real code.
 */
export const startFaultHarness = async (): Promise<FaultHarness> => {
  let proxy: DynamoProxy | undefined;
  const harness = await startLoopHarness(
    {},
    {
      throughDynamo: async (target) => {
        proxy = await startDynamoProxy(target);
        return proxy;
      },
    },
  );
  if (!proxy) throw new Error('the DynamoDB proxy did not start');
  return { ...harness, proxy };
};
