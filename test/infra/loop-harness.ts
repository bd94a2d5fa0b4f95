import type { WaitRecord } from '../../lib/adapters/wait-store.ts';
import type { Thread } from '../../lib/core/events.ts';
import { resourceVariable } from '../../lib/core/resources.ts';
import {
  readStateMachineDefinition,
  type TemplateFunction,
  type TemplateLoop,
} from '../../lib/infra/definition-from-template.ts';
import type { AwsJsonServer } from '../../lib/local/aws-json-server.ts';
import {
  type HostedFunction,
  hostFunctions,
  invokersOf,
  loopServiceFor,
} from '../../lib/local/function-host.ts';
import { createLocalLoopMachines } from '../../lib/local/local-loop-machines.ts';
import type {
  ExecutionRecord,
  LocalFunction,
  LocalStepFunctions,
} from '../../lib/local/local-step-functions.ts';
import { startStepFunctionsEndpoint } from '../../lib/local/sfn-endpoint.ts';
import { readTemplateResources } from '../../lib/local/template-resources.ts';
import type { ServiceDeps } from '../../lib/service/deps.ts';
import {
  chatCompletion,
  type ScriptedChatServer,
  startScriptedChatServer,
  toolCall,
} from '../adapters/scripted-chat-server.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { synthesize } from './synth.ts';

/** A message as a trigger sends it: a new thread for `agent`, or a message to `threadId`. */
export interface Delivery {
  kind: 'start' | 'message';
  threadId: string;
  agent?: string;
  text: string;
  key: string;
  from?: string;
}

export interface LoopHarness {
  loop: TemplateLoop;
  machine: LocalStepFunctions;
  chat: ScriptedChatServer;
  /** The service deps of the ingest function: the same store, waits and orchestrator it uses. */
  service: ServiceDeps;
  /** The hosted functions by name (`step`, `ingest`, `tool-lookup_customer`, …). */
  hosted: Map<string, HostedFunction>;
  /** Replaces the code the state machine calls for the function `name`; returns a restore. */
  wrap(name: string, wrapper: (real: LocalFunction) => LocalFunction): () => void;
  /** The name the tool functions know an agent's declared table by (its logical id, as on `npm start`). */
  agentTable(agent: string, resource: string): string;
  dynamo: LocalDynamo;
  /** Queues the model's next replies: one tool call each. */
  reply(...calls: [tool: string, args: unknown][]): void;
  /** Delivers a message as the ingress queue's event source mapping would. */
  ingest(message: Delivery, messageId?: string): Promise<unknown>;
  load(threadId: string): Promise<Thread>;
  /** The execution that the thread's event at `seq` started, once it has stopped. */
  finished(threadId: string, seq: number): Promise<ExecutionRecord>;
  /** The wait of a thread once one is stored and pending. */
  pendingWait(threadId: string): Promise<WaitRecord>;
  close(): Promise<void>;
}

/** Waits for a condition the system reaches on its own; fails loudly if it never does. */
export const eventually = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
  for (let attempt = 0; attempt < 1500; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
};

/**
 * The deployed loop on this machine: the state machine read from the synthesized template and
 * run by aws-local-stepfunctions, its Lambda tasks running the real handler code with the
 * environment the template gives them, DynamoDB on dynalite, Step Functions reached through its
 * wire protocol, and the model behind a real OpenAI-compatible HTTP server that plays a script.
 */
export interface LoopHarnessOptions {
  /** Puts something between the functions and DynamoDB (a fault-injecting proxy, say). */
  throughDynamo?: (endpoint: string) => Promise<{ endpoint: string; close(): Promise<void> }>;
}

