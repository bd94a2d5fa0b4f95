import { describe, expect, it } from 'vitest';
import { defineAgent } from '../../lib/core/agent.ts';
import type { AgentHumans } from '../../lib/core/humans.ts';

const define = (humans: AgentHumans) =>
  defineAgent({ name: 'billing', description: 'b', prompt: () => 'b', tools: [], humans });

describe('defineAgent with people', () => {
  it('keeps the agent’s approvers, fallback approvers, timeout, channels and allowed senders', () => {
    const humans: AgentHumans = {
      approvers: ['ada@example.com'],
      fallbackApprovers: ['boss@example.com'],
      approvalTimeoutSeconds: 3600,
      channels: ['email', 'slack', 'webhook'],
      allowedSenders: ['ada@example.org', '@example.com'],
    };

    expect(define(humans).humans).toEqual(humans);
  });

  it('leaves humans out when the agent declares none: the deployment’s settings apply', () => {
    expect('humans' in defineAgent({ name: 'a', description: 'a', prompt: () => 'a', tools: [] })).toBe(
      false,
    );
  });

  it.each<[string, AgentHumans, RegExp]>([
    ['an approver that is no address', { approvers: ['ops'] }, /approvers\.0/],
    ['an empty approver list', { approvers: [] }, /approvers/],
    ['a sender pattern that is neither', { allowedSenders: ['example.com'] }, /allowedSenders\.0: .*@domain/],
    ['a timeout below two seconds', { approvalTimeoutSeconds: 1 }, /approvalTimeoutSeconds/],
  ])('throws on %s, naming the agent and the field', (_case, humans, message) => {
    expect(() => define(humans)).toThrow(/^agent billing declares invalid humans: /);
    expect(() => define(humans)).toThrow(message);
  });

  it('throws on a channel threadline does not have, and on a field it does not know (a typo)', () => {
    // @ts-expect-error: what a JavaScript caller, or a cast elsewhere, could pass
    expect(() => define({ channels: ['sms'] })).toThrow(/channels\.0/);
    // @ts-expect-error: as above
    expect(() => define({ aprovers: ['ada@example.com'] })).toThrow(/aprovers/);
  });
});
