import type { Event, EventOf, NewEvent } from './events.ts';
import type { JsonObject } from './json.ts';
import type { Tool } from './tools.ts';

/**
 * Pre-fetch (factor 13): lookups an agent declares to run before the model's first step of a turn,
 * so the model finds their results in the thread instead of spending a step on each.
 */

/** The message a turn starts with, as a pre-fetch declaration reads it. */
export interface PrefetchMessage {
  text: string;
  channel: string;
  untrusted: boolean;
}

/** One deterministic lookup: a read-only tool of the agent and its arguments. */
export interface PrefetchCall {
  tool: string;
  args: JsonObject;
}

/** What an agent declares: the lookups a message calls for, decided by plain code, never a model. */
export type Prefetch = (message: PrefetchMessage) => readonly PrefetchCall[];

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type MakeEvent = (event: DistributiveOmit<NewEvent, 'id' | 'at'>) => NewEvent;

export interface PrefetchInput {
  threadId: string;
  /** The thread so far, with what this step produced. */
  events: readonly (Event | NewEvent)[];
  agent: { prefetch?: Prefetch; tools: readonly Tool[] };
  make: MakeEvent;
}

/**
 * Runs the lookups the turn's messages call for whose results the thread does not hold yet, and
 * returns their `tool-result` / `tool-error` events. The call id names the message and the
 * lookup's place, so a retried step finds them done and runs nothing twice. A lookup that names no
 * tool of the agent, a tool that is not read-only, or a tool that uses the agent's resources (the
 * step runs it, and the step's function holds none of them) becomes a `tool-error` for the model.
 */
export const runPrefetch = async (input: PrefetchInput): Promise<NewEvent[]> => {
  const { agent, events, make } = input;
  if (!agent.prefetch) return [];
  const done = new Set(events.flatMap((event) => (isResult(event) ? [event.data.callId] : [])));
  const produced: NewEvent[] = [];
  for (const message of turnMessages(events)) {
    const calls = agent.prefetch({
      text: message.data.text,
      channel: message.data.channel,
      untrusted: message.data.untrusted,
    });
    for (const [index, call] of calls.entries()) {
      const callId = `prefetch-${message.id}-${index}`;
      if (done.has(callId)) continue;
      const prefetch = { args: call.args };
      const tool = agent.tools.find((candidate) => candidate.name === call.tool);
      const refusal = tool ? refusalOf(tool) : `pre-fetch names unknown tool "${call.tool}"`;
      if (refusal !== undefined || tool === undefined) {
        const data = { callId, tool: call.tool, message: refusal ?? '', prefetch };
        produced.push(make({ type: 'tool-error', data }));
        continue;
      }
      const outcome = await tool.run(call.args, { threadId: input.threadId, callId });
      produced.push(
        outcome.ok
          ? make({
              type: 'tool-result',
              data: {
                callId,
                tool: tool.name,
                result: outcome.result,
                prefetch,
                ...(tool.untrusted ? { untrusted: true } : {}),
              },
            })
          : make({
              type: 'tool-error',
              data: { callId, tool: tool.name, message: outcome.message, prefetch },
            }),
      );
    }
  }
  return produced;
};

const refusalOf = (tool: Tool): string | undefined => {
  if (!tool.readOnly) return `pre-fetch may run read-only tools only; ${tool.name} is not read-only`;
  if (Object.keys(tool.uses).length > 0)
    return `pre-fetch may not run ${tool.name}: it uses the agent's resources, which the step cannot reach`;
  return undefined;
};

const isResult = (event: Event | NewEvent): event is EventOf<'tool-result'> | EventOf<'tool-error'> =>
  (event.type === 'tool-result' || event.type === 'tool-error') && event.data.callId !== undefined;

/** The messages since the last model step: the ones the turn's first step will answer. */
const turnMessages = (events: readonly (Event | NewEvent)[]) => {
  const lastStep = events.findLastIndex((event) => event.type === 'model-step');
  return events
    .slice(lastStep + 1)
    .filter(
      (event): event is Extract<Event | NewEvent, { type: 'user-message' }> => event.type === 'user-message',
    );
};
