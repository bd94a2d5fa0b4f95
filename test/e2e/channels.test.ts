import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevStack } from '../../lib/local/dev-stack.ts';
import { runCli } from '../support/cli.ts';
import { eventually, mailsFor, newHome, readThread, startStack, startThread } from './stack.ts';

let stack: DevStack;
let home: string;

beforeAll(async () => {
  home = await newHome();
  stack = await startStack(home);
});

afterAll(async () => {
  await stack?.stop();
});

const local = { region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

const status = (threadId: string, wanted: string) =>
  eventually(`${threadId} ${wanted}`, async () => {
    // A message on the queue becomes a thread a moment later: until then it is not found.
    const thread = await readThread(stack, threadId).catch(() => undefined);
    return thread?.status === wanted ? thread : undefined;
  });

describe('the local stack’s other ways in', () => {
  it('continues a thread with an email reply to its notification', async () => {
    const threadId = await startThread(stack, 'billing', 'create a $200 consulting link for Sam');
    const question = await eventually('the question mail', async () =>
      (await mailsFor(stack, threadId)).find((mail) => mail.text.includes('Which customer do you mean')),
    );
    expect(question.replyTo).toBe(`reply+${threadId}@threadline.local`);

    const smtp = nodemailer.createTransport({
      host: stack.endpoints.smtp.host,
      port: stack.endpoints.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    await smtp.sendMail({
      from: 'you@threadline.local',
      to: question.replyTo,
      subject: `Re: ${question.subject}`,
      text: 'Sam Ortiz, please.\n\nOn Tue, the agent wrote:\n> Which customer do you mean: Sam Lee or Sam Ortiz?',
    });
    smtp.close();

    const waiting = await status(threadId, 'awaiting-approval');
    const answer = waiting.events.find((event) => event.type === 'human-input-response');
    expect(answer?.data).toMatchObject({ text: 'Sam Ortiz, please.', untrusted: true });
    expect(waiting.events.at(-2)?.data).toMatchObject({
      tool: 'create_payment_link',
      args: { customerId: 'cus_sam_ortiz' },
    });
  });

  it('starts a thread when a schedule fires', async () => {
    const fired = await runCli(['schedule', 'fire', String(stack.scheduler.names()[0])], { home });
    expect(fired).toMatchObject({ code: 0, stdout: 'fired monthly-retainer\n' });

    const scheduled = await eventually('a scheduled thread', async () => {
      const listed = (await (await fetch(`${stack.endpoints.api}/threads`)).json()) as {
        threads: { threadId: string }[];
      };
      return listed.threads.find((thread) => thread.threadId.startsWith('sched-'));
    });
    const thread = await status(scheduled.threadId, 'awaiting-approval');
    expect(thread.events[0]).toMatchObject({
      type: 'user-message',
      data: { channel: 'schedule', text: 'create a $1,200 retainer link for Priya' },
    });
  });

  it('takes messages and answers questions from the stock AWS SDK clients, as a user’s script would', async () => {
    const sqs = new SQSClient({ ...local, endpoint: stack.endpoints.aws.sqs });
    const sfn = new SFNClient({ ...local, endpoint: stack.endpoints.aws.sfn });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.endpoints.aws.ingressQueueUrl,
        MessageGroupId: 'sdk-thread',
        MessageDeduplicationId: 'sdk-1',
        MessageBody: JSON.stringify({
          kind: 'start',
          threadId: 'sdk-thread',
          agent: 'billing',
          text: 'create a $90 lunch link for Priya',
          channel: 'api',
          key: 'sdk-1',
        }),
      }),
    );
    await status('sdk-thread', 'awaiting-approval');
    const { executions } = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: stack.endpoints.aws.stateMachineArn,
        statusFilter: 'RUNNING',
      }),
    );
    expect(executions?.map((execution) => execution.name)).toContain('sdk-thread-1');
    sqs.destroy();
    sfn.destroy();
  });
});
