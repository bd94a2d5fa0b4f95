import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SesNotifier } from '../../lib/adapters/ses-notifier.ts';

const ses = mockClient(SESv2Client);
const notifier = (options: { inboundDomain?: string } = {}) =>
  new SesNotifier({
    from: 'agents@example.com',
    defaultTo: ['approver@example.com'],
    client: new SESv2Client({ region: 'eu-west-1' }),
    ...options,
  });

beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
});

describe('SesNotifier', () => {
  it('mails an approval request to its approver with the signed link, in text and HTML', async () => {
    await notifier({ inboundDomain: 'in.example.com' }).notify({
      kind: 'approval-requested',
      threadId: 'th-1',
      to: ['ada@example.com'],
      approvalId: 'apr-1',
      tool: 'create_payment_link',
      args: { customerId: 'cus_terri', amountCents: 5000, description: '<b>Invoice</b>' },
      expiresAt: '2026-01-02T00:00:00.000Z',
      link: 'https://api.example.com/approvals/apr-1?a=ada%40example.com&d=any&e=1&s=sig',
    });

    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('agents@example.com');
    expect(input?.Destination).toEqual({ ToAddresses: ['ada@example.com'] });
    expect(input?.ReplyToAddresses).toEqual(['reply+th-1@in.example.com']);
    const simple = input?.Content?.Simple;
    expect(simple?.Subject?.Data).toBe('Approval needed: create_payment_link');
    expect(simple?.Headers).toEqual([
      { Name: 'X-Threadline-Thread', Value: 'th-1' },
      { Name: 'X-Threadline-Request', Value: 'apr-1' },
    ]);
    expect(simple?.Body?.Text?.Data).toContain(
      'https://api.example.com/approvals/apr-1?a=ada%40example.com&d=any&e=1&s=sig',
    );
    expect(simple?.Body?.Text?.Data).toContain('"amountCents": 5000');
    expect(simple?.Body?.Html?.Data).toContain(
      '<a href="https://api.example.com/approvals/apr-1?a=ada%40example.com&amp;d=any&amp;e=1&amp;s=sig">',
    );
    expect(simple?.Body?.Html?.Data).toContain('&lt;b&gt;Invoice&lt;/b&gt;');
    expect(simple?.Body?.Html?.Data).not.toContain('<b>Invoice</b>');
  });

  it('sends a notification that names nobody to the default recipients, without a Reply-To when no mail comes in', async () => {
    await notifier().notify({ kind: 'failure', threadId: 'th-1', error: 'ModelFailed: bad request' });

    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.Destination).toEqual({ ToAddresses: ['approver@example.com'] });
    expect(input?.ReplyToAddresses).toBeUndefined();
    expect(input?.Content?.Simple?.Headers).toEqual([{ Name: 'X-Threadline-Thread', Value: 'th-1' }]);
    expect(input?.Content?.Simple?.Body?.Text?.Data).toBe('Thread th-1 failed: ModelFailed: bad request\n');
  });

  it('tells an approver how to decide by reply when replies reach threadline, and a fallback approver why it is theirs', async () => {
    const approval = {
      kind: 'approval-requested' as const,
      threadId: 'th-1',
      to: ['boss@example.com'],
      approvalId: 'apr-1',
      tool: 'create_payment_link',
      args: { amountUsd: 750 },
      link: 'https://api.example.com/approvals/apr-1?a=boss%40example.com&d=any&e=1&s=sig',
    };
    await notifier({ inboundDomain: 'in.example.com' }).notify({ ...approval, fallback: true });
    await notifier().notify(approval);

    const [withReplies, withoutReplies] = ses
      .commandCalls(SendEmailCommand)
      .map((call) => call.args[0].input.Content?.Simple);
    expect(withReplies?.Subject?.Data).toBe('Approval overdue: create_payment_link');
    expect(withReplies?.Body?.Text?.Data).toMatch(
      /^Nobody decided this in time, so it comes to you as a fallback approver\.\n\nThread th-1 asks/,
    );
    expect(withReplies?.Body?.Text?.Data).toContain(
      'Or reply to this email with "approve", or "reject: <your reason>", as its first line.',
    );
    expect(withReplies?.Body?.Html?.Data).toContain('&quot;reject: &lt;your reason&gt;&quot;');
    expect(withoutReplies?.Subject?.Data).toBe('Approval needed: create_payment_link');
    expect(withoutReplies?.Body?.Text?.Data).not.toContain('reply');
  });

  it('asks a question so that a reply answers it', async () => {
    await notifier({ inboundDomain: 'in.example.com' }).notify({
      kind: 'question',
      threadId: 'th-1',
      requestId: 'q-1',
      question: 'Which Sam?',
    });

    const simple = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Simple;
    expect(simple?.Subject?.Data).toBe('A question from your agent');
    expect(simple?.Body?.Text?.Data).toBe(
      'Thread th-1 asks:\n\nWhich Sam?\n\nReply to this email to answer.\n',
    );
  });

  it('sends nothing when nobody is to be told', async () => {
    const quiet = new SesNotifier({
      from: 'agents@example.com',
      defaultTo: [],
      client: new SESv2Client({ region: 'eu-west-1' }),
    });

    await quiet.notify({ kind: 'done', threadId: 'th-1', message: 'Done.' });

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('throws what SES throws: the task retries', async () => {
    ses.on(SendEmailCommand).rejects(new Error('MessageRejected: Email address is not verified'));

    await expect(notifier().notify({ kind: 'done', threadId: 'th-1', message: 'Done.' })).rejects.toThrow(
      'MessageRejected',
    );
  });
});
