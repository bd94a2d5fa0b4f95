import './polyfills.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { ApprovalLinks } from '../adapters/approval-links.ts';
import { SqsIngressQueue } from '../adapters/sqs-ingress-queue.ts';
import { createApp } from '../api/app.ts';
import { type ApiAuth, apiDepsOf } from '../api/deps.ts';
import { createOperationsApp } from '../api/operations.ts';
import {
  LOCAL_ENV,
  readStateMachineDefinition,
  type TemplateFunction,
} from '../infra/definition-from-template.ts';
import { buildThreadlineApp, STACK_NAME } from '../infra/synthesize.ts';
import { createUiApp } from '../ui/app.ts';
import { AsyncInvocations } from './async-invocations.ts';
import { localDeadLetters } from './dead-letters.ts';
import { devContext } from './dev-context.ts';
import { outboxMessagesOf } from './dev-outbox.ts';
import { startEmbeddedDynamo } from './embedded-dynamo.ts';
import {
  type HostedFunction,
  hostFunctions,
  idempotencyStoreFor,
  invokersOf,
  loopServiceFor,
} from './function-host.ts';
import { startLambdaEndpoint } from './lambda-endpoint.ts';
import { closeServer, listenLocally } from './listen-locally.ts';
import { createLocalLoopMachines } from './local-loop-machines.ts';
import { startLocalS3 } from './local-s3.ts';
import { LocalScheduler } from './local-scheduler.ts';
import { startLocalSes } from './local-ses.ts';
import { startLocalSmtp } from './local-smtp.ts';
import { LocalSqs } from './local-sqs.ts';
import type { LocalStepFunctions } from './local-step-functions.ts';
import { rearmWaits } from './rearm.ts';
import { startStepFunctionsEndpoint } from './sfn-endpoint.ts';
import { signingKeyIn } from './signing-key.ts';
import { startSqsEndpoint } from './sqs-endpoint.ts';
import { SqsEventSource } from './sqs-event-source.ts';
import { readTemplateResources } from './template-resources.ts';

/** A queue URL as the template's placeholders spell it (see `LOCAL_ENV`); the name is captured. */
const PLACEHOLDER_QUEUE_URL = new RegExp(
  `${`https://sqs.${LOCAL_ENV.region}.${LOCAL_ENV.urlSuffix}/${LOCAL_ENV.account}/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\w.-]+)`,
  'g',
);

export interface DevStackOptions {
  /** Where data lives: DynamoDB, S3 objects, the outbox, the signing key, endpoints.json. */
  home: string;
  /** The API and UI port; 0 picks a free one. */
  port?: number;
  /** The SMTP port; 0 picks a free one. */
  smtpPort?: number;
  /** Keep nothing on disk (DynamoDB in memory): a throwaway run. */
  memory?: boolean;
  /** `THREADLINE_MODEL` for the step function; the demo model when unset. */
  model?: string;
  /** A bearer token the thread API requires; open when unset. */
  apiToken?: string;
  /** Mail to the local SMTP server counts as SPF and DKIM PASS (demos of approving by mail). */
  trustLocalMail?: boolean;
  /** Log each function's JSON lines, as Lambda would. */
  verbose?: boolean;
}

export interface DevEndpoints {
  api: string;
  ui: string;
  approvals: string;
  outbox: string;
  smtp: { host: string; port: number };
  aws: {
    dynamodb: string;
    sqs: string;
    s3: string;
    sfn: string;
    sesv2: string;
    lambda: string;
    /** Each function's name as the Lambda endpoint knows it, by its threadline name (`inbound-email`). */
    functions: Record<string, string>;
    /** Where the SES receipt rule stores raw mail. */
    mail: { bucket: string; prefix: string };
    /** What a script sends messages to, and the loop it can list executions of. */
    ingressQueueUrl: string;
    stateMachineArn: string;
  };
}

export interface DevStack {
  endpoints: DevEndpoints;
  scheduler: LocalScheduler;
  machine: LocalStepFunctions;
  /**
   * Resolves when every asynchronous invocation so far is over and the queues the functions read
   * are empty: what a test waits for after handing the stack something to do in the background.
   */
  idle(): Promise<void>;
  /** Resolves when the queues are drained and no execution runs: for tests. */
  stop(): Promise<void>;
}

/**
 * The deployed system on one machine: synthesizes the CDK app, reads the template, and stands
 * in for each resource. Handlers are the deployed ones and reach the stand-ins through the
 * SDK's endpoint settings; the API is the same Hono app; the state machines are the synthesized
 * definitions, the turn's nested execution running the iterations' definition.
 */
