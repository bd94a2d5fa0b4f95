import { describe, expect, it } from 'vitest';
import { decisionIn } from '../../lib/service/mail-decision.ts';

describe('decisionIn', () => {
  it.each(['approve', 'Approve', 'APPROVE.', 'approved!', '\n\n  approve  \nthanks'])(
    'reads %j as an approval',
    (reply) => {
      expect(decisionIn(reply)).toEqual({ decision: 'approve' });
    },
  );

  it('reads a rejection with its reason, and the lines after it as more of the reason', () => {
    expect(decisionIn('Reject: too much\r\nMake it 100 EUR.')).toEqual({
      decision: 'reject',
      feedback: 'too much\nMake it 100 EUR.',
    });
    expect(decisionIn('rejected:not this customer')).toEqual({
      decision: 'reject',
      feedback: 'not this customer',
    });
  });

  it.each([
    'reject',
    'reject:   ',
    'I approve of this',
    'Please approve',
    'approve it, but only for 100 EUR',
    'Sounds good.\napprove',
    '',
  ])('reads %j as no decision', (reply) => {
    expect(decisionIn(reply)).toBeUndefined();
  });
});
