import type { Event, EventOf } from './events.ts';
import { canonicalJson } from './json.ts';
import type { ModelReply } from './ports.ts';
import { REPLY_ERRORS } from './reply-errors.ts';

/**
 * The model's reply as a recorded `model-step` shows it, rebuilt so that `step()` can be fed it
 * again. A `model-step` keeps the tool and the arguments but not the stop reason or the raw
 * argument text; the event the reducer wrote right after it tells those apart: a guardrail
 * escalation, a cut-off or malformed reply, or arguments that were not JSON.
 */
export const recordedReplyOf = (
  modelStep: EventOf<'model-step'>,
  following: Event | undefined,
): ModelReply => {
  const { tool, args, model, usage } = modelStep.data;
  const errorMessage = following?.type === 'tool-error' ? following.data.message : undefined;
  const base = { model, usage };
  const blocked = following?.type === 'escalation' && following.data.reason === 'guardrail';
  if (tool === '') {
    const text = typeof args === 'string' ? args : canonicalJson(args);
    if (blocked) return { ...base, stopReason: 'guardrail_intervened', text };
    if (errorMessage === REPLY_ERRORS.cutOff) return { ...base, stopReason: 'max_tokens', text };
    if (errorMessage === REPLY_ERRORS.malformed) return { ...base, stopReason: 'malformed_tool_use', text };
    return { ...base, stopReason: 'end_turn', text };
  }
  // Arguments that were not JSON are recorded as the raw text the model wrote.
  const argsJson =
    typeof args === 'string' && errorMessage === REPLY_ERRORS.notJson ? args : JSON.stringify(args);
  return { ...base, stopReason: blocked ? 'guardrail_intervened' : 'tool_use', tool, argsJson };
};
