import type { Event, NewEvent } from './events.ts';

/**
 * A step can be cut off after it stored the model's call and before what the call led to (its
 * approval request, or the tool error refusing it). The next step finds the call pending and
 * unroutable, and appends this tool error in place of the lost follow-up, so the model takes
 * the step again. It is keyed as the call's outcome, so it is appended once.
 */
const MESSAGE = 'this step was interrupted before it was recorded in full: take it again';

export const interruptedStepRepair = (
  call: { callId: string; tool: string },
  made: { id: string; at: string },
): NewEvent => ({
  ...made,
  key: `result:${call.callId}`,
  type: 'tool-error',
  data: { callId: call.callId, tool: call.tool, message: MESSAGE },
});

/** The repair of an interrupted step: what the step wrote before it is all the recording holds. */
export const isInterruptedStepRepair = (event: Event | undefined): boolean =>
  event?.type === 'tool-error' &&
  event.key === `result:${event.data.callId}` &&
  event.data.message === MESSAGE;
