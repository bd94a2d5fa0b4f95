import type { Event, NewEvent } from './events.ts';
import { canonicalJson, type JsonValue } from './json.ts';
import type { Next } from './next.ts';

/**
 * What one reducer step decided, in a form two runs can be compared by: each event it wrote
 * without the ids and times that differ between runs (nor the model's usage and cost, which
 * come from the recording), and what it said runs next.
 */
export interface StepOutcome {
  events: string[];
  next: string;
  /** One line for people: the tools the model chose, and what runs next. */
  summary: string;
}

/** What runs next after a step that ends by asking the model again. */
export const ASKS_THE_MODEL_AGAIN = 'model again';

/** Fields that name or time an event rather than say what it decided. */
const ID_FIELDS = new Set(['callId', 'approvalId', 'requestId', 'childThreadId']);
const MODEL_FIELDS = new Set(['model', 'usage', 'costUsd']);

const decidedPart = (event: Event | NewEvent): JsonValue => {
  const data: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(event.data as Record<string, JsonValue | undefined>)) {
    if (value === undefined || ID_FIELDS.has(key)) continue;
    if (event.type === 'model-step' && MODEL_FIELDS.has(key)) continue;
    data[key] = value;
  }
  return data;
};

export const describeNext = (next: Next | undefined): string => {
  if (next === undefined) return ASKS_THE_MODEL_AGAIN;
  switch (next.kind) {
    case 'tool':
      return `run ${next.tool}`;
    case 'approval':
      return `approve ${next.tool}`;
    case 'human':
      return 'ask a person';
    case 'child':
      return `child thread for ${next.agent}`;
    case 'done':
      return 'done';
    case 'escalate':
      return `escalate (${next.reason})`;
  }
};

export const outcomeOf = (events: readonly (Event | NewEvent)[], next: Next | undefined): StepOutcome => {
  const tools = events.flatMap((event) =>
    event.type === 'model-step' ? [event.data.tool === '' ? '(no tool)' : event.data.tool] : [],
  );
  const nextText = describeNext(next);
  return {
    events: events.map((event) => `${event.type} ${canonicalJson(decidedPart(event))}`),
    next: nextText,
    summary: tools.length > 0 ? `${tools.join(', ')} → ${nextText}` : nextText,
  };
};

/** How a replayed step's decision differs from the recorded one, one sentence each. */
export const describeOutcomeDifferences = (recorded: StepOutcome, replayed: StepOutcome): string[] => {
  const differences: string[] = [];
  const length = Math.max(recorded.events.length, replayed.events.length);
  for (let index = 0; index < length; index += 1) {
    const before = recorded.events[index];
    const after = replayed.events[index];
    if (before === after) continue;
    differences.push(`event ${index + 1}: recorded ${before ?? '(none)'}, now ${after ?? '(none)'}`);
  }
  if (recorded.next !== replayed.next) {
    differences.push(`next: recorded ${recorded.next}, now ${replayed.next}`);
  }
  return differences;
};
