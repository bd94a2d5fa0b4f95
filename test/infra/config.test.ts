import { describe, expect, it } from 'vitest';
import { InvalidConfigError, readConfig } from '../../lib/infra/config.ts';
import { buildThreadlineApp } from '../../lib/infra/synthesize.ts';

const fromContext = (context: Record<string, unknown>) => readConfig((key) => context[key]);

describe('readConfig', () => {
  it('defaults every setting', () => {
    expect(fromContext({})).toEqual({
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      approverEmails: [],
      fallbackApproverEmails: [],
      allowedSenders: undefined,
      senderEmail: undefined,
      inboundDomain: undefined,
      inboundAgents: {},
      schedules: [],
      approvalTimeoutSeconds: 86_400,
      retentionDays: 90,
      slackWebhookSecretName: undefined,
      webhookUrl: undefined,
      webhookSecretName: undefined,
    });
  });

  it('reads the people and channel settings: fallback approvers, allowed senders, Slack and webhook secrets', () => {
    expect(
      fromContext({
        fallbackApproverEmails: 'boss@example.com',
        allowedSenders: 'ada@example.org, @example.com',
        slackWebhookSecretName: 'threadline/slack-webhook-url',
        webhookUrl: 'https://hooks.example.com/threadline',
        webhookSecretName: 'threadline/webhook-key',
      }),
    ).toMatchObject({
      fallbackApproverEmails: ['boss@example.com'],
      allowedSenders: ['ada@example.org', '@example.com'],
      slackWebhookSecretName: 'threadline/slack-webhook-url',
      webhookUrl: 'https://hooks.example.com/threadline',
      webhookSecretName: 'threadline/webhook-key',
    });
  });

  it('refuses a webhook without a signing secret, a plain-HTTP webhook and a sender that is no address', () => {
    expect(() => fromContext({ webhookUrl: 'https://hooks.example.com/x' })).toThrow(
      'webhookSecretName: required with webhookUrl (webhooks are always signed)',
    );
    expect(() => fromContext({ webhookUrl: 'http://hooks.example.com/x', webhookSecretName: 'k' })).toThrow(
      /webhookUrl/,
    );
    expect(() => fromContext({ allowedSenders: 'example.com' })).toThrow(/allowedSenders/);
  });

  it('reads -c strings: comma lists, numbers and JSON arrays', () => {
    const config = fromContext({
      approverEmails: 'a@example.com, b@example.org',
      approvalTimeoutSeconds: '3600',
      retentionDays: '30',
      senderEmail: '',
      schedules: '[{"name":"daily","cron":"0 9 * * ? *","agent":"billing","message":"hi"}]',
    });
    expect(config).toMatchObject({
      approverEmails: ['a@example.com', 'b@example.org'],
      approvalTimeoutSeconds: 3600,
      retentionDays: 30,
      senderEmail: undefined,
      schedules: [{ name: 'daily', cron: '0 9 * * ? *', agent: 'billing', message: 'hi' }],
    });
  });

  it('throws naming every bad key', () => {
    const read = () =>
      fromContext({
        approvalTimeoutSeconds: 'soon',
        inboundDomain: 'not a domain',
        retentionDays: 8,
        schedules: [{ name: 'a b', cron: 'rate(1 day)', agent: 'billing', message: 'x' }],
      });
    expect(read).toThrow(InvalidConfigError);
    expect(read).toThrow(
      [
        'invalid CDK context (set with -c key=value or in cdk.json):',
        '  - inboundDomain: Invalid hostname',
        '  - schedules.0.name: letters, digits, _ and - only',
        '  - approvalTimeoutSeconds: Invalid input: expected number, received NaN',
        '  - retentionDays: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
      ].join('\n'),
    );
  });

  it('refuses schedules that are not JSON or share a name', () => {
    expect(() => fromContext({ schedules: '[{' })).toThrow(/schedules: must be JSON/);
    const twice = { name: 'daily', cron: 'rate(1 day)', agent: 'billing', message: 'x' };
    expect(() => fromContext({ schedules: [twice, twice] })).toThrow(
      /schedules: schedule names must be unique/,
    );
  });
});

describe('synth with bad context', () => {
  it('fails before building anything, naming the key', () => {
    expect(() => buildThreadlineApp({ context: { approvalTimeoutSeconds: '-1' }, bundle: false })).toThrow(
      /approvalTimeoutSeconds/,
    );
  });

  it('fails when a schedule names an agent that does not exist', () => {
    const schedules = [{ name: 'daily', cron: 'rate(1 day)', agent: 'payroll', message: 'x' }];
    expect(() => buildThreadlineApp({ context: { schedules }, bundle: false })).toThrow(
      'schedules: schedule daily names agent payroll; the agents are billing',
    );
  });

  it('fails when an inbound address is not at the inbound domain or names no agent', () => {
    const inbound = (inboundAgents: Record<string, string>) => () =>
      buildThreadlineApp({ context: { inboundDomain: 'agents.example.com', inboundAgents }, bundle: false });
    expect(inbound({ 'billing@other.example.com': 'billing' })).toThrow(
      'inboundAgents: billing@other.example.com is not at inboundDomain (agents.example.com)',
    );
    expect(inbound({ 'payroll@agents.example.com': 'payroll' })).toThrow(
      'inboundAgents: payroll@agents.example.com names agent payroll; the agents are billing',
    );
  });
});
