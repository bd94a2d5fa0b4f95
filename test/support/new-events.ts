import type { NewEvent } from '../../lib/core/events.ts';
import type { JsonObject, JsonValue } from '../../lib/core/json.ts';
import type { Clock, Ids } from '../../lib/core/ports.ts';
import { FixedClock } from '../fakes/fixed-clock.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';

const withKey = (key: string | undefined) => (key === undefined ? {} : { key });

/** Events to append, made the way the runtime makes them: an id from `Ids`, a time from `Clock`. */
export class NewEvents {
  constructor(
    readonly clock: Clock = new FixedClock(),
    readonly ids: Ids = new SequentialIds(),
  ) {}

  message(text: string, key?: string): NewEvent {
    return {
      id: this.ids.next('ev'),
      at: this.clock.now(),
      type: 'user-message',
      data: { text, channel: 'api', untrusted: false },
      ...withKey(key),
    };
  }

  modelStep(
    tool: string,
    args: JsonValue,
    tokens: { input: number; output: number },
    costUsd: number,
  ): NewEvent {
    return {
      id: this.ids.next('ev'),
      at: this.clock.now(),
      type: 'model-step',
      data: {
        tool,
        args,
        model: 'test-model',
        usage: { inputTokens: tokens.input, outputTokens: tokens.output },
        costUsd,
      },
    };
  }

  approvalRequest(callId: string, tool: string, args: JsonObject): NewEvent {
    const approvalId = this.ids.next('apr');
    return {
      id: this.ids.next('ev'),
      at: this.clock.now(),
      type: 'approval-request',
      data: { approvalId, callId, tool, args, argsHash: `hash-of-${approvalId}` },
    };
  }

  toolResult(callId: string, tool: string, result: JsonValue, key?: string): NewEvent {
    return {
      id: this.ids.next('ev'),
      at: this.clock.now(),
      type: 'tool-result',
      data: { callId, tool, result },
      ...withKey(key),
    };
  }

  done(message: string): NewEvent {
    return { id: this.ids.next('ev'), at: this.clock.now(), type: 'agent-done', data: { message } };
  }
}

/** A JSON string of about `bytes` bytes that does not compress to nothing: real tool output varies. */
export const filler = (bytes: number, seed = 1): string => {
  const words = [
    'invoice',
    'amount',
    'customer',
    'refund',
    'ledger',
    'status',
    'currency',
    'line',
    'total',
    'tax',
  ];
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < bytes; index += 1) {
    const word = `${words[(index * 7 + seed) % words.length]}-${(index * 31 + seed) % 997}`;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ').slice(0, bytes);
};
