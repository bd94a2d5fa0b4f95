import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { domainOfAddress } from '../core/email-address.ts';
import { AgentLoop } from './agent-loop.ts';
import type { ThreadlineConfig } from './config.ts';
import { ENV } from './environment.ts';
import { applyFeatureFlags } from './feature-flags.ts';
import { INGEST_TIMEOUT } from './function-specs.ts';
import { Handlers } from './handlers.ts';
import { InboundMail } from './inbound-mail.ts';
import { IngressQueue, MAX_RECEIVE_COUNT } from './ingress-queue.ts';
import { loopReference } from './loop-reference.ts';
import { Operations } from './operations.ts';
import { PayloadBucket } from './payload-bucket.ts';
import { Schedules } from './schedules.ts';
import { ThreadApi } from './thread-api.ts';
import { ThreadsTable } from './threads-table.ts';
import { type AgentManifest, readAgentManifest } from './tool-manifest.ts';

export interface ThreadlineStackProps extends StackProps, ThreadlineConfig {
  /** The agents and tools to build for; read from `lib/agents` when unset. */
  manifest?: AgentManifest;
}

/**
 * One threadline deployment (docs/aws.md): the threads table, the payload bucket, the ingress
 * queue, a function per handler and per tool, the agent loop, the API, and the optional
 * schedules and inbound mail.
 */
export class ThreadlineStack extends Stack {
  readonly handlers: Handlers;
  readonly loop: AgentLoop;
  readonly api: ThreadApi;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: ThreadlineStackProps) {
    super(scope, id, props);
    applyFeatureFlags(this);
    const manifest = props.manifest ?? readAgentManifest();
    checkInboundAgents(props, manifest.agents);
    // RetentionDays' values are the day counts themselves, and the config accepts only those.
    const logRetention = props.retentionDays as logs.RetentionDays;
    const loop = loopReference(this);

    const threads = new ThreadsTable(this, 'Threads').table;
    const payloads = new PayloadBucket(this, 'Payloads', { retentionDays: props.retentionDays }).bucket;
    const ingress = new IngressQueue(this, 'Ingress', { consumerTimeout: INGEST_TIMEOUT });
    const signingSecret = new secretsmanager.Secret(this, 'ApprovalSigningKey', {
      description: 'threadline: the HMAC key approval links are signed with',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(signingSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the signing key invalidates every approval link still waiting (up to approvalTimeoutSeconds); rotate it by hand when no approval is pending.',
    });

    // Made outside the stack and named in context, so their values never pass through CloudFormation.
    const channelSecrets = {
      ...(props.slackWebhookSecretName === undefined
        ? {}
        : {
            slackWebhook: secretsmanager.Secret.fromSecretNameV2(
              this,
              'SlackWebhookUrl',
              props.slackWebhookSecretName,
            ),
          }),
      ...(props.webhookSecretName === undefined
        ? {}
        : {
            webhook: secretsmanager.Secret.fromSecretNameV2(
              this,
              'WebhookSigningKey',
              props.webhookSecretName,
            ),
          }),
    };

    this.handlers = new Handlers(this, 'Functions', {
      config: props,
      tools: manifest.tools,
      resources: manifest.resources ?? [],
      threads,
      payloads,
      ingress: ingress.queue,
      ingressDeadLetters: ingress.deadLetterQueue,
      signingSecret,
      channelSecrets,
      loop,
      logRetention,
    });
    this.handlers.functions.ingest.addEventSource(
      new SqsEventSource(ingress.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    this.loop = new AgentLoop(this, 'AgentLoop', {
      functions: {
        step: this.handlers.functions.step,
        awaitHuman: this.handlers.functions.awaitHuman,
        expire: this.handlers.functions.expire,
        startChild: this.handlers.functions.startChild,
        notify: this.handlers.functions.notify,
        onFailure: this.handlers.functions.onFailure,
        tools: this.handlers.tools,
      },
      tools: manifest.tools,
      loop,
      approvalTimeoutSeconds: approvalTimerSeconds(props.approvalTimeoutSeconds, manifest),
      logRetention,
    });

    this.api = new ThreadApi(this, 'Api', {
      handler: this.handlers.functions.api,
      redrive: this.handlers.functions.redrive,
      logRetention,
    });
    this.handlers.functions.awaitHuman.addEnvironment(ENV.approvalBaseUrl, this.api.approvalsUrl);
    // The fallback approvers' links are signed by Expire.
    this.handlers.functions.expire.addEnvironment(ENV.approvalBaseUrl, this.api.approvalsUrl);

    if (props.schedules.length > 0) {
      new Schedules(this, 'Schedules', {
        schedules: props.schedules,
        agents: manifest.agents,
        ingress: ingress.queue,
      });
    }
    if (props.inboundDomain !== undefined && this.handlers.functions.inboundEmail) {
      new InboundMail(this, 'InboundMail', {
        domain: props.inboundDomain,
        bucket: payloads,
        handler: this.handlers.functions.inboundEmail,
      });
    }

    this.operations = watch(this, props, { ingress, handlers: this.handlers, loop: this.loop });

    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url });
    new CfnOutput(this, 'StateMachineArn', { value: this.loop.stateMachine.stateMachineArn });
    new CfnOutput(this, 'IngressQueueUrl', { value: ingress.queue.queueUrl });
  }
}

