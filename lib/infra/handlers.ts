import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ThreadlineConfig } from './config.ts';
import { ENV, MAIL_PREFIX, THREAD_PAYLOAD_PREFIX } from './environment.ts';
import { FUNCTIONS, type FunctionName, type FunctionSpec, type Need } from './function-specs.ts';
import {
  grantInboundMailRead,
  grantInvokeModel,
  grantLoop,
  grantSendEmail,
  grantThreadPayloads,
  grantThreadTable,
  isInferenceProfile,
} from './grants.ts';
import { HandlerFunction } from './handler-function.ts';
import type { LoopReference } from './loop-reference.ts';
import { acknowledgeWildcardResource } from './nag.ts';
import { ToolFunctions } from './tool-functions.ts';
import type { ResourceSpec, ToolSpec } from './tool-manifest.ts';

export interface HandlersProps {
  config: ThreadlineConfig;
  tools: readonly ToolSpec[];
  resources: readonly ResourceSpec[];
  threads: dynamodb.ITableV2;
  payloads: s3.Bucket;
  ingress: sqs.Queue;
  /** Where the ingest function's event source puts a message that failed too often. */
  ingressDeadLetters: sqs.IQueue;
  signingSecret: secretsmanager.ISecret;
  /** Secrets the notifying functions read: the Slack webhook URL, the webhook signing key. */
  channelSecrets: { slackWebhook?: secretsmanager.ISecret; webhook?: secretsmanager.ISecret };
  loop: LoopReference;
  logRetention: logs.RetentionDays;
}

/** A dead-letter queue and its source: a queue to send its messages to, or a function to invoke again. */
export interface DeadLetters {
  name: string;
  queue: sqs.IQueue;
  replay: { queue: sqs.IQueue } | { function: NodejsFunction };
}

type Functions = { readonly [name in Exclude<FunctionName, 'inboundEmail'>]: NodejsFunction } & {
  readonly inboundEmail: NodejsFunction | undefined;
};

/** Every Lambda function of the stack, each built from its row in {@link FUNCTIONS}, and one per tool. */
export class Handlers extends Construct {
  readonly functions: Functions;
  /** One function per tool, by tool name. */
  readonly tools: ReadonlyMap<string, NodejsFunction>;
  /** Every dead-letter queue the redrive function replays, with where its messages go back to. */
  readonly deadLetters: DeadLetters[] = [];

  constructor(scope: Construct, id: string, props: HandlersProps) {
    super(scope, id);
    const { config, threads, payloads } = props;
    const base = { [ENV.threadTable]: threads.tableName, [ENV.payloadBucket]: payloads.bucketName };
    const built = new Map<FunctionName, NodejsFunction>();
    const rows = (Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]).filter(
      ([, spec]) => spec.when === undefined || spec.when(config),
    );
    const serversNamed = props.tools.some((tool) => tool.server !== undefined);
    for (const [name, spec] of rows) {
      const fn = new HandlerFunction(this, spec.id, {
        name: spec.name,
        entry: spec.entry,
        description: spec.description,
        timeout: spec.timeout,
        ...(spec.memorySize === undefined ? {} : { memorySize: spec.memorySize }),
        logRetention: props.logRetention,
        reachesToolServers: serversNamed && spec.needs.includes('tool-servers'),
      }).function;
      if (spec.async === true) this.deadLetters.push(this.failedInvocations(fn, spec.name));
      built.set(name, fn);
    }
    // Needs are met once every function exists: the redrive function names the others' queues.
    const must = (name: FunctionName): NodejsFunction => {
      const fn = built.get(name);
      if (fn === undefined) throw new Error(`function ${name} was not built`);
      return fn;
    };
    for (const [name, spec] of rows) for (const need of spec.needs) this.meet(must(name), need, props);
    this.functions = {
      api: must('api'),
      ingest: must('ingest'),
      step: must('step'),
      awaitHuman: must('awaitHuman'),
      expire: must('expire'),
      startChild: must('startChild'),
      notify: must('notify'),
      onFailure: must('onFailure'),
      inboundEmail: built.get('inboundEmail'),
      redrive: must('redrive'),
    };

