import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ThreadlineConfig } from './config.ts';
import { ENV, MAIL_PREFIX, THREAD_PAYLOAD_PREFIX } from './environment.ts';
import {
  grantInboundMailRead,
  grantInvokeModel,
  grantLoop,
  grantSendEmail,
  grantThreadPayloads,
  grantThreadTable,
  isInferenceProfile,
} from './grants.ts';
import { HandlerFunction, type HandlerFunctionProps } from './handler-function.ts';
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
  signingSecret: secretsmanager.ISecret;
  /** Secrets the notifying functions read: the Slack webhook URL, the webhook signing key. */
  channelSecrets: { slackWebhook?: secretsmanager.ISecret; webhook?: secretsmanager.ISecret };
  loop: LoopReference;
  logRetention: logs.RetentionDays;
}

/** The ingest function's timeout; the ingress queue's visibility timeout is derived from it. */
export const INGEST_TIMEOUT = Duration.seconds(30);

/**
 * Every Lambda function of the stack, each with only what it needs (see docs/aws.md for who reads
 * which variable). Functions the state machine invokes reach the machine through `loop` (a name,
 * not a Ref), which keeps the template free of cycles. Longer than most files on purpose: every
 * function's environment and grants side by side is what a least-privilege review reads.
 */
export class Handlers extends Construct {
  readonly api: NodejsFunction;
  readonly ingest: NodejsFunction;
  readonly step: NodejsFunction;
  readonly awaitHuman: NodejsFunction;
  readonly expire: NodejsFunction;
  readonly startChild: NodejsFunction;
  readonly notify: NodejsFunction;
  readonly onFailure: NodejsFunction;
  readonly inboundEmail: NodejsFunction | undefined;
  /** One function per tool, by tool name. */
  readonly tools: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: HandlersProps) {
    super(scope, id);
    const { config, threads, payloads, loop } = props;
    const base = {
      [ENV.threadTable]: threads.tableName,
      [ENV.payloadBucket]: payloads.bucketName,
    };
    // Whoever sends mail sets `Reply-To: reply+<thread>@<inbound domain>`, so replies find their thread.
    // Secrets travel as names only: each function reads the value from Secrets Manager at cold start.
    const { slackWebhook, webhook } = props.channelSecrets;
    const people = {
      [ENV.approverEmails]: config.approverEmails.join(','),
      ...(config.fallbackApproverEmails.length === 0
        ? {}
        : { [ENV.fallbackApproverEmails]: config.fallbackApproverEmails.join(',') }),
      ...(config.allowedSenders === undefined
        ? {}
        : { [ENV.allowedSenders]: config.allowedSenders.join(',') }),
      ...(config.senderEmail === undefined ? {} : { [ENV.senderEmail]: config.senderEmail }),
      ...(config.inboundDomain === undefined ? {} : { [ENV.inboundDomain]: config.inboundDomain }),
    };
    const channels = {
      ...(slackWebhook === undefined ? {} : { [ENV.slackWebhookSecret]: slackWebhook.secretName }),
      ...(config.webhookUrl === undefined ? {} : { [ENV.webhookUrl]: config.webhookUrl }),
      ...(webhook === undefined ? {} : { [ENV.webhookSecret]: webhook.secretName }),
    };
    const make = (constructId: string, options: Omit<HandlerFunctionProps, 'logRetention'>): NodejsFunction =>
      new HandlerFunction(this, constructId, { ...options, logRetention: props.logRetention }).function;
    const threadAccess = (fn: NodejsFunction, access: 'read' | 'readWrite', listing = false): void => {
      grantThreadTable(threads, fn, { write: access === 'readWrite', listing });
      grantThreadPayloads(payloads, fn, access);
    };
    /** Everything a function that tells people needs: SES, and the Slack and webhook secrets. */
    const notifies = (fn: NodejsFunction): void => {
      for (const [name, value] of Object.entries(channels)) fn.addEnvironment(name, value);
      if (config.senderEmail !== undefined) grantSendEmail(fn, config.senderEmail);
      slackWebhook?.grantRead(fn);
      webhook?.grantRead(fn);
    };

    this.api = make('Api', {
      name: 'api',
      entry: 'lambdas/api.ts',
      description:
        'threadline HTTP API: start, read, message, pause, resume, cancel threads; decide approvals',
      timeout: Duration.seconds(25),
      environment: {
        ...base,
        [ENV.ingressQueue]: props.ingress.queueUrl,
        [ENV.stateMachine]: loop.arn,
        [ENV.signingSecret]: props.signingSecret.secretArn,
      },
    });
    threadAccess(this.api, 'readWrite', true);
    props.ingress.grantSendMessages(this.api);
    grantLoop(this.api, loop, ['respond', 'stop']);
    acknowledgeWildcardResource(
      this.api.role ?? this.api,
      loop.executionsArn,
      'Cancelling a thread stops its running turns, whose execution names (<threadId>-<seq>) exist only at run time; StopExecution only, on executions of this state machine only.',
    );
    props.signingSecret.grantRead(this.api);

    this.ingest = make('Ingest', {
      name: 'ingest',
      entry: 'lambdas/ingest.ts',
      description:
        'threadline ingress: append each queued message to its thread, then start or resume a turn',
      timeout: INGEST_TIMEOUT,
      environment: { ...base, ...people, [ENV.stateMachine]: loop.arn },
    });
    threadAccess(this.ingest, 'readWrite');
    grantLoop(this.ingest, loop, ['start', 'respond']);

    this.step = make('Step', {
      name: 'step',
      entry: 'lambdas/step.ts',
      description: 'threadline agent step: render the thread, ask the model for one next step, append it',
      // Up to three model calls (a retry on a reply the agent can fix, and a throttled one).
      timeout: Duration.seconds(120),
      memorySize: 1024,
      environment: { ...base, [ENV.model]: `bedrock:${config.modelId}` },
    });
    threadAccess(this.step, 'readWrite');
    const modelGrant = grantInvokeModel(this.step, config.modelId);
    if (isInferenceProfile(config.modelId)) {
      const routedTo = modelGrant.principalStatements.flatMap((statement) => statement.resources).at(-1);
      if (routedTo !== undefined) {
        acknowledgeWildcardResource(
          this.step.role ?? this.step,
          routedTo,
          'A cross-region inference profile routes each call to its model in a region AWS picks, so the model ARN carries a region wildcard; bedrock:InvokeModel on that one model only.',
        );
      }
    }

    // The two functions that send approval links: they sign them and know how long they last.
    const approvals = {
      ...base,
      ...people,
      [ENV.approvalTimeout]: String(config.approvalTimeoutSeconds),
      [ENV.signingSecret]: props.signingSecret.secretArn,
    };
    this.awaitHuman = make('AwaitHuman', {
      name: 'await-human',
      entry: 'lambdas/await-human.ts',
      description:
        'threadline wait: store the task token server-side and ask a person (approval or question)',
      timeout: Duration.seconds(30),
      environment: approvals,
    });
    threadAccess(this.awaitHuman, 'readWrite');
    notifies(this.awaitHuman);
    props.signingSecret.grantRead(this.awaitHuman);
    // A decision that landed before the token was stored: the wait resumes its own task.
    grantLoop(this.awaitHuman, loop, ['respond']);

    this.expire = make('Expire', {
      name: 'expire',
      entry: 'lambdas/expire.ts',
      description:
        'threadline approval timeout: ask the fallback approvers once, then record the approval as expired',
      timeout: Duration.seconds(30),
      environment: approvals,
    });
    threadAccess(this.expire, 'readWrite');
    notifies(this.expire);
    props.signingSecret.grantRead(this.expire);

    this.startChild = make('StartChild', {
      name: 'start-child',
      entry: 'lambdas/start-child.ts',
      description: 'threadline child thread: start the sub-task thread whose end answers the parent',
      timeout: Duration.seconds(15),
      environment: { ...base, [ENV.stateMachine]: loop.arn },
    });
    threadAccess(this.startChild, 'readWrite');
    grantLoop(this.startChild, loop, ['start']);

    // A child thread's end (done, escalated, failed) answers its parent's wait, or starts the
    // parent's next turn: notify and on-failure record it in the parent and resume it.
    this.notify = make('Notify', {
      name: 'notify',
      entry: 'lambdas/notify.ts',
      description:
        'threadline notify: tell people a thread is done or escalated; report a child’s end to its parent',
      timeout: Duration.seconds(30),
      environment: { ...base, ...people, [ENV.stateMachine]: loop.arn },
    });
    threadAccess(this.notify, 'readWrite');
    notifies(this.notify);
    grantLoop(this.notify, loop, ['start', 'respond']);

    this.onFailure = make('OnFailure', {
      name: 'on-failure',
      entry: 'lambdas/on-failure.ts',
      description:
        'threadline catch-all: append a failure event, notify, report a child’s failure to its parent',
      timeout: Duration.seconds(30),
      environment: { ...base, ...people, [ENV.stateMachine]: loop.arn },
    });
    threadAccess(this.onFailure, 'readWrite');
    notifies(this.onFailure);
    grantLoop(this.onFailure, loop, ['start', 'respond']);

    this.inboundEmail =
      config.inboundDomain === undefined
        ? undefined
        : make('InboundEmail', {
            name: 'inbound-email',
            entry: 'lambdas/inbound-email.ts',
            description:
              'threadline inbound mail: read the stored mail, map a reply to its thread, enqueue it',
            timeout: Duration.seconds(30),
            environment: {
              ...base,
              ...people,
              [ENV.ingressQueue]: props.ingress.queueUrl,
              [ENV.inboundDomain]: config.inboundDomain,
              [ENV.inboundMailPrefix]: MAIL_PREFIX,
              ...(Object.keys(config.inboundAgents).length === 0
                ? {}
                : { [ENV.inboundAgents]: JSON.stringify(config.inboundAgents) }),
            },
          });
    if (this.inboundEmail) {
      grantInboundMailRead(payloads, this.inboundEmail);
      // Replies find their thread by In-Reply-To: a read of the table, nothing more.
      grantThreadTable(threads, this.inboundEmail, { write: false, listing: false });
      props.ingress.grantSendMessages(this.inboundEmail);
    }

    acknowledgeWildcardResource(
      this,
      payloads.arnForObjects(`${THREAD_PAYLOAD_PREFIX}*`),
      'Event bodies too large for an item live under content-addressed keys below threads/, unknown until written; GetObject/PutObject only, on that prefix of this bucket.',
    );
    if (this.inboundEmail) {
      acknowledgeWildcardResource(
        this.inboundEmail.role ?? this.inboundEmail,
        payloads.arnForObjects(`${MAIL_PREFIX}*`),
        'SES names each stored mail after its message id, known only when mail arrives; GetObject only, on the mail/ prefix of this bucket.',
      );
    }
    this.tools = new ToolFunctions(this, 'Tools', {
      tools: props.tools,
      threads,
      payloads,
      resources: props.resources,
      environment: base,
      logRetention: props.logRetention,
    }).functions;
  }
}
