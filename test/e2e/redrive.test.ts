import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevStack } from '../../lib/local/dev-stack.ts';
import { sesReceiptEventFor } from '../../lib/local/ses-inbound-event.ts';
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

const deadLettersPage = async (): Promise<string> => {
  const response = await fetch(`${stack.endpoints.ui}ui/dead-letters`);
  expect(response.status).toBe(200);
  return response.text();
};

const answersIn = async (threadId: string) =>
  (await readThread(stack, threadId)).events.filter((event) => event.type === 'human-input-response');

describe('a mail that fails every attempt', () => {
  it('lands in inbound-email’s dead-letter queue, and once the fault is fixed a redrive delivers it once', async () => {
    const threadId = await startThread(stack, 'billing', 'create a $200 consulting link for Sam');
    const question = await eventually('the question mail', async () =>
      (await mailsFor(stack, threadId)).find((mail) => mail.text.includes('Which customer do you mean')),
    );

    // SES invokes inbound-email with a receipt event for a mail its S3 action stored first. Here
    // the stored mail is missing: every attempt fails, as it would on AWS, until it is put back.
    const messageId = 'redrive0test0mail0000000000000000000001';
    const raw = Buffer.from(
      [
        'From: you@threadline.local',
        `To: ${question.replyTo}`,
        `Subject: Re: ${question.subject}`,
        'Message-ID: <redrive-test-1@threadline.local>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Sam Ortiz, please.',
        '',
      ].join('\r\n'),
    );
    const event = await sesReceiptEventFor({
      messageId,
      raw,
      source: 'you@threadline.local',
      destination: [question.replyTo],
      recipients: [question.replyTo],
      receivedAt: new Date(),
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' },
      functionArn: 'arn:aws:lambda:local:000000000000:function:inbound-email',
    });
    const lambda = new LambdaClient({ ...local, endpoint: stack.endpoints.aws.lambda });
    const functionName = stack.endpoints.aws.functions['inbound-email'];
    const invoked = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    expect(invoked.StatusCode).toBe(202);

    const page = await eventually('the mail in the dead-letter queue', async () => {
      const text = await deadLettersPage();
      return text.includes('inbound-email: 1 message') ? text : undefined;
    });
    expect(page).toContain('RetriesExhausted');
    expect(page).toContain(messageId);
    expect(await answersIn(threadId)).toHaveLength(0);

    // The fault is fixed: the stored mail is where the receipt rule puts it.
    const s3 = new S3Client({ ...local, endpoint: stack.endpoints.aws.s3, forcePathStyle: true });
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.endpoints.aws.mail.bucket,
        Key: `${stack.endpoints.aws.mail.prefix}${messageId}`,
        Body: raw,
      }),
    );

    const redriven = await runCli(['redrive'], { home });
    expect(redriven.stderr).toBe('');
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toContain('inbound-email: 1 sent back');
    expect(redriven.stdout).toContain('ingress: 0 sent back');

    const answered = await eventually('the reply in the thread', async () => {
      const answers = await answersIn(threadId);
      return answers.length > 0 ? answers : undefined;
    });
    expect(answered).toHaveLength(1);
    expect(answered[0]?.data).toMatchObject({ text: 'Sam Ortiz, please.' });
    expect(await deadLettersPage()).toContain('inbound-email: 0 messages');

    // Redriving again moves nothing, and the same mail delivered again is still taken once.
    const again = await fetch(`${stack.endpoints.api}/operations/redrive`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({
      results: [
        { queue: 'ingress', moved: 0, failed: [] },
        { queue: 'inbound-email', moved: 0, failed: [] },
      ],
    });
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    await stack.idle();
    expect(await answersIn(threadId)).toHaveLength(1);
  });

  it('answers 400 naming the queues when asked for one that does not exist', async () => {
    const response = await fetch(`${stack.endpoints.api}/operations/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queues: ['nope'] }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      'no dead-letter queue named nope; there are: ingress, inbound-email',
    );
  });
});
