import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ApprovalLinks } from '../lib/adapters/approval-links.ts';
import { DemoModel } from '../lib/adapters/demo-model.ts';
import { DynamoPaymentLinks } from '../lib/adapters/dynamo-payment-links.ts';
import { DynamoThreadStore } from '../lib/adapters/dynamo-thread-store.ts';
import { DynamoWaitStore } from '../lib/adapters/dynamo-wait-store.ts';
import { createModel, parseModelSetting } from '../lib/adapters/model-setting.ts';
import { S3PayloadStore } from '../lib/adapters/s3-payload-store.ts';
import { S3RawMail } from '../lib/adapters/s3-raw-mail.ts';
import { StepFunctionsOrchestrator } from '../lib/adapters/sfn-orchestrator.ts';
import { SqsIngressQueue } from '../lib/adapters/sqs-ingress-queue.ts';
import { randomIds, systemClock } from '../lib/adapters/system-clock.ts';
import type { PaymentLinks } from '../lib/agents/billing/ledger.ts';
import { createStaticDirectory } from '../lib/agents/billing/ledger.ts';
import { createAgents } from '../lib/agents/index.ts';
import { type ApiDeps, apiDepsOf } from '../lib/api/deps.ts';
import type { AwaitHumanDeps } from '../lib/service/await-human.ts';
import type { ReceiveMailDeps } from '../lib/service/receive-mail.ts';
import type { StepServiceDeps } from '../lib/service/run-step.ts';
import { apiBaseOf, signingKey } from './approval-signing.ts';
import { readConfig, required } from './config.ts';
import { once, onceAsync } from './lazy.ts';
import { configuredChannels, notifierFor } from './notifier-for.ts';
import { createTelemetry, type Telemetry } from './telemetry.ts';

export type AwsServiceDeps = StepServiceDeps & AwaitHumanDeps;

/** Everything a handler may use. Each piece is built on first use, once per cold start. */
export interface AwsDeps {
  telemetry: Telemetry;
  service: AwsServiceDeps;
  inbound: ReceiveMailDeps;
  toolName: () => string;
}

let built: AwsDeps | undefined;

/**
 * The deps of the Lambda handlers. Importing a handler builds nothing: the environment is read and
 * each SDK client made on first use, so a function lacking a setting it never uses (the step
 * function has no queue URL) runs, and one lacking a setting it does use fails naming it.
 */
export const awsDeps = (): AwsDeps => {
  built ??= buildAwsDeps(createTelemetry());
  return built;
};

export const buildAwsDeps = (
  telemetry: Telemetry,
  env?: Readonly<Record<string, string | undefined>>,
): AwsDeps => {
  const config = once(() => readConfig(env));
  const capture = <T>(client: T): T => telemetry.tracer?.captureAWSv3Client(client) ?? client;
  const dynamo = once(() => capture(new DynamoDBClient({})));
  const s3 = once(() => capture(new S3Client({})));
  const sfn = once(() => capture(new SFNClient({})));
  const tableName = (): string => config().THREAD_TABLE_NAME;

  const store = once(() => {
    const payloads = new S3PayloadStore({ bucket: required(config(), 'PAYLOAD_BUCKET_NAME'), client: s3() });
    return new DynamoThreadStore({ tableName: tableName(), payloads, client: dynamo() });
  });
  const waits = once(() => new DynamoWaitStore({ tableName: tableName(), client: dynamo() }));
  const orchestrator = once(() => {
    const arn = config().STATE_MACHINE_ARN;
    return new StepFunctionsOrchestrator({ client: sfn(), ...(arn ? { stateMachineArn: arn } : {}) });
  });
  const paymentLinks = once(
    () =>
      new DynamoPaymentLinks({ tableName: required(config(), 'PAYMENT_LINKS_TABLE_NAME'), client: dynamo() }),
  );
  // Only the create_payment_link function has the ledger table: the others never touch it.
  const lazyPaymentLinks: PaymentLinks = {
    create: (link) => paymentLinks().create(link),
    list: () => paymentLinks().list(),
  };
  const agents = once(() =>
    createAgents({ customers: createStaticDirectory(), paymentLinks: lazyPaymentLinks }),
  );
  const model = once(() => {
    const { THREADLINE_MODEL, OPENAI_API_KEY } = config();
    return createModel(parseModelSetting(THREADLINE_MODEL), {
      demo: () => new DemoModel(),
      ...(OPENAI_API_KEY ? { apiKey: OPENAI_API_KEY } : {}),
    });
  });
  const notifier = once(() => notifierFor(config(), telemetry));
  const links = onceAsync(async () => new ApprovalLinks(await signingKey(config())));
  const ingress = once(
    () =>
      new SqsIngressQueue({
        queueUrl: required(config(), 'INGRESS_QUEUE_URL'),
        client: capture(new SQSClient({})),
      }),
  );

  const service: AwsServiceDeps = {
    get store() {
      return store();
    },
    get waits() {
      return waits();
    },
    get orchestrator() {
      return orchestrator();
    },
    get agents() {
      return agents();
    },
    get model() {
      return model();
    },
    get notifier() {
      return notifier();
    },
    get approvers() {
      return config().APPROVER_EMAILS;
    },
    get fallbackApprovers() {
      return config().FALLBACK_APPROVER_EMAILS;
    },
    get channels() {
      return configuredChannels(config());
    },
    get allowedSenders() {
      return config().ALLOWED_SENDERS;
    },
    get approvalTimeoutSeconds() {
      return config().APPROVAL_TIMEOUT_SECONDS;
    },
    clock: systemClock,
    ids: randomIds,
    linkFor: async (approvalId, approver, expiresAt) =>
      (await links()).url(apiBaseOf(required(config(), 'APPROVAL_BASE_URL')), {
        approvalId,
        approver,
        expiresAt,
      }),
  };
  const inbound: ReceiveMailDeps = {
    get store() {
      return store();
    },
    get ingress() {
      return ingress();
    },
    get rawMail() {
      return new S3RawMail({
        bucket: required(config(), 'PAYLOAD_BUCKET_NAME'),
        prefix: config().INBOUND_MAIL_PREFIX,
        client: s3(),
      });
    },
    get agentsByRecipient() {
      return config().INBOUND_AGENTS;
    },
    get inboundDomain() {
      return config().INBOUND_DOMAIN;
    },
    get agents() {
      return agents();
    },
    get people() {
      return service;
    },
  };
  return { telemetry, service, inbound, toolName: () => required(config(), 'TOOL_NAME') };
};

/** The API's deps: the service's, plus the queue and the link signer (read from Secrets Manager). */
export const apiDeps = async (): Promise<ApiDeps> => {
  const { service, telemetry } = awsDeps();
  const config = readConfig();
  return apiDepsOf(service, {
    ingress: awsDeps().inbound.ingress,
    links: new ApprovalLinks(await signingKey(config)),
    auth: { kind: 'iam' },
    publicUrl: config.APPROVAL_BASE_URL ?? '',
    logger: telemetry.logger,
  });
};
