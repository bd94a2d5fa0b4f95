import type { WaitRecord } from '../adapters/wait-store.ts';
import type { Event, Thread } from '../core/events.ts';
import type { JsonObject, JsonValue } from '../core/json.ts';
import { OUTSIDE_CONTENT_NOTE } from '../core/rule-of-two.ts';

const RECENT_EVENTS = 5;
const LINE_CHARS = 300;

interface Context {
  threadId: string;
  agent: string;
  /** The first message of the thread: what was asked for. */
  request?: string;
  /** The last few events before the wait, one line each. */
  recent: string[];
}

/** What an approval page shows, read off the thread: plain text, escaped when rendered. */
export type WaitView =
  | ({
      kind: 'approval';
      tool: string;
      args: JsonObject;
      /** Where the outside content came from, when the rule of two asked for this approval. */
      outsideContent?: string;
    } & Context)
  | ({ kind: 'question'; question: string } & Context)
  | ({ kind: 'escalation'; reason: string; detail: string } & Context);

/** Whether `event` is the request a wait waits on: its approval, question or escalation. */
const isRequestOf = (wait: WaitRecord, event: Event): boolean => {
  switch (wait.kind) {
    case 'approval':
      return event.type === 'approval-request' && event.data.approvalId === wait.requestId;
    case 'question':
      return event.type === 'human-input-request' && event.data.requestId === wait.requestId;
    case 'escalation':
      return event.type === 'escalation' && event.id === wait.requestId;
    case 'child':
      return false;
  }
};

/** The view of a wait, or undefined when the thread does not hold its request (nothing to decide). */
export const waitViewOf = (thread: Thread, wait: WaitRecord): WaitView | undefined => {
  const index = thread.events.findIndex((event) => isRequestOf(wait, event));
  const request = thread.events[index];
  if (!request) return undefined;
  const firstMessage = thread.events.find((event) => event.type === 'user-message');
  const context: Context = {
    threadId: thread.id,
    agent: thread.agent,
    recent: thread.events.slice(Math.max(0, index - RECENT_EVENTS), index).map(describeEvent),
    ...(firstMessage?.type === 'user-message' ? { request: firstMessage.data.text } : {}),
  };
  if (request.type === 'approval-request') {
    const { tool, args, reason } = request.data;
    const outside = reason?.kind === 'outside-content' ? { outsideContent: reason.source } : {};
    return { kind: 'approval', tool, args, ...outside, ...context };
  }
  if (request.type === 'human-input-request')
    return { kind: 'question', question: request.data.question, ...context };
  if (request.type === 'escalation') return { kind: 'escalation', ...request.data, ...context };
  return undefined;
};

export const compactJson = (value: JsonValue): string => clip(JSON.stringify(value));

const clip = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line;
};

/** One event as one line of text for a person: what happened, not how it is stored. */
export const describeEvent = (event: Event): string => {
  const line = (() => {
    switch (event.type) {
      case 'user-message':
        return `message${event.data.from ? ` from ${event.data.from}` : ''}: ${event.data.text}`;
      case 'model-step':
        return `the agent chose ${event.data.tool || 'to reply'}: ${compactJson(event.data.args)}`;
      case 'tool-result':
        return `${event.data.tool} returned ${compactJson(event.data.result)}`;
      case 'tool-error':
        return `${event.data.tool} failed: ${event.data.message}`;
      case 'approval-request':
        return `asked for approval of ${event.data.tool}${event.data.reason?.kind === 'outside-content' ? ` (${OUTSIDE_CONTENT_NOTE})` : ''}`;
      case 'approval-decision':
        return `approval ${event.data.decision}${event.data.by ? ` by ${event.data.by}` : ''}`;
      case 'human-input-request':
        return `the agent asked: ${event.data.question}`;
      case 'human-input-response':
        return `answer${event.data.from ? ` from ${event.data.from}` : ''}: ${event.data.text}`;
      case 'agent-done':
        return `done: ${event.data.message}`;
      case 'escalation':
        return `escalated (${event.data.reason}): ${event.data.detail}`;
      case 'failure':
        return `failed: ${event.data.error}`;
      case 'child-thread-started':
        return `handed a task to ${event.data.agent}: ${event.data.task}`;
      case 'child-thread-done':
        return `the ${event.data.outcome} child thread said: ${event.data.message}`;
      case 'paused':
      case 'resumed':
      case 'cancelled':
        return `${event.type}${event.data.by ? ` by ${event.data.by}` : ''}`;
    }
  })();
  return clip(`#${event.seq} ${line}`);
};
