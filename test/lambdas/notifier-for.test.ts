import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { configuredChannels, readConfig } from '../../lambdas/config.ts';
import { notifierFor } from '../../lambdas/notifier-for.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import { verifyWebhookSignature } from '../../lib/adapters/webhook-signature.ts';
import { type ScriptedChatServer, startScriptedChatServer } from '../adapters/scripted-chat-server.ts';

const BASE = { THREAD_TABLE_NAME: 'threads' };
const SLACK_PATH = '/services/T1/B1/secret-slack-token';
const WEBHOOK_SECRET = 'a webhook signing secret of 32 bytes or more';
const done = { kind: 'done' as const, threadId: 'th-1', message: 'Link sent.' };

let server: ScriptedChatServer;
beforeAll(async () => {
  server = await startScriptedChatServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('configuredChannels', () => {
  it('always has email, and Slack and the webhook when they are set', () => {
    expect(configuredChannels(readConfig(BASE))).toEqual(['email']);
    expect(
      configuredChannels(
        readConfig({
          ...BASE,
          SLACK_WEBHOOK_SECRET_NAME: 'threadline/slack',
          WEBHOOK_URL: 'https://hooks.example.com/t',
        }),
      ),
    ).toEqual(['email', 'slack', 'webhook']);
  });
});

describe('notifierFor', () => {
  it('posts to Slack and to the signed webhook on the channels a notification names', async () => {
    server.respond({ status: 200, body: 'ok' }, { status: 200, body: 'ok' });
    const config = readConfig({
      ...BASE,
      SLACK_WEBHOOK_URL: `${server.baseUrl}${SLACK_PATH}`,
      WEBHOOK_URL: `${server.baseUrl}/hook`,
      WEBHOOK_SECRET,
    });

    await notifierFor(config, silentTelemetry()).notify({ ...done, channels: ['slack', 'webhook'] });

    expect(server.requests.map((request) => request.path)).toEqual([`/v1${SLACK_PATH}`, '/v1/hook']);
    const hook = server.requests[1];
    const header = hook?.headers['x-threadline-signature'];
    expect(
      verifyWebhookSignature({
        body: hook?.body ?? '',
        header: typeof header === 'string' ? header : undefined,
        secret: WEBHOOK_SECRET,
      }),
    ).toMatchObject({ ok: true });
  });

  it('logs, without the notification, a channel the agent names but the deployment lacks', async () => {
    const telemetry = silentTelemetry();
    const warn = vi.spyOn(telemetry.logger, 'warn');

    await notifierFor(readConfig(BASE), telemetry).notify({ ...done, channels: ['slack'] });

    expect(warn).toHaveBeenCalledWith(
      'notification not sent: the agent names a channel this deployment lacks',
      {
        channel: 'slack',
        kind: 'done',
        threadId: 'th-1',
      },
    );
  });

  it('refuses to send an unsigned webhook, naming the setting it lacks', async () => {
    const config = readConfig({ ...BASE, WEBHOOK_URL: `${server.baseUrl}/hook` });

    await expect(
      notifierFor(config, silentTelemetry()).notify({ ...done, channels: ['webhook'] }),
    ).rejects.toThrow('not delivered on webhook (MissingSettingError: WEBHOOK_SECRET_NAME is not set');
    expect(server.requests).toEqual([]);
  });

  it('names no Slack URL when Slack fails', async () => {
    const config = readConfig({ ...BASE, SLACK_WEBHOOK_URL: `${server.baseUrl}${SLACK_PATH}` });
    server.respond({ status: 403, body: 'invalid_token' });

    const failure = await notifierFor(config, silentTelemetry())
      .notify({ ...done, channels: ['slack'] })
      .then(
        () => '',
        (error: unknown) => String(error),
      );

    expect(failure).toContain('answered 403: invalid_token');
    expect(failure).not.toContain('secret-slack-token');
  });
});
