import type * as z from 'zod';
import type { EscalationReason, Event, Thread, UserMessageData } from '../../lib/core/events.ts';
import { ThreadSchema } from '../../lib/core/events.ts';
import { hashArgs } from '../../lib/core/hash.ts';
import type { JsonObject, JsonValue } from '../../lib/core/json.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a test writes it: the builder gives it an id, a seq and a time. */
export type EventInput = DistributiveOmit<Event, 'id' | 'seq' | 'at'> & { id?: string };

const START = Date.parse('2026-01-01T00:00:00.000Z');

/** The time the builder gives the event at `seq`: one second apart from the start of 2026. */
export const timeOf = (seq: number): string => new Date(START + seq * 1000).toISOString();

interface LastCall {
  callId: string;
  tool: string;
  args: JsonValue;
}

/**
 * Builds a thread from short calls that read like the conversation they stand for:
 * `aThread().user('refund INV-1').call('lookup_invoice', { invoiceId: 'INV-1' }).result({...})`.
 * Ids are `event-<seq>`, times one second apart; results, errors and decisions answer the
 * latest call or approval unless told otherwise. `build()` parses, so every thread is valid.
 */
export class ThreadBuilder {
  private readonly events: Event[] = [];
  private call_?: LastCall;
  private approvalId_?: string;
  private requestId_?: string;

  constructor(
    readonly threadId = 'thread-1',
    readonly agent = 'refunds',
  ) {}

  /** The id of the latest model step, which is also its call id. */
  get lastCallId(): string {
    if (!this.call_) throw new Error('ThreadBuilder: no model step yet');
    return this.call_.callId;
  }

  get lastApprovalId(): string {
    if (!this.approvalId_) throw new Error('ThreadBuilder: no approval request yet');
    return this.approvalId_;
  }

  get lastRequestId(): string {
    if (!this.requestId_) throw new Error('ThreadBuilder: no human input request yet');
    return this.requestId_;
  }

  /** Appends any event; the shorthands below all end here. */
  add(event: EventInput): this {
    const seq = this.events.length + 1;
    const { id = `event-${seq}`, ...rest } = event;
    // A spread of a union loses its tag for the compiler; build() parses every event anyway.
    this.events.push({ ...rest, id, seq, at: timeOf(seq) } as Event);
    return this;
  }

  user(text: string, options: Partial<z.input<typeof UserMessageData>> = {}): this {
    return this.add({ type: 'user-message', data: { channel: 'api', untrusted: false, ...options, text } });
  }

  /** A model step that calls `tool`. Usage and cost default to a small, free call. */
  call(
    tool: string,
    args: JsonValue,
    options: { model?: string; inputTokens?: number; outputTokens?: number; costUsd?: number } = {},
  ): this {
    const { model = 'scripted', inputTokens = 100, outputTokens = 20, costUsd = 0 } = options;
    const callId = `event-${this.events.length + 1}`;
    this.call_ = { callId, tool, args };
    return this.add({
      type: 'model-step',
      data: { tool, args, model, usage: { inputTokens, outputTokens }, costUsd },
    });
  }

  /** A model step with no tool call: the model wrote text. */
  reply(text: string): this {
    return this.call('', text);
  }

  result(result: JsonValue, callId = this.lastCallId, tool = this.toolOf(callId)): this {
    return this.add({ type: 'tool-result', data: { callId, tool, result } });
  }

  error(message: string, callId = this.lastCallId, tool = this.toolOf(callId)): this {
    return this.add({ type: 'tool-error', data: { callId, tool, message } });
  }

  /** Asks a person to approve the latest call, with its arguments unless told otherwise. */
  approvalRequest(options: { approvalId?: string; args?: JsonObject; argsHash?: string } = {}): this {
    const call = this.call_;
    if (!call || typeof call.args !== 'object' || call.args === null || Array.isArray(call.args)) {
      throw new Error(
        'ThreadBuilder: an approval request needs a model step with object arguments before it',
      );
    }
    const approvalId = options.approvalId ?? `approval-${this.events.length + 1}`;
    const args = options.args ?? call.args;
    this.approvalId_ = approvalId;
    return this.add({
      type: 'approval-request',
      data: {
        approvalId,
        callId: call.callId,
        tool: call.tool,
        args,
        argsHash: options.argsHash ?? hashArgs(args),
      },
    });
  }

  approve(approvalId = this.lastApprovalId): this {
    return this.add({ type: 'approval-decision', data: { decision: 'approve', approvalId } });
  }

  reject(feedback: string, approvalId = this.lastApprovalId): this {
    return this.add({ type: 'approval-decision', data: { decision: 'reject', feedback, approvalId } });
  }

  edit(args: JsonObject, approvalId = this.lastApprovalId): this {
    return this.add({ type: 'approval-decision', data: { decision: 'edit', args, approvalId } });
  }

  expire(approvalId = this.lastApprovalId): this {
    return this.add({ type: 'approval-decision', data: { decision: 'expired', approvalId } });
  }

  /** The question the latest call (a `request_human_input`) asked. */
  question(question: string): this {
    const requestId = `question-${this.events.length + 1}`;
    this.requestId_ = requestId;
    return this.add({ type: 'human-input-request', data: { requestId, callId: this.lastCallId, question } });
  }

  answer(text: string, requestId = this.lastRequestId): this {
    return this.add({
      type: 'human-input-response',
      data: { requestId, text, channel: 'api', untrusted: false },
    });
  }

  done(message: string): this {
    return this.add({ type: 'agent-done', data: { message } });
  }

  escalate(reason: EscalationReason, detail = `escalated: ${reason}`): this {
    return this.add({ type: 'escalation', data: { reason, detail } });
  }

  fail(error: string): this {
    return this.add({ type: 'failure', data: { error } });
  }

  pause(): this {
    return this.add({ type: 'paused', data: {} });
  }

  resume(): this {
    return this.add({ type: 'resumed', data: {} });
  }

  cancel(): this {
    return this.add({ type: 'cancelled', data: {} });
  }

  build(): Thread {
    return ThreadSchema.parse({ id: this.threadId, agent: this.agent, events: this.events });
  }

  private toolOf(callId: string): string {
    const step = this.events.find((event) => event.id === callId);
    return step?.type === 'model-step' ? step.data.tool : 'unknown';
  }
}

export const aThread = (threadId?: string, agent?: string): ThreadBuilder =>
  new ThreadBuilder(threadId, agent);
