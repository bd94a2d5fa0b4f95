import { describe, expect, it } from 'vitest';
import { ownAddressTest } from '../../lib/service/machine-mail.ts';

describe('ownAddressTest', () => {
  const isOwn = ownAddressTest(['Agents@example.com'], ['refunds@in.example.com'], 'in.example.com');

  it('knows the sender address, the agents’ addresses and the reply addresses as this deployment’s own', () => {
    expect(isOwn('agents@EXAMPLE.com')).toBe(true);
    expect(isOwn('Refunds@in.example.com')).toBe(true);
    expect(isOwn('reply+th-1@IN.example.com')).toBe(true);
  });

  it('knows an agent’s address on every call, when the agents come as a map’s keys', () => {
    const agents = new Map([['refunds@in.example.com', 'refunds']]);
    const test = ownAddressTest([], agents.keys(), undefined);

    expect([test('ada@example.org'), test('refunds@in.example.com')]).toEqual([false, true]);
  });

  it('knows every other address as someone else’s', () => {
    expect(isOwn('approver@example.com')).toBe(false);
    expect(isOwn('reply+th-1@elsewhere.example.com')).toBe(false);
    expect(isOwn('agents@example.com.')).toBe(false);
  });
});
