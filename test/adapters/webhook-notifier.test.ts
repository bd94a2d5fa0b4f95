import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../lib/adapters/notifier.ts';
import { WebhookNotifier, webhookPayloadOf } from '../../lib/adapters/webhook-notifier.ts';
import { verifyWebhookSignature } from '../../lib/adapters/webhook-signature.ts';
import { type ScriptedChatServer, startScriptedChatServer } from './scripted-chat-server.ts';

const SECRET = 'whsec_a-signing-secret-of-more-than-32-bytes';
const APPROVAL: Notification = {
  kind: 'approval-requested',
  threadId: 'th-1',
  to: ['ada@example.com'],
  channels: ['webhook'],
  approvalId: 'apr-1',
  tool: 'create_payment_link',
  args: { customerId: 'cus_terri', amountUsd: 750 },
  expiresAt: '2026-01-02T00:00:00.000Z',
  link: 'https://api.example.com/v1/approvals/apr-1?a=webhook&d=any&e=1767312000&s=signature',
};

let server: ScriptedChatServer;
let url: string;
let now: number;
const notifier = (secret: string = SECRET) =>
  new WebhookNotifier({
    url,
    secret,
    now: () => now,
    retry: {
      // A backoff moves the clock on, so a retried attempt is signed at a later time.
      sleep: async (ms) => {
        now += ms + 1000;
      },
      random: () => 0,
    },
  });

beforeAll(async () => {
  server = await startScriptedChatServer();
  url = `${server.baseUrl}/hooks/threadline?token=receiver-side-token`;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  now = Date.parse('2026-01-01T00:00:00.000Z');
});

describe('WebhookNotifier', () => {
  it('posts { id, type, threadId, … } with a signature over its time and body that a receiver verifies', async () => {
    server.respond({ status: 204 });

    await notifier().notify(APPROVAL);

    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/hooks/threadline?token=receiver-side-token' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      id: expect.stringMatching(/^ntf_[0-9a-f]{32}$/),
      type: 'approval-requested',
      threadId: 'th-1',
      to: ['ada@example.com'],
      approvalId: 'apr-1',
      tool: 'create_payment_link',
      args: { customerId: 'cus_terri', amountUsd: 750 },
      expiresAt: '2026-01-02T00:00:00.000Z',
      link: APPROVAL.link,
    });
    const header = request?.headers['x-threadline-signature'];
    expect(header).toMatch(/^t=1767225600,v1=[0-9a-f]{64}$/);
    expect(
      verifyWebhookSignature({
        body: request?.body ?? '',
        header: typeof header === 'string' ? header : undefined,
        secret: SECRET,
        now: 1_767_225_630,
      }),
    ).toEqual({ ok: true, timestamp: 1_767_225_600 });
  });

  it('retries a 500, signing each attempt afresh, with the same id so a receiver can drop a repeat', async () => {
    server.respond({ status: 500, body: 'busy' }, { status: 200, body: '{}' });

    await notifier().notify(APPROVAL);

    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first?.body).toBe(second?.body);
    const signatures = server.requests.map((request) => String(request.headers['x-threadline-signature']));
    expect(signatures[0]).not.toBe(signatures[1]);
    for (const [index, request] of server.requests.entries()) {
      expect(
        verifyWebhookSignature({
          body: request.body,
          header: signatures[index],
          secret: SECRET,
          now: now / 1000,
        }),
      ).toMatchObject({ ok: true });
    }
  });

  it('gives up after four attempts, naming neither the secret nor the URL', async () => {
    const echo = {
      status: 503,
      body: `no receiver at /v1/hooks/threadline?token=receiver-side-token ${SECRET}`,
    };
    server.respond(echo, echo, echo, echo);

    const error = await notifier()
      .notify(APPROVAL)
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );

    expect(server.requests).toHaveLength(4);
    expect(error).toMatchObject({
      name: 'DeliveryError',
      channel: 'webhook',
      facts: { attempts: 4, status: 503 },
    });
    const everything = `${inspect(error, { depth: 5 })} ${inspect(notifier(), { depth: 5 })}`;
    expect(everything).not.toContain('receiver-side-token');
    expect(everything).not.toContain(server.baseUrl);
    expect(everything).not.toContain('signing-secret');
  });

  it('refuses to sign with a secret shorter than 32 bytes', async () => {
    await expect(notifier('short').notify(APPROVAL)).rejects.toThrow(
      'the webhook signing secret must be at least 32 bytes',
    );
    expect(server.requests).toEqual([]);
  });
});

describe('webhookPayloadOf', () => {
  it('names the notification by its kind, leaves out its channels, and gives it a stable id', () => {
    const payload = webhookPayloadOf({
      kind: 'done',
      threadId: 'th-1',
      message: 'ok',
      channels: ['webhook'],
    });

    expect(payload).toEqual({ id: expect.any(String), type: 'done', threadId: 'th-1', message: 'ok' });
    expect(
      webhookPayloadOf({ kind: 'done', threadId: 'th-1', message: 'ok', channels: ['webhook'] }).id,
    ).toBe(payload.id);
  });
});
