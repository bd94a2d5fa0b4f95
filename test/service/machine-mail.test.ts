import { describe, expect, it } from 'vitest';
import { ownAddressTest } from '../../lib/service/machine-mail.ts';

describe('ownAddressTest', () => {
  const isOwn = ownAddressTest(['Agents@example.com'], ['refunds@in.example.com'], 'in.example.com');

  it('knows the sender address, the agents’ addresses and the reply addresses as this deployment’s own', () => {
    expect(isOwn('agents@EXAMPLE.com')).toBe(true);
    expect(isOwn('Refunds@in.example.com')).toBe(true);
    expect(isOwn('reply+th-1@IN.example.com')).toBe(true);
  });

  it('knows every other address as someone else’s', () => {
    expect(isOwn('approver@example.com')).toBe(false);
    expect(isOwn('reply+th-1@elsewhere.example.com')).toBe(false);
    expect(isOwn('agents@example.com.')).toBe(false);
  });
});
