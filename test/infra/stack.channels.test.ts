import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { approvalTimerSeconds } from '../../lib/infra/threadline-stack.ts';
import { actionsOf, roleOf, statementsOfRole } from './iam.ts';
import { FULL_CONTEXT, functionId, resourcesOf, synthesize } from './synth.ts';

/** Every optional people and channel setting on, beside mail and schedules. */
const CHANNELS_CONTEXT = {
  ...FULL_CONTEXT,
  fallbackApproverEmails: 'boss@example.com',
  allowedSenders: '@example.com,ada@example.org',
  slackWebhookSecretName: 'threadline/slack-webhook-url',
  webhookUrl: 'https://hooks.example.com/threadline',
  webhookSecretName: 'threadline/webhook-signing-key',
};
const { app, template } = synthesize(CHANNELS_CONTEXT);
const resources = resourcesOf(template);
const NOTIFYING = ['await-human', 'expire', 'notify', 'on-failure'];

const EnvironmentSchema = z.object({
  Environment: z.object({ Variables: z.record(z.string(), z.unknown()) }),
});
const environmentOf = (name: string): Record<string, unknown> =>
  EnvironmentSchema.parse(resources[functionId(template, name)]?.Properties).Environment.Variables;

const readsSecret = (name: string, secretName: string): boolean =>
  statementsOfRole(template, roleOf(template, name)).some(
    (statement) =>
      actionsOf(statement).includes('secretsmanager:GetSecretValue') &&
      JSON.stringify(statement.Resource).includes(`secret:${secretName}-??????`),
  );

const functionNames = Object.values(resources)
  .map((resource) => resource.Metadata?.['threadline:function'])
  .filter((name): name is string => typeof name === 'string');

describe('a deployment with fallback approvers, Slack and a webhook', () => {
  it('synthesizes with nothing cdk-nag (AwsSolutions) has not been told about', () => {
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  it('gives every function that tells people the secrets’ names and the webhook URL, never a secret', () => {
    for (const name of NOTIFYING) {
      expect({ name, ...environmentOf(name) }).toMatchObject({
        name,
        FALLBACK_APPROVER_EMAILS: 'boss@example.com',
        ALLOWED_SENDERS: '@example.com,ada@example.org',
        SLACK_WEBHOOK_SECRET_NAME: 'threadline/slack-webhook-url',
        WEBHOOK_URL: 'https://hooks.example.com/threadline',
        WEBHOOK_SECRET_NAME: 'threadline/webhook-signing-key',
      });
      expect(Object.keys(environmentOf(name))).not.toContain('SLACK_WEBHOOK_URL');
      expect(Object.keys(environmentOf(name))).not.toContain('WEBHOOK_SECRET');
    }
  });

  it('lets only the functions that tell people read the Slack and webhook secrets', () => {
    const readers = (secretName: string) =>
      functionNames.filter((name) => readsSecret(name, secretName)).sort();

    expect(readers('threadline/slack-webhook-url')).toEqual(NOTIFYING);
    expect(readers('threadline/webhook-signing-key')).toEqual(NOTIFYING);
  });

  it('gives Expire what asking the fallback approvers takes: the link key, the approvals URL and the timeout', () => {
    expect(environmentOf('expire')).toMatchObject({
      APPROVAL_SIGNING_SECRET_ARN: expect.anything(),
      APPROVAL_BASE_URL: expect.anything(),
      APPROVAL_TIMEOUT_SECONDS: '86400',
      APPROVER_EMAILS: 'ops@example.com,finance@example.com',
    });
  });

  it('gives the inbound-email function the allowed senders and the approvers a reply is checked against', () => {
    expect(environmentOf('inbound-email')).toMatchObject({
      APPROVER_EMAILS: 'ops@example.com,finance@example.com',
      FALLBACK_APPROVER_EMAILS: 'boss@example.com',
      ALLOWED_SENDERS: '@example.com,ada@example.org',
    });
  });

  it('names the channels’ secrets to no function that does not tell people', () => {
    for (const name of functionNames.filter((candidate) => !NOTIFYING.includes(candidate))) {
      expect({
        name,
        keys: Object.keys(environmentOf(name)).filter((key) => /SLACK|WEBHOOK/.test(key)),
      }).toEqual({
        name,
        keys: [],
      });
    }
  });
});

describe('approvalTimerSeconds', () => {
  it('is the deployment’s timeout, or the shortest round an agent declares', () => {
    expect(approvalTimerSeconds(86_400, { agents: ['billing'], tools: [] })).toBe(86_400);
    expect(
      approvalTimerSeconds(86_400, {
        agents: ['billing', 'ops'],
        tools: [],
        approvalTimeouts: [7_200, 172_800],
      }),
    ).toBe(7_200);
  });
});