export const startLoopHarness = async (
  context: Record<string, unknown> = {},
  options: LoopHarnessOptions = {},
): Promise<LoopHarness> => {
  const { template } = synthesize(context);
  const loop = readStateMachineDefinition(template);
  const dynamo = await startDynalite();
  const threadTable = await dynamo.createThreadTable();
  // The agents' tables as the local stack makes them: from the template, named by logical id.
  for (const table of readTemplateResources(template.toJSON()).tables) await dynamo.createTable(table);
  const chat = await startScriptedChatServer();
  const between = await options.throughDynamo?.(dynamo.endpoint);

  Object.assign(process.env, {
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: between?.endpoint ?? dynamo.endpoint,
  });
  // The functions build their SDK clients on first use, after the endpoints above are set.
  const environmentOf = (fn: TemplateFunction): Record<string, string> => ({
    ...fn.environment,
    THREAD_TABLE_NAME: threadTable,
    PAYLOAD_BUCKET_NAME: 'payloads',
    STATE_MACHINE_ARN: loop.stateMachine.arn,
    THREADLINE_MODEL: `openai:${chat.baseUrl}#scripted`,
    APPROVAL_SIGNING_SECRET: 'a local signing key of at least 32 bytes',
    APPROVAL_BASE_URL: 'http://127.0.0.1:3000/approvals/',
  });
  const functions = hostFunctions(loop, { quiet: true, environmentOf });
  const invokers = invokersOf(functions);
  const machines = createLocalLoopMachines(loop, invokers, { retryIntervalMs: 5 });
  const machine = machines.turn;
  const sfn: AwsJsonServer = await startStepFunctionsEndpoint(machines.byArn);
  process.env.AWS_ENDPOINT_URL_SFN = sfn.endpoint;
  const hosted = new Map([...functions.values()].map((entry) => [entry.fn.name, entry]));
  const ingestFunction = hosted.get('ingest');
  if (!ingestFunction) throw new Error('the template has no ingest function');
  const service = loopServiceFor(environmentOf(ingestFunction.fn));

  return {
    loop,
    machine,
    chat,
    service,
    hosted,
    wrap: (name, wrapper) => {
      const entry = hosted.get(name);
      if (!entry) throw new Error(`no function ${name}: ${[...hosted.keys()].join(', ')}`);
      invokers.set(entry.fn.arn, wrapper(entry.invoke));
      return () => invokers.set(entry.fn.arn, entry.invoke);
    },
    agentTable: (agent, resource) => {
      const variable = resourceVariable(agent, resource, 'table');
      const name = [...loop.functions.values()].map((fn) => fn.environment[variable]).find(Boolean);
      if (!name) throw new Error(`no function has ${variable}`);
      return name;
    },
    dynamo,
    reply: (...calls) =>
      chat.respond(
        ...calls.map(([tool, args]) => ({
          body: chatCompletion({ content: null, tool_calls: [toolCall(tool, JSON.stringify(args))] }),
        })),
      ),
    ingest: (message, messageId = `m-${message.key}`) =>
      ingestFunction.invoke({
        Records: [
          {
            messageId,
            receiptHandle: `rh-${messageId}`,
            body: JSON.stringify({ ...message, channel: 'api' }),
            attributes: {
              ApproximateReceiveCount: '1',
              SentTimestamp: String(Date.now()),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
              MessageGroupId: message.threadId,
              MessageDeduplicationId: message.key,
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
    pendingWait: (threadId) =>
      eventually(`a pending wait on ${threadId}`, async () => {
        const state = await service.store.load(threadId);
        for (const event of [...state.events].reverse()) {
          const requestId =
            event.type === 'approval-request'
              ? event.data.approvalId
              : event.type === 'human-input-request'
                ? event.data.requestId
                : event.type === 'escalation'
                  ? event.id
                  : event.type === 'child-thread-started'
                    ? event.data.childThreadId
                    : undefined;
          if (requestId === undefined) continue;
          const wait = await service.waits.get(requestId);
          return wait?.status === 'pending' ? wait : undefined;
        }
        return undefined;
      }),
    close: async () => {
      for (const record of machine.listExecutions('RUNNING')) machine.stopExecution(record.executionArn);
      await sfn.close();
      await chat.close();
      await between?.close();
      await dynamo.stop();
    },
  };
};
