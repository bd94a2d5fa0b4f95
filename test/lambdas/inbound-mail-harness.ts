import { readFile } from 'node:fs/promises';
import { vi } from 'vitest';
import { createHandler } from '../../lambdas/inbound-email.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import { DynamoWaitStore } from '../../lib/adapters/dynamo-wait-store.ts';
import type { IngressMessage } from '../../lib/adapters/ingress-message.ts';
import { InMemoryPayloadStore } from '../../lib/adapters/payload-store.ts';
import { RawMailNotFoundError } from '../../lib/adapters/s3-raw-mail.ts';
import { hashArgs } from '../../lib/core/hash.ts';
import { awaitHuman } from '../../lib/service/await-human.ts';
import { ingestMessage } from '../../lib/service/ingest.ts';
import { REFUND_ARGS } from '../service/approval-thread.ts';
import { APPROVER, createHarness, modelStep, userMessage } from '../service/harness.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { checkReferenceWith, referenceFor, withReference } from './support.ts';

const MIME = new URL('../fixtures/mime/', import.meta.url);

/** The deployment's own sender address (`SENDER_EMAIL`) in these tests. */
export const OWN_SENDER = 'agents@example.com';
export const AGENT_ADDRESS = 'refunds@in.example.com';
export const REPLY_ADDRESS = 'reply+th-1@in.example.com';

export interface Delivery {
  /** The file under test/fixtures/mime/, without `.eml`; also the SES message id. */
  fixture: string;
  /** The envelope sender (MAIL FROM) SES saw. */
  source?: string;
  recipients?: string[];
}

/**
 * The inbound-email handler as deployed: threads and waits in DynamoDB (dynalite), the raw mail
 * from the fixture files (a reply's subject carrying the approval mail's signed reference, as a
 * reply keeps it), the ingest use case behind the queue. Thread th-1 of the refunds agent
 * waits for approval apr-1; its one approver is approver@example.com; anyone may write to it.
 * Every SES verdict passes (SPF, DKIM, DMARC, spam, virus), so only the mail itself can keep a
 * mail from deciding.
 */
export const createInboundMail = async (dynamo: LocalDynamo) => {
  const harness = createHarness();
  const tableName = await dynamo.createThreadTable();
  const store = new DynamoThreadStore({
    tableName,
    payloads: new InMemoryPayloadStore(),
    client: dynamo.client,
  });
  const waits = new DynamoWaitStore({ tableName, client: dynamo.client });
  const refunds = harness.deps.agents.get('refunds');
  if (!refunds) throw new Error('the harness has no refunds agent');
  const deps = {
    ...harness.deps,
    store,
    waits,
    agents: new Map([['refunds', { ...refunds, humans: { approvers: [APPROVER] } }]]),
  };
  await store.create({ threadId: 'th-1', agent: 'refunds', at: harness.clock.now() });
  const at = harness.clock.now();
  const [, step] = await store.append('th-1', [
    { ...userMessage('Refund INV-1001'), id: 'ev-1', at },
    { ...modelStep('create_refund', REFUND_ARGS), id: 'ev-2', at },
  ]);
  const callId = step?.id ?? 'ev-2';
  await store.append('th-1', [
    {
      id: 'ev-apr',
      at,
      type: 'approval-request',
      data: {
        approvalId: 'apr-1',
        callId,
        tool: 'create_refund',
        args: REFUND_ARGS,
        argsHash: hashArgs(REFUND_ARGS),
      },
    },
  ]);
  const next = { kind: 'approval' as const, tool: 'create_refund', callId, approvalId: 'apr-1' };
  await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, deps);

  const wait = await waits.get('apr-1');
  if (!wait) throw new Error('await-human stored no wait');
  const reference = referenceFor(wait, APPROVER);

  const queued: IngressMessage[] = [];
  const telemetry = silentTelemetry();
  const warn = vi.spyOn(telemetry.logger, 'warn');
  const handler = createHandler({
    inbound: {
      rawMail: {
        read: async (messageId) => {
          try {
            return withReference(await readFile(new URL(`${messageId}.eml`, MIME)), reference);
          } catch {
            throw new RawMailNotFoundError(`mail/${messageId}`);
          }
        },
      },
      ingress: { send: async (message) => void queued.push(message) },
      store,
      agentsByRecipient: new Map([[AGENT_ADDRESS, 'refunds']]),
      inboundDomain: 'in.example.com',
      agents: deps.agents,
      people: deps,
      ownAddresses: [OWN_SENDER],
      checkReference: checkReferenceWith(harness.clock),
    },
    telemetry,
  });

  /** Receives one mail, then ingests what it queued, as the ingest function would. */
  const receive = async (delivery: Delivery) => {
    const before = queued.length;
    await handler(receiptEvent(delivery));
    const sent = queued.slice(before);
    for (const message of sent) await ingestMessage(message, deps);
    return sent;
  };
  const events = async () => (await store.load('th-1')).events;
  const approvalStatus = async () => (await waits.get('apr-1'))?.status;
  /** Every thread in the table: a mail that starts one adds one. */
  const threadIds = async () => (await store.list()).threads.map((thread) => thread.threadId);
  return { receive, events, approvalStatus, threadIds, warn, orchestrator: harness.orchestrator };
};

/** The SES receipt rule's Lambda event for a mail the S3 action stored under its fixture name. */
export const receiptEvent = ({ fixture, source = APPROVER, recipients = [REPLY_ADDRESS] }: Delivery) => {
  const timestamp = '2026-01-01T09:10:00.000Z';
  const pass = { status: 'PASS' };
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: { timestamp, source, messageId: fixture, destination: recipients },
          receipt: {
            timestamp,
            recipients,
            spamVerdict: pass,
            virusVerdict: pass,
            spfVerdict: pass,
            dkimVerdict: pass,
            dmarcVerdict: pass,
          },
        },
      },
    ],
  };
};
