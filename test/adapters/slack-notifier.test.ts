import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../lib/adapters/json-delivery.ts';
import type { Notification } from '../../lib/adapters/notifier.ts';
import { SlackNotifier } from '../../lib/adapters/slack-notifier.ts';
import { type ScriptedChatServer, startScriptedChatServer } from './scripted-chat-server.ts';

const SECRET_PATH = '/services/T0001/B0001/xoxb-secret-part-of-the-webhook';
const LINK = 'https://api.example.com/v1/approvals/apr-1?a=slack&d=any&e=1767312000&s=signature';
const APPROVAL: Notification = {
  kind: 'approval-requested',
  threadId: 'th-1',
  to: ['ada@example.com'],
  channels: ['slack'],
  approvalId: 'apr-1',
  tool: 'create_payment_link',
  args: { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship <b>&</b> <@U123>' },
  expiresAt: '2026-01-02T00:00:00.000Z',
  link: LINK,
};

let server: ScriptedChatServer;
let url: string;
const delays: number[] = [];
const notifier = (webhookUrl: string | (() => Promise<string>) = url) =>
  new SlackNotifier({
    webhookUrl,
    retry: { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
  });

beforeAll(async () => {
  server = await startScriptedChatServer();
  url = `${server.baseUrl}${SECRET_PATH}`;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  delays.length = 0;
});

describe('SlackNotifier', () => {
  it('posts an approval as Block Kit: the action and its arguments, and a button to the signed link', async () => {
    server.respond({ status: 200, body: 'ok' });

    await notifier().notify(APPROVAL);

    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: `/v1${SECRET_PATH}` });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      text: 'Approval needed: create_payment_link',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              '*Approval needed*: `create_payment_link` in thread `th-1`\n' +
              '• customerId: "cus_terri"\n' +
              '• amountUsd: 750\n' +
              '• description: "sponsorship &lt;b&gt;&amp;&lt;/b&gt; &lt;@U123&gt;"',
          },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'The link works until 2026-01-02T00:00:00.000Z. Approvers: ada@example.com',
            },
          ],
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'open-approval',
              text: { type: 'plain_text', text: 'Review and decide' },
              url: LINK,
              style: 'primary',
            },
          ],
        },
      ],
    });
  });

  it('says when an approval goes to the fallback approvers', async () => {
    server.respond({ status: 200, body: 'ok' });

    await notifier().notify({ ...APPROVAL, fallback: true });

    expect(JSON.parse(server.requests[0]?.body ?? '').blocks[0].text.text).toContain(
      'Nobody decided in time: this now goes to the fallback approvers.',
    );
  });

  it.each<[Notification, string]>([
    [
      { kind: 'question', threadId: 'th-1', requestId: 'q-1', question: 'Which Sam?' },
      '*Question* from thread `th-1`\n> Which Sam?',
    ],
    [
      { kind: 'done', threadId: 'th-1', message: 'Link sent.\nBye' },
      '*Done*: thread `th-1`\n> Link sent.\n> Bye',
    ],
    [
      { kind: 'escalation', threadId: 'th-1', reason: 'step-cap', detail: '20 steps' },
      '*Needs a person* (step-cap): thread `th-1`\n> 20 steps',
    ],
    [
      { kind: 'failure', threadId: 'th-1', error: 'ModelFailed: <oops>' },
      '*Failed*: thread `th-1`\n> ModelFailed: &lt;oops&gt;',
    ],
  ])('posts a %s as one section', async (notification, text) => {
    server.respond({ status: 200, body: 'ok' });

    await notifier().notify(notification);

    expect(JSON.parse(server.requests[0]?.body ?? '').blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text } },
    ]);
  });

  it('retries a 500 and a 429 with backoff, waiting what Retry-After asks', async () => {
    server.respond(
      { status: 500, body: 'internal_error' },
      { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' },
      { status: 200, body: 'ok' },
    );

    await notifier().notify(APPROVAL);

    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((request) => request.body)).size).toBe(1);
    expect(delays).toEqual([125, 2000]);
  });

  it('gives up after four attempts, and its error names neither the URL nor its secret path', async () => {
    const echo = { status: 500, body: `Cannot POST /v1${SECRET_PATH}` };
    server.respond(echo, echo, echo, echo);

    const error = await notifier()
      .notify(APPROVAL)
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ channel: 'slack', facts: { attempts: 4, retryable: true, status: 500 } });
    expect(String(error)).toBe(
      'DeliveryError: the slack notification was not delivered (gave up after 4 attempts): answered 500: Cannot POST [redacted]',
    );
    const everything = `${inspect(error, { depth: 5 })} ${JSON.stringify(error)} ${inspect(notifier(), { depth: 5 })}`;
    expect(everything).not.toContain('xoxb-secret');
    expect(everything).not.toContain(server.baseUrl);
  });

  it('fails at once when Slack refuses the webhook (404 no_service)', async () => {
    server.respond({ status: 404, body: 'no_service' });

    await expect(notifier().notify(APPROVAL)).rejects.toThrow(
      'the slack notification was not delivered: answered 404: no_service',
    );
    expect(server.requests).toHaveLength(1);
  });

  it('names no URL when it cannot reach the server or the URL is not one', async () => {
    const closed = await startScriptedChatServer();
    const gone = `${closed.baseUrl}${SECRET_PATH}`;
    await closed.close();

    const failureOf = (webhookUrl: string) =>
      notifier(webhookUrl)
        .notify(APPROVAL)
        .then(
          () => '',
          (error: unknown) => inspect(error),
        );

    const unreachable = await failureOf(gone);
    const invalid = await failureOf(`not a url${SECRET_PATH}`);

    expect(unreachable).toMatch(/could not reach it: TypeError: fetch failed \(ECONNREFUSED\)/);
    expect(invalid).toMatch(/the slack URL is not an http\(s\) URL/);
    expect(`${unreachable} ${invalid}`).not.toContain('xoxb-secret');
  });

  it('reads the URL when it first needs it, from a function such as a Secrets Manager read', async () => {
    server.respond({ status: 200, body: 'ok' });
    let reads = 0;

    await notifier(async () => {
      reads += 1;
      return url;
    }).notify(APPROVAL);

    expect(reads).toBe(1);
    expect(server.requests).toHaveLength(1);
  });
});
