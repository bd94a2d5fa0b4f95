import { S3RawMail } from '../lib/adapters/s3-raw-mail.ts';
import { SesReceiptEventSchema } from '../lib/adapters/ses-receipt-event.ts';
import { type ReceiveMailDeps, receiveMail } from '../lib/service/receive-mail.ts';
import { linkSigner } from './approval-signing.ts';
import { createBase, type Env } from './base.ts';
import { required } from './config.ts';
import { ingressQueueOf } from './ingress-piece.ts';
import { parsePayload } from './invalid-payload.ts';
import { lazyFields } from './lazy.ts';
import { s3Client } from './s3-piece.ts';
import { createTelemetry, publishMetrics, type Telemetry } from './telemetry.ts';

export interface InboundEmailHandlerDeps {
  inbound: ReceiveMailDeps;
  telemetry: Telemetry;
}

/**
 * SES receipt rule, Lambda action (asynchronous): the S3 action stored the raw mail under
 * `mail/<messageId>` first. Each mail becomes an ingress message: a reply continues its thread
 * (or, from an authenticated approver, decides its pending approval), a new mail to an agent's
 * address starts a thread. Mail SES judged spam or infected, mail a machine sent (auto-replies,
 * bounces, this deployment's own mail), and mail from a sender the agent does not accept, is
 * dropped and logged. A mail that names no single sender (two From headers, a route address …)
 * is logged with the reason, and is nobody's decision.
 * Errors throw: Lambda retries an asynchronous invocation twice, then its failure destination.
 */
export const createHandler = (deps: InboundEmailHandlerDeps) => async (event: unknown) => {
  const { logger, metrics } = deps.telemetry;
  const records = parsePayload('inbound-email', SesReceiptEventSchema, event).Records;
  try {
    for (const record of records) {
      const outcome = await receiveMail(record.ses, deps.inbound);
      const facts = { sesMessageId: record.ses.mail.messageId, ...outcome };
      if (outcome.action === 'dropped') logger.warn('inbound mail dropped', facts);
      else if (outcome.notADecision !== undefined)
        logger.warn('inbound mail reads as a decision but may not decide: queued as a message', facts);
      else if (outcome.senderProblem !== undefined)
        logger.warn('inbound mail names no single sender: queued as a message from nobody trusted', facts);
      else logger.info('inbound mail queued', facts);
      metrics?.addMetric(`inbound_${outcome.action}`, 'Count', 1);
      if (outcome.action === 'queued' && outcome.notADecision !== undefined)
        metrics?.addMetric('inbound_decision_refused', 'Count', 1);
    }
  } finally {
    publishMetrics(deps.telemetry);
  }
  return {};
};

/** The inbound mail function's deps: the raw mail in S3, the ingress queue, and threads only to read. */
export const depsFrom = (telemetry: Telemetry, env?: Env): InboundEmailHandlerDeps => {
  const base = createBase(telemetry, env);
  const links = linkSigner(base.config);
  const inbound = lazyFields<ReceiveMailDeps>({
    store: base.store,
    agents: base.agents,
    people: base.people,
    ingress: () => ingressQueueOf(base),
    rawMail: () =>
      new S3RawMail({
        bucket: required(base.config(), 'PAYLOAD_BUCKET_NAME'),
        prefix: base.config().INBOUND_MAIL_PREFIX,
        client: s3Client(),
      }),
    agentsByRecipient: () => base.config().INBOUND_AGENTS,
    checkReference: () => async (reference, expected) =>
      (await links()).checkMailReference(reference, expected, base.clock.now()),
    inboundDomain: () => base.config().INBOUND_DOMAIN,
    ownAddresses: () => {
      const sender = base.config().SENDER_EMAIL;
      return sender === undefined ? [] : [sender];
    },
  });
  return { inbound, telemetry };
};

export const handler = createHandler(depsFrom(createTelemetry()));
