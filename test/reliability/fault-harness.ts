import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AwsServiceDeps } from '../../lambdas/aws-deps.ts';
import type { Thread } from '../../lib/core/events.ts';
import { readStateMachineDefinition, type TemplateLoop } from '../../lib/infra/definition-from-template.ts';
import type { AwsJsonServer } from '../../lib/local/aws-json-server.ts';
import { type HostedFunction, hostFunctions, invokersOf } from '../../lib/local/function-host.ts';
import { type LocalFunction, LocalStepFunctions } from '../../lib/local/local-step-functions.ts';
import { startStepFunctionsEndpoint } from '../../lib/local/sfn-endpoint.ts';
import {
  chatCompletion,
  type ScriptedChatServer,
  startScriptedChatServer,
  toolCall,
} from '../adapters/scripted-chat-server.ts';
import { eventually } from '../infra/loop-harness.ts';
import { synthesize } from '../infra/synth.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';

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
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
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

export interface FaultHarness {
  loop: TemplateLoop;
  machine: LocalStepFunctions;
  chat: ScriptedChatServer;
  dynamo: LocalDynamo;
  paymentLinksTable: string;
  proxy: DynamoProxy;
  service: AwsServiceDeps;
  /** The hosted functions by name (`step`, `ingest`, `tool-lookup_customer`, …). */
  hosted: Map<string, HostedFunction>;
  /** Replaces the code the state machine calls for the function `name`; returns the real one. */
  wrap(name: string, wrapper: (real: LocalFunction) => LocalFunction): () => void;
  reply(...calls: [tool: string, args: unknown][]): void;
  ingest(message: Record<string, unknown>, messageId?: string): Promise<unknown>;
  load(threadId: string): Promise<Thread>;
  finished(threadId: string, seq: number): Promise<{ status: string; error?: string }>;
  close(): Promise<void>;
}

/**
 * test/infra/loop-harness.ts with two hooks: each function's invoker can be wrapped (crash before,
 * during, after the real handler) and DynamoDB is reached through a fault-injecting proxy.
 */
export const startFaultHarness = async (): Promise<FaultHarness> => {
  const loop = readStateMachineDefinition(synthesize({}).template);
  const dynamo = await startDynalite();
  const threadTable = await dynamo.createThreadTable();
  const paymentLinksTable = `payment-links-${threadTable}`;
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: paymentLinksTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'idempotencyKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'idempotencyKey', KeyType: 'HASH' }],
    }),
  );
  const proxy = await startDynamoProxy(dynamo.endpoint);
  const chat = await startScriptedChatServer();
  Object.assign(process.env, {
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
  });
  const functions = hostFunctions(loop, {
    quiet: true,
    environmentOf: (fn) => ({
      ...fn.environment,
      THREAD_TABLE_NAME: threadTable,
      PAYLOAD_BUCKET_NAME: 'payloads',
      STATE_MACHINE_ARN: loop.stateMachine.arn,
      THREADLINE_MODEL: `openai:${chat.baseUrl}#scripted`,
      APPROVAL_SIGNING_SECRET: 'a local signing key of at least 32 bytes',
      APPROVAL_BASE_URL: 'http://127.0.0.1:3000/approvals/',
      ...(fn.environment.PAYMENT_LINKS_TABLE_NAME ? { PAYMENT_LINKS_TABLE_NAME: paymentLinksTable } : {}),
    }),
  });
  const invokers = invokersOf(functions);
  const machine = new LocalStepFunctions({
    definition: loop.definition as StateMachineDefinition,
    stateMachineArn: loop.stateMachine.arn,
    functions: invokers,
    retryIntervalMs: 5,
  });
  const sfn: AwsJsonServer = await startStepFunctionsEndpoint(new Map([[loop.stateMachine.arn, machine]]));
  process.env.AWS_ENDPOINT_URL_SFN = sfn.endpoint;
  const hosted = new Map([...functions.values()].map((entry) => [entry.fn.name, entry]));
  const ingestFunction = hosted.get('ingest');
  if (!ingestFunction) throw new Error('the template has no ingest function');
  const service = ingestFunction.deps.service;

  return {
    loop,
    machine,
    chat,
    dynamo,
    paymentLinksTable,
    proxy,
    service,
    hosted,
    wrap: (name, wrapper) => {
      const entry = hosted.get(name);
      if (!entry) throw new Error(`no function ${name}: ${[...hosted.keys()].join(', ')}`);
      invokers.set(entry.fn.arn, wrapper(entry.invoke));
      return () => invokers.set(entry.fn.arn, entry.invoke);
    },
    reply: (...calls) =>
      chat.respond(
        ...calls.map(([tool, args]) => ({
          body: chatCompletion({ content: null, tool_calls: [toolCall(tool, JSON.stringify(args))] }),
        })),
      ),
    ingest: (message, messageId = `m-${String(message.key)}`) =>
      ingestFunction.invoke({
        Records: [
          {
            messageId,
            receiptHandle: `rh-${messageId}`,
            body: JSON.stringify({ channel: 'api', ...message }),
            attributes: {
              ApproximateReceiveCount: '1',
              SentTimestamp: String(Date.now()),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
              MessageGroupId: String(message.threadId),
              MessageDeduplicationId: String(message.key),
              SequenceNumber: '1',
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:local:000000000000:ingress.fifo',
            awsRegion: 'local',
          },
        ],
      }),
    load: (threadId) => service.store.load(threadId),
    finished: async (threadId, seq) => {
      const arn = `${loop.stateMachine.arn.replace(':stateMachine:', ':execution:')}:${threadId}-${seq}`;
      await eventually(`execution ${arn} started`, async () =>
        machine.listExecutions().find((record) => record.executionArn === arn),
      );
      return machine.waitForExecution(arn);
    },
    close: async () => {
      for (const record of machine.listExecutions('RUNNING')) machine.stopExecution(record.executionArn);
      await sfn.close();
      await chat.close();
      await proxy.close();
      await dynamo.stop();
    },
  };
};