export const startDevStack = async (options: DevStackOptions): Promise<DevStack> => {
  await mkdir(options.home, { recursive: true });
  const { app } = buildThreadlineApp({
    context: devContext(),
    bundle: false,
    outdir: join(options.home, 'cdk.out'),
  });
  const template = app.synth().getStackByName(STACK_NAME).template;
  const loop = readStateMachineDefinition(template);
  const resources = readTemplateResources(template);
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop();
  };
  // A stand-in that fails to start (a port in use, say) must not leave the others running.
  try {
    const dynamo = await startEmbeddedDynamo(options.memory ? {} : { path: join(options.home, 'dynamodb') });
    stops.push(() => dynamo.stop());
    for (const table of resources.tables) await dynamo.ensureTable(table);
    const s3 = await startLocalS3({
      buckets: resources.buckets,
      ...(options.memory ? {} : { directory: join(options.home, 's3') }),
    });
    stops.push(() => s3.close());
    const outboxDirectory = join(options.home, 'outbox');
    const ses = await startLocalSes({ outboxDirectory });
    stops.push(() => ses.close());
    const sqs = new LocalSqs(resources.queues);
    const sqsEndpoint = await startSqsEndpoint(sqs);
    stops.push(() => sqsEndpoint.close());

    // The API listens first: its URL goes into the functions' environment (approval links).
    const root = new Hono();
    const server = createServer(getRequestListener((request) => root.fetch(request)));
    const api = await listenLocally(server, options.port ?? 0);
    stops.push(() => closeServer(server));
    const signingKey = await signingKeyIn(options.home);
    // The template's queue URLs (placeholders) become the local endpoint's, wherever they appear.
    const localQueueUrls = (value: string): string =>
      value.replace(PLACEHOLDER_QUEUE_URL, (_url, name: string) => sqsEndpoint.queueUrl(name));

    const environmentOf = (fn: TemplateFunction): Record<string, string> => {
      const { APPROVAL_SIGNING_SECRET_ARN: _arn, ...template } = fn.environment;
      const env = Object.fromEntries(
        Object.entries(template).map(([name, value]) => [name, localQueueUrls(value)]),
      );
      return {
        ...env,
        ...(env.APPROVAL_BASE_URL ? { APPROVAL_BASE_URL: `${api}/approvals/` } : {}),
        ...(_arn ? { APPROVAL_SIGNING_SECRET: signingKey } : {}),
        ...(env.THREADLINE_MODEL ? { THREADLINE_MODEL: options.model ?? 'demo' } : {}),
      };
    };
    // The functions build their SDK clients on first use, so the endpoints below are in place by then.
    const functions = hostFunctions(loop, { environmentOf, quiet: !options.verbose });
    const machines = createLocalLoopMachines(loop, invokersOf(functions));
    const machine = machines.turn;
    const sfn = await startStepFunctionsEndpoint(machines.byArn);
    stops.push(() => sfn.close());

    const byLogicalId = (logicalId: string): HostedFunction => {
      const hosted = [...functions.values()].find((candidate) => candidate.fn.logicalId === logicalId);
      if (!hosted) throw new Error(`the template's function ${logicalId} has no local code`);
      return hosted;
    };
    const invocations = new AsyncInvocations({
      invoke: (logicalId, event) => byLogicalId(logicalId).invoke(event),
      configs: resources.asyncInvocations,
      sendToQueue: (queue, body) => sqs.send(queue, { body }),
      functionArnOf: (logicalId) => byLogicalId(logicalId).fn.arn,
    });
    stops.push(() => invocations.idle());
    const lambda = await startLambdaEndpoint({
      resolve: (name) =>
        [...loop.functions.values()].find(
          (fn) => fn.logicalId === name || fn.arn === name || name.endsWith(`:function:${fn.logicalId}`),
        )?.logicalId,
      invokeAsync: (logicalId, event) => void invocations.invoke(logicalId, event),
    });
    stops.push(() => lambda.close());

    Object.assign(process.env, {
      AWS_REGION: process.env.AWS_REGION ?? 'local',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint.endpoint,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    });

    for (const mapping of resources.eventSources) {
      const source = new SqsEventSource({
        sqs,
        queueName: mapping.queue,
        handler: (event) => byLogicalId(mapping.functionLogicalId).invoke(JSON.parse(JSON.stringify(event))),
        batchSize: mapping.batchSize,
        reportBatchItemFailures: mapping.reportFailures,
      });
      source.start();
      stops.push(() => source.stop());
    }

    const scheduler = new LocalScheduler(
      resources.schedules
        .filter((schedule) => schedule.enabled)
        .map((schedule) => ({
          name: schedule.name,
          expression: schedule.expression,
          ...(schedule.timezone ? { timezone: schedule.timezone } : {}),
          input: schedule.input,
          target: async (input: string) => {
            sqs.send(schedule.queue, {
              body: input,
              ...(schedule.groupId ? { groupId: schedule.groupId } : {}),
            });
          },
        })),
    );
    scheduler.start();
    stops.push(() => scheduler.stop());

    const rule = resources.receiptRules[0];
    const mailBucket = rule?.bucket ?? resources.buckets[0] ?? 'mail';
    const mailPrefix = rule?.prefix ?? 'mail/';
    const smtp = await startLocalSmtp({
      port: options.smtpPort ?? 0,
      store: s3.store,
      bucket: mailBucket,
      prefix: mailPrefix,
      recipients: rule?.recipients ?? [],
      invoke: async (event) => {
        if (rule?.functionLogicalId)
          await invocations.invoke(rule.functionLogicalId, JSON.parse(JSON.stringify(event)));
      },
      trustLocalMail: options.trustLocalMail ?? false,
    });
    stops.push(() => smtp.close());

    const ingest = [...functions.values()].find((hosted) => hosted.fn.name === 'ingest');
    if (!ingest) throw new Error('the template has no ingest function');
    // The API works the loop as the ingest function does, with its environment.
    const service = loopServiceFor(environmentOf(ingest.fn));
    const idempotency = idempotencyStoreFor(environmentOf(ingest.fn));
    // The queue the ingest function consumes: the one an event source mapping reads.
    const ingressQueue = resources.eventSources.find(
      (mapping) => mapping.functionLogicalId === ingest.fn.logicalId,
    )?.queue;
    if (!ingressQueue) throw new Error('the template maps no queue to the ingest function');
    const ingressQueueUrl = sqsEndpoint.queueUrl(ingressQueue);
    const auth: ApiAuth = options.apiToken ? { kind: 'token', token: options.apiToken } : { kind: 'none' };
    const apiApp = createApp(
      apiDepsOf(service, {
        ingress: new SqsIngressQueue({ queueUrl: ingressQueueUrl }),
        idempotency,
        // The functions read APPROVAL_SIGNING_SECRET as UTF-8 bytes: the API signs with the same bytes.
        links: new ApprovalLinks(Buffer.from(signingKey, 'utf-8')),
        auth,
        publicUrl: api,
      }),
    );
    const redriveFunction = [...loop.functions.values()].find((fn) => fn.name === 'redrive');
    if (!redriveFunction) throw new Error('the template has no redrive function');
    const deadLetters = localDeadLetters(environmentOf(redriveFunction), { auth, sqs });
    const uiApp = createUiApp({
      deadLetters: deadLetters.ui,
      store: service.store,
      agents: [...service.agents.keys()],
      outbox: { list: async () => outboxMessagesOf(await ses.listOutbox()) },
      approvalsBase: `${api}/approvals/`,
      startThread: async ({ agent, message }) => {
        const response = await apiApp.request('/threads', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {}),
          },
          body: JSON.stringify({ agent, message }),
        });
        const body: unknown = await response.json();
        if (response.status !== 202 || typeof body !== 'object' || body === null || !('threadId' in body)) {
          throw new Error(`the API refused the thread: ${response.status} ${JSON.stringify(body)}`);
        }
        return { threadId: String(body.threadId) };
      },
    });
    root.post('/_local/schedules/:name/fire', async (context) => {
      const name = context.req.param('name');
      if (!scheduler.names().includes(name)) return context.json({ error: `no schedule named ${name}` }, 404);
      await scheduler.fire(name);
      return context.json({ fired: name }, 202);
    });
    root.route('/', uiApp);
    root.route('/', createOperationsApp(deadLetters.operations));
    root.route('/', apiApp);

    const rearmed = await rearmWaits(service.store, service.orchestrator);
    const endpoints: DevEndpoints = {
      api,
      ui: `${api}/`,
      approvals: `${api}/approvals/`,
      outbox: outboxDirectory,
      smtp: { host: smtp.host, port: smtp.port },
      aws: {
        dynamodb: dynamo.endpoint,
        sqs: sqsEndpoint.endpoint,
        s3: s3.endpoint,
        sfn: sfn.endpoint,
        sesv2: ses.endpoint,
        lambda: lambda.endpoint,
        functions: Object.fromEntries([...loop.functions.values()].map((fn) => [fn.name, fn.logicalId])),
        mail: { bucket: mailBucket, prefix: mailPrefix },
        ingressQueueUrl,
        stateMachineArn: loop.stateMachine.arn,
      },
    };
    await writeFile(
      join(options.home, 'endpoints.json'),
      `${JSON.stringify({ ...endpoints, rearmed }, null, 2)}\n`,
    );
    const consumed = resources.eventSources.map((mapping) => mapping.queue);
    const idle = async (): Promise<void> => {
      for (;;) {
        await invocations.idle();
        const busy = consumed.some((queue) => {
          const counts = sqs.counts(queue);
          return counts.visible + counts.inFlight + counts.delayed > 0;
        });
        if (!busy) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    return {
      endpoints,
      scheduler,
      machine,
      idle,
      stop: async () => {
        for (const record of machine.listExecutions('RUNNING'))
          machine.stopExecution(record.executionArn, 'Stopped', 'the local stack stopped');
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
};
