import type { ApprovalReason, Event, NewEvent } from './events.ts';
import type { Tool } from './tools.ts';

/**
 * The rule of two: a thread may read outside content, or change state and send things out
 * unwatched, but not both. Once outside content is in the thread, every tool that is not read-only
 * needs a person's approval for the rest of the thread, whatever the tool declares. Derived from
 * the thread alone, so the step that asks and the tool function that checks agree.
 */

/** The event that first brought outside content into a thread, and where it came from. */
export interface OutsideContent {
  eventId: string;
  source: string;
}

/**
 * The first outside content in `events`: a message marked untrusted (inbound mail is), a person's
 * untrusted answer, or a result of a tool the agent marks `untrusted` (fetched text).
 */
export const firstOutsideContent = (events: readonly (Event | NewEvent)[]): OutsideContent | undefined => {
  for (const event of events) {
    const source = outsideSourceOf(event);
    if (source !== undefined) return { eventId: event.id, source };
  }
  return undefined;
};

const outsideSourceOf = (event: Event | NewEvent): string | undefined => {
  switch (event.type) {
    case 'user-message':
      return event.data.untrusted ? `a message via ${event.data.channel}${from(event.data.from)}` : undefined;
    case 'human-input-response':
      return event.data.untrusted ? `an answer via ${event.data.channel}${from(event.data.from)}` : undefined;
    case 'tool-result':
      return event.data.untrusted ? `the result of ${event.data.tool}` : undefined;
    default:
      return undefined;
  }
};

const from = (sender: string | undefined): string => (sender ? ` from ${sender}` : '');

/**
 * Why a call of `tool` made after `events` must wait for a person, or undefined when it may run
 * at once: the tool always needs approval, or the rule of two gates it.
 */
export const approvalReasonFor = (
  events: readonly (Event | NewEvent)[],
  tool: Pick<Tool, 'needsApproval' | 'readOnly'>,
): ApprovalReason | undefined => {
  if (tool.needsApproval) return { kind: 'tool' };
  if (tool.readOnly) return undefined;
  const outside = firstOutsideContent(events);
  return outside ? { kind: 'outside-content', ...outside } : undefined;
};

/**
 * Why the call `callId` had to wait for a person, judged on the thread as it stood when the model
 * made the call: what came in afterwards does not gate a call made before it. A call the thread
 * does not hold is judged on the whole thread.
 */
export const approvalReasonForCall = (
  events: readonly (Event | NewEvent)[],
  tool: Pick<Tool, 'needsApproval' | 'readOnly'>,
  callId: string,
): ApprovalReason | undefined => {
  const index = events.findIndex((event) => event.type === 'model-step' && event.id === callId);
  return approvalReasonFor(index < 0 ? events : events.slice(0, index), tool);
};

/** The words a person reads beside an approval the rule of two asked for. */
export const OUTSIDE_CONTENT_NOTE = 'asked because this thread read outside content';

/** One line saying why an approval was asked, for timelines and approval pages. */
export const describeApprovalReason = (reason: ApprovalReason | undefined): string =>
  reason?.kind === 'outside-content'
    ? `${OUTSIDE_CONTENT_NOTE} (${reason.source})`
    : 'the tool always needs approval';
