import { describe, expect, it } from 'vitest';
import { CorruptEventError, FutureEventVersionError, UpcastError } from '../../lib/core/errors.ts';
import { hashArgs } from '../../lib/core/hash.ts';
import { type StoredEventFields, upcastStoredEvent } from '../../lib/core/upcast-event.ts';
import { currentVersionOf, EVENT_UPCASTERS, type UpcasterChain } from '../../lib/core/upcasters.ts';
import { EARLIER_SHAPES } from '../support/earlier-shapes.ts';

const envelope = { id: 'ev-7', seq: 7, at: '2026-01-01T00:00:00.000Z' };

const stored = (fields: Pick<StoredEventFields, 'type' | 'schemaVersion' | 'data'>): StoredEventFields => ({
  ...envelope,
  ...fields,
});

describe('currentVersionOf', () => {
  it('puts every event type at version 1 under the code base chain, which is empty', () => {
    expect(EVENT_UPCASTERS).toEqual({});
    expect(currentVersionOf(EVENT_UPCASTERS, 'approval-request')).toBe(1);
  });

  it('puts a type one version past the number of its upcasters', () => {
    expect(currentVersionOf(EARLIER_SHAPES, 'approval-request')).toBe(2);
    expect(currentVersionOf(EARLIER_SHAPES, 'user-message')).toBe(1);
  });
});

describe('upcastStoredEvent', () => {
  it('parses an event stored at the current version as it is', () => {
    const data = { text: 'hello', channel: 'api', untrusted: false };

    const event = upcastStoredEvent('t-1', stored({ type: 'user-message', schemaVersion: 1, data }), {});

    expect(event).toEqual({ ...envelope, type: 'user-message', data });
  });

  it('runs an older event through its upcasters and parses the result', () => {
    const data = { approvalId: 'apr-1', callId: 'ev-2', tool: 'refund', argumentsJson: '{"amountEur":120}' };

    const event = upcastStoredEvent(
      't-1',
      stored({ type: 'approval-request', schemaVersion: 1, data }),
      EARLIER_SHAPES,
    );

    expect(event).toEqual({
      ...envelope,
      type: 'approval-request',
      data: {
        approvalId: 'apr-1',
        callId: 'ev-2',
        tool: 'refund',
        args: { amountEur: 120 },
        argsHash: hashArgs({ amountEur: 120 }),
      },
    });
  });

  it('runs each upcaster from the stored version on, in order', () => {
    const chain: UpcasterChain = {
      'agent-done': [
        (data) => ({ said: `${JSON.stringify(data)} then 2` }),
        (data) => ({ message: `${JSON.stringify(data)} then 3` }),
      ],
    };

    const fromOne = upcastStoredEvent(
      't-1',
      stored({ type: 'agent-done', schemaVersion: 1, data: 1 }),
      chain,
    );
    const fromTwo = upcastStoredEvent(
      't-1',
      stored({ type: 'agent-done', schemaVersion: 2, data: { said: 'two' } }),
      chain,
    );

    expect(fromOne.data).toEqual({ message: '{"said":"1 then 2"} then 3' });
    expect(fromTwo.data).toEqual({ message: '{"said":"two"} then 3' });
  });

  it('throws FutureEventVersionError naming the event when its version is newer than the chain', () => {
    const reading = () =>
      upcastStoredEvent('t-1', stored({ type: 'paused', schemaVersion: 3, data: {} }), EARLIER_SHAPES);

    expect(reading).toThrow(FutureEventVersionError);
    expect(reading).toThrow(
      'thread t-1 seq 7 (event ev-7, paused): stored at schema version 3, but this deployment reads paused only up to version 1',
    );
  });

  it('throws UpcastError with the schema issues when the upcast data does not fit', () => {
    const chain: UpcasterChain = { 'agent-done': [(data) => ({ text: data })] };

    const reading = () =>
      upcastStoredEvent('t-1', stored({ type: 'agent-done', schemaVersion: 1, data: 'bye' }), chain);

    expect(reading).toThrow(UpcastError);
    expect(reading).toThrow(
      'thread t-1 seq 7 (event ev-7, agent-done): cannot upcast from schema version 1: the result does not fit agent-done version 2: data.message: expected string, received undefined',
    );
  });

  it('throws UpcastError naming the step when an upcaster throws', () => {
    const data = { approvalId: 'apr-1', callId: 'ev-2', tool: 'refund', argumentsJson: '{"amount' };

    let thrown: unknown;
    try {
      upcastStoredEvent('t-1', stored({ type: 'approval-request', schemaVersion: 1, data }), EARLIER_SHAPES);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(UpcastError);
    expect(thrown).toMatchObject({ threadId: 't-1', seq: 7, eventId: 'ev-7', type: 'approval-request' });
    expect(String(thrown)).toMatch(
      /^UpcastError: thread t-1 seq 7 \(event ev-7, approval-request\): cannot upcast from schema version 1: the upcaster from version 1 to 2 threw: /,
    );
  });

  it('reports the issues, not a zod dump, when an upcaster finds data that is not its old shape', () => {
    const data = { tool: 'refund', args: {}, model: 'm', costUsd: 0 };

    const reading = () =>
      upcastStoredEvent('t-1', stored({ type: 'model-step', schemaVersion: 1, data }), EARLIER_SHAPES);

    expect(reading).toThrow(
      'thread t-1 seq 7 (event ev-7, model-step): cannot upcast from schema version 1: the upcaster from version 1 to 2 threw: tokens: expected object, received undefined',
    );
  });

  it('throws CorruptEventError for a schema version below 1', () => {
    const reading = () =>
      upcastStoredEvent('t-1', stored({ type: 'paused', schemaVersion: 0, data: {} }), {});

    expect(reading).toThrow('thread t-1 seq 7: stored event is not valid: schema version 0 is not a version');
  });

  it('throws CorruptEventError when an event at the current version does not fit its schema', () => {
    const reading = () =>
      upcastStoredEvent('t-1', stored({ type: 'user-message', schemaVersion: 1, data: { txt: 1 } }), {});

    expect(reading).toThrow(CorruptEventError);
    expect(reading).toThrow(
      'thread t-1 seq 7: stored event is not valid: user-message: data.text: expected string, received undefined',
    );
  });
});