    acknowledgeWildcardResource(
      this,
      payloads.arnForObjects(`${THREAD_PAYLOAD_PREFIX}*`),
      'Event bodies too large for an item live under content-addressed keys below threads/, unknown until written; GetObject/PutObject only, on that prefix of this bucket.',
    );
    this.tools = new ToolFunctions(this, 'Tools', {
      tools: props.tools,
      threads,
      payloads,
      resources: props.resources,
      environment: base,
      logRetention: props.logRetention,
    }).functions;
  }

  /** Sets the variables and grants the actions one need stands for. */
  private meet(fn: NodejsFunction, need: Need, props: HandlersProps): void {
    const { config, threads, payloads, loop } = props;
    const set = (environment: Record<string, string | undefined>): void => {
      for (const [name, value] of Object.entries(environment))
        if (value !== undefined) fn.addEnvironment(name, value);
    };
    const list = (values: readonly string[] | undefined): string | undefined =>
      values === undefined || values.length === 0 ? undefined : values.join(',');
    const role = fn.role ?? fn;
    if (typeof need === 'object' && 'threads' in need) {
      set({ [ENV.threadTable]: threads.tableName, [ENV.payloadBucket]: payloads.bucketName });
      grantThreadTable(threads, fn, { write: true, listing: need.listing === true });
      grantThreadPayloads(payloads, fn, need.threads);
      return;
    }
    if (typeof need === 'object') {
      // Answering a task token needs no machine; starting or stopping an execution names it.
      if (need.loop.some((access) => access !== 'respond')) set({ [ENV.stateMachine]: loop.arn });
      grantLoop(fn, loop, need.loop);
      if (need.loop.includes('stop')) {
        acknowledgeWildcardResource(
          role,
          loop.executionsArn,
          'Cancelling a thread stops its running turns, whose execution names (<threadId>-<seq>) exist only at run time; StopExecution only, on executions of this state machine only.',
        );
      }
      return;
    }
    switch (need) {
      case 'thread-lookup':
        set({ [ENV.threadTable]: threads.tableName });
        grantThreadTable(threads, fn, { write: false, listing: false });
        return;
      case 'enqueue':
        set({ [ENV.ingressQueue]: props.ingress.queueUrl });
        props.ingress.grantSendMessages(fn);
        return;
      case 'people':
        // Whoever sends mail sets `Reply-To: reply+<thread>@<inbound domain>`, so replies find their thread.
        set({
          // Set even when empty: a function that asks people must know nobody was configured.
          [ENV.approverEmails]: config.approverEmails.join(','),
          [ENV.fallbackApproverEmails]: list(config.fallbackApproverEmails),
          [ENV.allowedSenders]: config.allowedSenders?.join(','),
          [ENV.senderEmail]: config.senderEmail,
          [ENV.inboundDomain]: config.inboundDomain,
        });
        return;
      case 'signing':
        set({ [ENV.signingSecret]: props.signingSecret.secretArn });
        props.signingSecret.grantRead(fn);
        return;
      case 'approval-timeout':
        set({ [ENV.approvalTimeout]: String(config.approvalTimeoutSeconds) });
        return;
      case 'notifies': {
        // Secrets travel as names only: each function reads the value from Secrets Manager at cold start.
        const { slackWebhook, webhook } = props.channelSecrets;
        set({
          [ENV.slackWebhookSecret]: slackWebhook?.secretName,
          [ENV.webhookUrl]: config.webhookUrl,
          [ENV.webhookSecret]: webhook?.secretName,
        });
        if (config.senderEmail !== undefined) grantSendEmail(fn, config.senderEmail);
        slackWebhook?.grantRead(fn);
        webhook?.grantRead(fn);
        return;
      }
      case 'model': {
        set({ [ENV.model]: `bedrock:${config.modelId}` });
        const grant = grantInvokeModel(fn, config.modelId);
        const routedTo = grant.principalStatements.flatMap((statement) => statement.resources).at(-1);
        if (isInferenceProfile(config.modelId) && routedTo !== undefined) {
          acknowledgeWildcardResource(
            role,
            routedTo,
            'A cross-region inference profile routes each call to its model in a region AWS picks, so the model ARN carries a region wildcard; bedrock:InvokeModel on that one model only.',
          );
        }
        return;
      }
      case 'inbound-mail':
        set({
          [ENV.payloadBucket]: payloads.bucketName,
          [ENV.inboundMailPrefix]: MAIL_PREFIX,
          [ENV.inboundAgents]:
            Object.keys(config.inboundAgents).length === 0 ? undefined : JSON.stringify(config.inboundAgents),
        });
        grantInboundMailRead(payloads, fn);
        acknowledgeWildcardResource(
          role,
          payloads.arnForObjects(`${MAIL_PREFIX}*`),
          'SES names each stored mail after its message id, known only when mail arrives; GetObject only, on the mail/ prefix of this bucket.',
        );
        return;
      case 'tool-servers':
        // Met at bundling (the MCP client, or none): see HandlerFunction's reachesToolServers.
        return;
      case 'dead-letters': {
        const stack = Stack.of(fn);
        const queues = [
          { name: 'ingress', queue: props.ingressDeadLetters, replay: { queue: props.ingress } },
          ...this.deadLetters,
        ];
        set({
          [ENV.deadLetterQueues]: stack.toJsonString(
            queues.map(({ name, queue, replay }) => ({
              name,
              url: queue.queueUrl,
              replay:
                'queue' in replay
                  ? { queueUrl: replay.queue.queueUrl }
                  : { functionName: replay.function.functionName },
            })),
          ),
        });
        for (const { queue, replay } of queues) {
          queue.grantConsumeMessages(fn);
          if ('queue' in replay) replay.queue.grantSendMessages(fn);
          else {
            replay.function.grantInvoke(fn);
            acknowledgeWildcardResource(
              role,
              `${replay.function.functionArn}:*`,
              'grantInvoke covers the function and its versions and aliases (<arn>:*); the one function whose failed events this replays.',
            );
          }
        }
        return;
      }
    }
  }

  /**
   * The queue an asynchronously invoked function's failed events land in, whole (`requestPayload`
   * keeps the event as it came: for mail, the SES message id that names the stored raw mail).
   */
  private failedInvocations(fn: NodejsFunction, name: string): DeadLetters {
    const queue = new sqs.Queue(fn, 'FailedInvocations', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `The on-failure destination of ${name}: a dead-letter queue itself, fed by Lambda's asynchronous invocation rather than an SQS redrive policy.`,
    });
    fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(queue) });
    return { name, queue, replay: { function: fn } };
  }
}
