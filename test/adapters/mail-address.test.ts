import { describe, expect, it } from 'vitest';
import {
  messageIdFor,
  replyAddressFor,
  threadFromRecipient,
  threadFromReferences,
} from '../../lib/adapters/mail-address.ts';

describe('mail addresses that name a thread', () => {
  it('reads back the thread from the Message-ID it made, wherever the reply quotes it', () => {
    const ours = messageIdFor('th_abc-1', 'apr_9');

    expect(ours).toBe('<th_abc-1.apr_9@threadline>');
    expect(threadFromReferences([ours])).toBe('th_abc-1');
    expect(threadFromReferences(['<other@mail.gmail.com>', ours, '<later@example.com>'])).toBe('th_abc-1');
    expect(threadFromReferences(['<CAEddw6P@mail.gmail.com>'])).toBeUndefined();
  });

  it('reads back the thread from the reply address at the inbound domain only', () => {
    const address = replyAddressFor('th_abc-1', 'in.example.com');

    expect(address).toBe('reply+th_abc-1@in.example.com');
    expect(threadFromRecipient(address, 'in.example.com')).toBe('th_abc-1');
    expect(threadFromRecipient('REPLY+th_abc-1@IN.example.com', 'in.example.com')).toBe('th_abc-1');
    expect(threadFromRecipient(address, 'elsewhere.example.com')).toBeUndefined();
    expect(threadFromRecipient('billing@in.example.com', 'in.example.com')).toBeUndefined();
    expect(threadFromRecipient('reply+th.1@in.example.com', 'in.example.com')).toBeUndefined();
  });
});
