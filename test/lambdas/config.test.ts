import { describe, expect, it } from 'vitest';
import * as api from '../../lambdas/api.ts';
import { apiBaseOf } from '../../lambdas/approval-signing.ts';
import * as awaitHuman from '../../lambdas/await-human.ts';
import { createBase } from '../../lambdas/base.ts';
import { readConfig, required } from '../../lambdas/config.ts';
import * as inboundEmail from '../../lambdas/inbound-email.ts';
import * as step from '../../lambdas/step.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import * as tool from '../../lambdas/tool.ts';

const BASE = { THREAD_TABLE_NAME: 'threads', PAYLOAD_BUCKET_NAME: 'payloads' };

const GRANT = {
  threadId: 'th-1',
  approvalId: 'apr-1',
  callId: 'call-1',
  argsHash: 'hash-1',
  approver: 'ada@example.com',
  expiresAt: '2026-01-02T00:00:00.000Z',
};

describe('readConfig', () => {
  it('names the threads table when it is missing', () => {
    expect(() => readConfig({})).toThrow(
      'THREAD_TABLE_NAME is not set: this function needs it (see docs/aws.md)',
    );
  });

  it('reads the approvers, the approval timeout and the inbound agents', () => {
    const config = readConfig({
      ...BASE,
      APPROVER_EMAILS: 'ada@example.com, bob@example.com,',
      APPROVAL_TIMEOUT_SECONDS: '3600',
      INBOUND_AGENTS: '{"Billing@In.Example.com":"billing"}',
    });

    expect(config.APPROVER_EMAILS).toEqual(['ada@example.com', 'bob@example.com']);
    expect(config.APPROVAL_TIMEOUT_SECONDS).toBe(3600);
    expect(config.INBOUND_AGENTS).toEqual(new Map([['billing@in.example.com', 'billing']]));
    expect(config.INBOUND_MAIL_PREFIX).toBe('mail/');
  });

  it('reads the fallback approvers, the allowed senders and the channel settings', () => {
    const config = readConfig({
      ...BASE,
      FALLBACK_APPROVER_EMAILS: 'boss@example.com',
      ALLOWED_SENDERS: 'ada@example.org, @example.com',
      SLACK_WEBHOOK_SECRET_NAME: 'threadline/slack',
      WEBHOOK_URL: 'https://hooks.example.com/threadline',
      WEBHOOK_SECRET_NAME: 'threadline/webhook',
    });

    expect(config).toMatchObject({
      FALLBACK_APPROVER_EMAILS: ['boss@example.com'],
      ALLOWED_SENDERS: ['ada@example.org', '@example.com'],
      SLACK_WEBHOOK_SECRET_NAME: 'threadline/slack',
      WEBHOOK_URL: 'https://hooks.example.com/threadline',
      WEBHOOK_SECRET_NAME: 'threadline/webhook',
    });
    expect(readConfig(BASE).FALLBACK_APPROVER_EMAILS).toEqual([]);
    expect(readConfig(BASE).ALLOWED_SENDERS).toBeUndefined();
  });

  it('names a webhook URL or an allowed sender that does not parse', () => {
    expect(() => readConfig({ ...BASE, WEBHOOK_URL: 'ftp://hooks.example.com' })).toThrow('WEBHOOK_URL');
    expect(() => readConfig({ ...BASE, ALLOWED_SENDERS: 'example.com' })).toThrow(
      'ALLOWED_SENDERS.0: an email address or @domain',
    );
  });

  it('names a setting that does not parse', () => {
    expect(() => readConfig({ ...BASE, INBOUND_AGENTS: '[1]' })).toThrow(
      'invalid environment: INBOUND_AGENTS: must be a JSON object of address → agent name',
    );
    expect(() => readConfig({ ...BASE, APPROVAL_TIMEOUT_SECONDS: 'soon' })).toThrow(
      'APPROVAL_TIMEOUT_SECONDS',
    );
  });

  it('names a setting a function needs and lacks, when it needs it', () => {
    expect(() => required(readConfig(BASE), 'STATE_MACHINE_ARN')).toThrow('STATE_MACHINE_ARN is not set');
  });
});

describe("each function's deps", () => {
  it('builds nothing until it is used, then fails naming the setting that is missing', async () => {
    const telemetry = silentTelemetry();

    expect(() => tool.depsFrom(telemetry, BASE).toolName()).toThrow('TOOL_NAME is not set');
    expect(() => inboundEmail.depsFrom(telemetry, BASE).inbound.ingress).toThrow(
      'INGRESS_QUEUE_URL is not set',
    );
    const waiting = awaitHuman.depsFrom(telemetry, BASE).service;
    await expect(waiting.orchestrator.startTurn('th-1', 1)).rejects.toThrow('STATE_MACHINE_ARN is not set');
    await expect(waiting.signApproval({ ...GRANT, expiresAt: '2026-01-02T00:00:00Z' })).rejects.toThrow(
      'APPROVAL_SIGNING_SECRET_ARN is not set',
    );
    await expect(api.depsFrom(telemetry, BASE)()).rejects.toThrow('INGRESS_QUEUE_URL is not set');
  });

  it('signs approval links with the configured key and base URL', async () => {
    const { service } = awaitHuman.depsFrom(silentTelemetry(), {
      ...BASE,
      APPROVAL_SIGNING_SECRET: 'k'.repeat(64),
      APPROVAL_BASE_URL: 'https://api.example.com/v1/approvals/',
    });

    const { link, reference } = await service.signApproval(GRANT);

    expect(link).toMatch(
      /^https:\/\/api\.example\.com\/v1\/approvals\/apr-1\?a=ada%40example\.com&d=any&e=1767312000&s=[\w-]{43}$/,
    );
    expect(reference).toMatch(/^apr-1\.1767312000\.[\w-]{22}$/);
  });

  it('reads the approval base URL with or without the approvals path', () => {
    expect(apiBaseOf('https://api.example.com/v1/approvals/')).toBe('https://api.example.com/v1');
    expect(apiBaseOf('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
  });

  it('runs the demo model when no model is set, and only ever builds each piece once', () => {
    const { service } = step.depsFrom(silentTelemetry(), BASE);

    expect(service.model.id).toBe('demo');
    expect(service.model).toBe(service.model);
    expect(service.store).toBe(service.store);
    expect([...service.agents.keys()]).toEqual(['billing', 'triage']);
  });

  it('gives an agent the table the stack names in its variable, and names the variable when it is missing', async () => {
    const billing = createBase(silentTelemetry(), BASE).agents().get('billing');
    const create = billing?.tools.find((candidate) => candidate.name === 'create_payment_link');
    // Building the agents read no table; running the tool does, and says what the function lacks.
    const outcome = await create?.run(
      { customerId: 'cus_terri', amountUsd: 1, description: 'x' },
      { threadId: 'th-1', callId: 'c-1' },
    );
    expect(outcome).toEqual({
      ok: false,
      message: expect.stringContaining('THREADLINE_TABLE_BILLING_LEDGER is not set'),
    });
  });
});
