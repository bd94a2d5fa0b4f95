import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, type Event, EventSchema, type EventType, ThreadSchema } from '../../lib/core/events.ts';

const base = (seq: number) => ({ id: `event-${seq}`, seq, at: '2026-01-01T00:00:00.000Z' });

/** One valid event of every type. A type missing here fails the compiler and the test below. */
const SAMPLES: { [T in EventType]: Extract<Event, { type: T }> } = {
  'user-message': {
    ...base(1),
    key: 'sqs-message-1',
    type: 'user-message',
    data: {
      text: 'Refund INV-1001',
      channel: 'email',
      from: 'ada@example.com',
      subject: 'Refund',
      untrusted: true,
    },
  },
  'model-step': {
    ...base(2),
    type: 'model-step',
    data: {
      tool: 'lookup_invoice',
      args: { invoiceId: 'INV-1001' },
      model: 'gpt-4o',
      usage: { inputTokens: 1200, outputTokens: 40 },
      costUsd: 0.0034,
    },
  },
  'tool-result': {
    ...base(3),
    type: 'tool-result',
    data: {
      callId: 'event-2',
      tool: 'lookup_invoice',
      result: { amountEur: 120, lines: [1, 'two', null, true] },
    },
  },
  'tool-error': { ...base(4), type: 'tool-error', data: { tool: '', message: 'no tool called' } },
  'approval-request': {
    ...base(5),
    type: 'approval-request',
    data: {
      approvalId: 'apr-1',
      callId: 'event-2',
      tool: 'create_refund',
      args: { amountEur: 50 },
      argsHash: 'ab12',
    },
  },
  'approval-decision': {
    ...base(6),
    type: 'approval-decision',
    data: { decision: 'edit', approvalId: 'apr-1', args: { amountEur: 40 }, by: 'grace' },
  },
  'human-input-request': {
    ...base(7),
    type: 'human-input-request',
    data: { requestId: 'q-1', callId: 'event-2', question: 'Which invoice?' },
  },
  'human-input-response': {
    ...base(8),
    type: 'human-input-response',
    data: { requestId: 'q-1', text: 'INV-1001', channel: 'slack', untrusted: false },
  },
  'agent-done': { ...base(9), type: 'agent-done', data: { message: 'Refunded 40 EUR.' } },
  escalation: {
    ...base(10),
    type: 'escalation',
    data: { reason: 'step-cap', detail: '20 steps without finishing' },
  },
  paused: { ...base(11), type: 'paused', data: { by: 'grace', reason: 'checking the ledger' } },
  resumed: { ...base(12), type: 'resumed', data: { by: 'grace' } },
  cancelled: { ...base(13), type: 'cancelled', data: { reason: 'duplicate request' } },
  failure: { ...base(14), type: 'failure', data: { error: 'model unavailable after 5 retries' } },
  'child-thread-started': {
    ...base(15),
    type: 'child-thread-started',
    data: { callId: 'event-2', childThreadId: 'thread-2', agent: 'ledger', task: 'Find duplicate charges' },
  },
  'child-thread-done': {
    ...base(16),
    type: 'child-thread-done',
    data: { callId: 'event-2', childThreadId: 'thread-2', outcome: 'done', message: 'No duplicates.' },
  },
};

/** The same events, each missing a field its data must have. */
const WITHOUT_A_REQUIRED_FIELD: { [T in EventType]: string } = {
  'user-message': 'text',
  'model-step': 'usage',
  'tool-result': 'callId',
  'tool-error': 'message',
  'approval-request': 'argsHash',
  'approval-decision': 'approvalId',
  'human-input-request': 'question',
  'human-input-response': 'requestId',
  'agent-done': 'message',
  escalation: 'reason',
  // These three have only optional fields: '' drops the data itself, which must be there.
  paused: '',
  resumed: '',
  cancelled: '',
  failure: 'error',
  'child-thread-started': 'childThreadId',
  'child-thread-done': 'outcome',
};

const withoutField = (event: Event, field: string): unknown => {
  if (field === '') {
    const { data: _data, ...rest } = event;
    return rest;
  }
  const { [field]: _removed, ...data } = event.data as Record<string, unknown>;
  return { ...event, data };
};

describe('EventSchema', () => {
  it('has a valid and an invalid sample for every event type', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...EVENT_TYPES].sort());
    expect(Object.keys(WITHOUT_A_REQUIRED_FIELD).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(EVENT_TYPES)('parses a valid %s event unchanged', (type) => {
    const sample = SAMPLES[type];

    const parsed = EventSchema.parse(sample);

    expect(parsed).toEqual(sample);
  });

  it.each(EVENT_TYPES)('rejects a %s event missing a required field', (type) => {
    const invalid = withoutField(SAMPLES[type], WITHOUT_A_REQUIRED_FIELD[type]);

    const parsed = EventSchema.safeParse(invalid);

    expect(parsed.success).toBe(false);
  });

  it('rejects an event of a type it does not know', () => {
    const parsed = EventSchema.safeParse({ ...base(1), type: 'model-thought', data: { text: 'hmm' } });

    expect(parsed.success).toBe(false);
  });

  it('rejects an event without an id or with a seq below 1', () => {
    const sample = SAMPLES['agent-done'];

    expect(EventSchema.safeParse({ ...sample, id: '' }).success).toBe(false);
    expect(EventSchema.safeParse({ ...sample, seq: 0 }).success).toBe(false);
    expect(EventSchema.safeParse({ ...sample, seq: 1.5 }).success).toBe(false);
  });

  it('fills the channel and the untrusted flag of a user message with safe defaults', () => {
    const parsed = EventSchema.parse({ ...base(1), type: 'user-message', data: { text: 'hello' } });

    expect(parsed.data).toEqual({ text: 'hello', channel: 'api', untrusted: false });
  });

  it('rejects a reject decision without feedback and an edit without arguments', () => {
    const decision = { ...base(1), type: 'approval-decision' };

    expect(
      EventSchema.safeParse({ ...decision, data: { decision: 'reject', approvalId: 'a' } }).success,
    ).toBe(false);
    expect(EventSchema.safeParse({ ...decision, data: { decision: 'edit', approvalId: 'a' } }).success).toBe(
      false,
    );
  });

  it('rejects model-step usage that is negative or fractional', () => {
    const step = SAMPLES['model-step'];

    const negative = { ...step, data: { ...step.data, usage: { inputTokens: -1, outputTokens: 0 } } };
    const fractional = { ...step, data: { ...step.data, usage: { inputTokens: 1.5, outputTokens: 0 } } };

    expect(EventSchema.safeParse(negative).success).toBe(false);
    expect(EventSchema.safeParse(fractional).success).toBe(false);
  });

  it('parses a thread of every event type in order', () => {
    const thread = { id: 'thread-1', agent: 'refunds', events: EVENT_TYPES.map((type) => SAMPLES[type]) };

    expect(ThreadSchema.parse(thread)).toEqual(thread);
  });
});