/**
 * How long `AwaitApproval` waits before `Expire` looks at it: the shortest round any agent has.
 * An agent with a longer round is simply waited on again (`Expire` says `still-waiting`), so one
 * timer serves every agent, and the state machine stays one for all of them.
 */
export const approvalTimerSeconds = (deploymentSeconds: number, manifest: AgentManifest): number =>
  Math.min(deploymentSeconds, ...(manifest.approvalTimeouts ?? []));

/** Inbound addresses must be at the inbound domain and name an agent that exists. */
const checkInboundAgents = (config: ThreadlineConfig, agents: readonly string[]): void => {
  for (const [address, agent] of Object.entries(config.inboundAgents)) {
    if (!agents.includes(agent)) {
      throw new Error(`inboundAgents: ${address} names agent ${agent}; the agents are ${agents.join(', ')}`);
    }
    if (
      config.inboundDomain === undefined ||
      domainOfAddress(address) !== domainOfAddress(`@${config.inboundDomain}`)
    ) {
      throw new Error(
        `inboundAgents: ${address} is not at inboundDomain (${config.inboundDomain ?? 'unset'})`,
      );
    }
  }
};

/**
 * The alarms that reach a person (docs/aws.md says what each means and what to do): every
 * dead-letter queue, the loop's failed and timed-out turns, the step function's errors and
 * throttles, and the model's throttling. Each notifies the operators' topic.
 */
const watch = (
  stack: Stack,
  config: ThreadlineConfig,
  parts: { ingress: IngressQueue; handlers: Handlers; loop: AgentLoop },
): Operations => {
  const operations = new Operations(stack, 'Operations', { operatorEmails: config.approverEmails });
  const redrive =
    'Fix the cause (the function’s logs say it), then `threadline redrive --url <api>` or POST /operations/redrive.';
  operations.watchDeadLetters(
    parts.ingress.deadLetterQueue,
    `An ingress message failed ${MAX_RECEIVE_COUNT} times and was dead-lettered: a message or a start waits. ${redrive}`,
  );
  for (const { name, queue } of parts.handlers.deadLetters) {
    operations.watchDeadLetters(
      queue,
      `${name} failed an event three times and dead-lettered it. ${redrive}`,
    );
  }
  const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
  const machine = parts.loop.stateMachine;
  operations.alarm(machine, 'FailedAlarm', {
    metric: machine.metricFailed(fiveMinutes),
    description:
      'A turn of the agent loop failed (its catch-all could not record the failure). Read the execution’s history in the Step Functions console.',
  });
  operations.alarm(machine, 'TimedOutAlarm', {
    metric: machine.metricTimedOut(fiveMinutes),
    description: 'A turn of the agent loop timed out: a wait outlived its limit without being recorded.',
  });
  const step = parts.handlers.functions.step;
  operations.alarm(step, 'ErrorsAlarm', {
    metric: step.metricErrors(fiveMinutes),
    description:
      'The step function threw: a model call failed past its retries or the thread store refused. The loop retries; read the step function’s logs.',
  });
  operations.alarm(step, 'ThrottlesAlarm', {
    metric: step.metricThrottles(fiveMinutes),
    description: 'Lambda throttled the step function: raise its reserved or the account’s concurrency.',
  });
  operations.alarm(step, 'ModelThrottlesAlarm', {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/Bedrock',
      metricName: 'InvocationThrottles',
      dimensionsMap: { ModelId: config.modelId },
      ...fiveMinutes,
    }),
    description: `Bedrock throttled ${config.modelId}: steps wait and retry. Ask for a higher quota, or use a cross-region inference profile.`,
  });
  return operations;
};
