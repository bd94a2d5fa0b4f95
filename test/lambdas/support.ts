import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import { ApprovalLinks } from '../../lib/adapters/approval-links.ts';
import type { WaitRecord } from '../../lib/adapters/wait-store.ts';
import type { ReceiveMailDeps } from '../../lib/service/receive-mail.ts';
import { createHarness } from '../service/harness.ts';

/** Handler deps on the use cases' fakes, with a logger that writes nothing. */
export const createHandlerHarness = (...args: Parameters<typeof createHarness>) => {
  const harness = createHarness(...args);
  return { ...harness, handlerDeps: { service: harness.deps, telemetry: silentTelemetry() } };
};

/** An SQS FIFO record as Lambda delivers it, modelled on the AWS documentation's example. */
export const sqsRecord = (messageId: string, body: string, groupId: string): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1767225600000',
    SequenceNumber: '18849496460467696128',
    MessageGroupId: groupId,
    SenderId: 'AIDAIO23YVJENQZJOL4VO',
    MessageDeduplicationId: messageId,
    ApproximateFirstReceiveTimestamp: '1767225600000',
  },
  messageAttributes: {},
  md5OfBody: '00000000000000000000000000000000',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:ingress.fifo',
  awsRegion: 'eu-west-1',
});

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** The approval signer the inbound-email tests decide with: a fixed test key. */
export const TEST_APPROVAL_LINKS = new ApprovalLinks(Buffer.alloc(32, 7));

/** `checkReference` as inbound-email builds it, with the test key and this clock. */
export const checkReferenceWith =
  (clock: { now(): string }): ReceiveMailDeps['checkReference'] =>
  async (reference, expected) =>
    TEST_APPROVAL_LINKS.checkMailReference(reference, expected, clock.now());

/** The reference the approval mail to `approver` carried, as await-human signs it. */
export const referenceFor = (wait: WaitRecord, approver: string): string => {
  if (!wait.approval) throw new Error('not an approval wait');
  return TEST_APPROVAL_LINKS.mailReference({
    threadId: wait.threadId,
    approvalId: wait.requestId,
    callId: wait.approval.callId,
    argsHash: wait.approval.argsHash,
    approver,
    expiresAt: wait.approval.expiresAt,
  });
};

/**
 * A fixture reply as SES stored it. A reply to an approval mail keeps its subject, so a reply's
 * subject (`Re: Approval needed: create_refund`) gets the signed reference the approval mail
 * carried, when there is one.
 */
export const withReference = (raw: Buffer, reference: string | undefined): Buffer =>
  reference === undefined
    ? raw
    : Buffer.from(
        raw
          .toString('latin1')
          .replace(/^(Subject: Re: Approval needed: create_refund)(\r?)$/m, `$1 [ref ${reference}]$2`),
        'latin1',
      );
