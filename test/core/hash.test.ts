import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashArgs } from '../../lib/core/hash.ts';
import { canonicalJson } from '../../lib/core/json.ts';

const nodeSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('hashArgs', () => {
  it('keeps the argument hashes stored in existing threads: SHA-256 of the canonical JSON', () => {
    const args = { invoiceId: 'INV-1001', amountEur: 120 };
    expect(hashArgs(args)).toBe(nodeSha256('{"amountEur":120,"invoiceId":"INV-1001"}'));
  });

  it('agrees with node:crypto on any arguments, multi-byte text included', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', maxLength: 20 }), fc.jsonValue()), (args) => {
        const value = JSON.parse(JSON.stringify(args));
        expect(hashArgs(value)).toBe(nodeSha256(canonicalJson(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('hashes the same arguments in any key order the same, and different arguments differently', () => {
    expect(hashArgs({ a: 1, b: [1, 2] })).toBe(hashArgs({ b: [1, 2], a: 1 }));
    expect(hashArgs({ a: 1, b: [1, 2] })).not.toBe(hashArgs({ a: 1, b: [2, 1] }));
  });
});
