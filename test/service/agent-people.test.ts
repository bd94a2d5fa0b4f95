import { describe, expect, it } from 'vitest';
import { defineAgent } from '../../lib/core/agent.ts';
import type { AgentHumans } from '../../lib/core/humans.ts';
import { approvalDeadline, isAllowedSender, isApproverOf, peopleOf } from '../../lib/service/agent-people.ts';

const agent = (humans?: AgentHumans) =>
  defineAgent({
    name: 'billing',
    description: 'b',
    prompt: () => 'b',
    tools: [],
    ...(humans ? { humans } : {}),
  });
const DEFAULTS = {
  approvers: ['ops@example.com'],
  fallbackApprovers: ['boss@example.com'],
  approvalTimeoutSeconds: 3600,
  channels: ['email', 'slack'] as const,
};

describe('peopleOf', () => {
  it('takes the deployment’s people for an agent that names none', () => {
    expect(peopleOf(agent(), DEFAULTS)).toEqual({
      approvers: ['ops@example.com'],
      fallbackApprovers: ['boss@example.com'],
      approvalTimeoutSeconds: 3600,
      channels: ['email', 'slack'],
    });
  });

  it('takes each of the agent’s own settings over the deployment’s', () => {
    const people = peopleOf(
      agent({
        approvers: ['lead@example.com'],
        fallbackApprovers: ['cfo@example.com'],
        approvalTimeoutSeconds: 600,
        channels: ['webhook'],
        allowedSenders: ['@example.org'],
      }),
      DEFAULTS,
    );

    expect(people).toEqual({
      approvers: ['lead@example.com'],
      fallbackApprovers: ['cfo@example.com'],
      approvalTimeoutSeconds: 600,
      channels: ['webhook'],
      allowedSenders: ['@example.org'],
    });
  });

  it('leaves out of the fallback round anyone who approves already, whatever the case', () => {
    const people = peopleOf(agent({ fallbackApprovers: ['OPS@example.com', 'boss@example.com'] }), DEFAULTS);

    expect(people.fallbackApprovers).toEqual(['boss@example.com']);
  });

  it('waits a day when nothing says how long', () => {
    expect(peopleOf(undefined, { approvers: [] }).approvalTimeoutSeconds).toBe(86_400);
  });
});

describe('isApproverOf and isAllowedSender', () => {
  const people = peopleOf(agent({ allowedSenders: ['ada@example.org', '@example.com'] }), DEFAULTS);

  it('counts approvers and fallback approvers as approvers, ignoring case', () => {
    expect(isApproverOf(people, 'Ops@Example.com')).toBe(true);
    expect(isApproverOf(people, 'boss@example.com')).toBe(true);
    expect(isApproverOf(people, 'ada@example.org')).toBe(false);
  });

  it('allows listed addresses and whole domains, but not a subdomain or a look-alike', () => {
    expect(isAllowedSender(people, 'ADA@example.org')).toBe(true);
    expect(isAllowedSender(people, 'anyone@example.com')).toBe(true);
    expect(isAllowedSender(people, 'bob@example.org')).toBe(false);
    expect(isAllowedSender(people, 'x@mail.example.com')).toBe(false);
    expect(isAllowedSender(people, 'x@evilexample.com')).toBe(false);
  });

  it('allows everyone when no allowlist is set', () => {
    expect(isAllowedSender(peopleOf(agent(), DEFAULTS), 'stranger@example.net')).toBe(true);
  });
});

describe('approvalDeadline', () => {
  it('lasts one round, or two when fallback approvers follow', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(approvalDeadline(at, peopleOf(agent(), { ...DEFAULTS, fallbackApprovers: [] }))).toBe(
      '2026-01-01T01:00:00.000Z',
    );
    expect(approvalDeadline(at, peopleOf(agent(), DEFAULTS))).toBe('2026-01-01T02:00:00.000Z');
  });
});
