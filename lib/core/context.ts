import type { Event, NewEvent } from './events.ts';
import type { JsonValue } from './json.ts';
import { deriveThreadState } from './thread-state.ts';
import { renderYaml } from './yaml.ts';

/**
 * The model's view of a thread (factor 3): one tag per event with a short YAML-like body.
 * Only chosen fields are rendered, so ids, approval ids and task tokens never reach the model.
 * Resolved errors drop out, and past the token budget old detail is elided before anything
 * that matters: the original request and a pending approval always stay.
 */

interface Block {
  text: string;
  /** Shorter text that says what was left out, or undefined if the block cannot shrink. */
  short?: string;
  keep: boolean;
}

export interface RenderOptions {
  /** Estimated tokens the context may take. */
  budgetTokens: number;
}

/** A cheap, provider-neutral token estimate: about four characters a token for English and YAML. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export const renderContext = (events: readonly (Event | NewEvent)[], options: RenderOptions): string => {
  const blocks = toBlocks(events);
  fitBudget(blocks, options.budgetTokens);
  return blocks
    .map((block) => block.text)
    .filter((text) => text.length > 0)
    .join('\n');
};

const toBlocks = (events: readonly (Event | NewEvent)[]): Block[] => {
  const resolved = resolvedErrorCalls(events);
  const pendingCallId = deriveThreadState(events).pendingApproval?.callId;
  const firstMessage = events.find((event) => event.type === 'user-message');
  const blocks: Block[] = [];
  for (const event of events) {
    const block = renderEvent(event, resolved, pendingCallId);
    if (!block) continue;
    const isPendingApproval =
      (event.type === 'model-step' && event.id === pendingCallId) ||
      (event.type === 'approval-request' && event.data.callId === pendingCallId);
    blocks.push({ ...block, keep: event === firstMessage || isPendingApproval });
  }
  // The latest few events are what the model acts on: never elide them.
  for (const block of blocks.slice(-3)) block.keep = true;
  return blocks;
};

/** Calls that failed and were followed by a success: they and their errors leave the context. */
const resolvedErrorCalls = (events: readonly (Event | NewEvent)[]): Set<string> => {
  const resolved = new Set<string>();
  let failed: string[] = [];
  for (const event of events) {
    if (event.type === 'tool-error') failed.push(event.data.callId ?? '');
    if (
      event.type === 'tool-result' ||
      (event.type === 'child-thread-done' && event.data.outcome === 'done')
    ) {
      for (const callId of failed) resolved.add(callId);
      failed = [];
    }
  }
  return resolved;
};

const tag = (name: string, body: string, attributes = ''): string =>
  body.includes('\n')
    ? `<${name}${attributes}>\n${body}\n</${name}>`
    : `<${name}${attributes}>${body}</${name}>`;

/**
 * Text from outside (messages, arguments, results) can never close a tag early: `</` inside it
 * is written `<\/`. Untrusted text is also fenced and labelled as data.
 */
const escapeTags = (text: string): string => text.replaceAll('</', '<\\/');
const fence = (text: string): string => `<data untrusted>\n${escapeTags(text)}\n</data>`;

/** Attribute values are JSON strings with `<` and `>` spelled as escapes: no markup survives. */
const attribute = (name: string, value: string | undefined): string =>
  value === undefined
    ? ''
    : ` ${name}=${JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e')}`;

const renderEvent = (
  event: Event | NewEvent,
  resolved: Set<string>,
  pendingCallId: string | undefined,
): Omit<Block, 'keep'> | undefined => {
  switch (event.type) {
    case 'user-message': {
      const { text, untrusted, channel, from, subject } = event.data;
      const attributes = untrusted
        ? `${attribute('via', channel)}${attribute('from', from)}${attribute('subject', subject)}`
        : '';
      return { text: tag('user', untrusted ? fence(text) : escapeTags(text), attributes) };
    }
    case 'model-step': {
      if (resolved.has(event.id)) return undefined;
      // A reply with no tool call is shown as the text the model wrote.
      return { text: tag(event.data.tool || 'reply', renderBody(event.data.args)) };
    }
    case 'tool-result': {
      const { result, untrusted, prefetch, tool } = event.data;
      const body = untrusted
        ? fence(typeof result === 'string' ? result : renderYaml(result))
        : renderBody(result);
      const call = prefetch ? `${prefetchedCall(tool, prefetch.args)}\n` : '';
      return {
        text: `${call}${tag('result', body)}`,
        short: `${call}${tag('result', `(elided: ${body.length} chars)`)}`,
      };
    }
    case 'tool-error': {
      if (resolved.has(event.data.callId ?? '')) return undefined;
      const { prefetch, tool } = event.data;
      const call = prefetch ? `${prefetchedCall(tool, prefetch.args)}\n` : '';
      return { text: `${call}${tag('error', escapeTags(event.data.message))}` };
    }
    case 'approval-request':
      // Once decided, the decision says what happened; only a pending request is shown.
      return event.data.callId === pendingCallId ? { text: '<approval status="pending"/>' } : undefined;
    case 'approval-decision':
      switch (event.data.decision) {
        case 'approve':
          return { text: '<approval status="approved"/>' };
        case 'reject':
          return { text: tag('approval', `rejected\nfeedback: ${escapeTags(event.data.feedback)}`) };
        case 'edit':
          return { text: tag('approval', `approved with edited arguments\n${renderYaml(event.data.args)}`) };
        case 'expired':
          return { text: '<approval status="expired">nobody decided in time; ask again or stop</approval>' };
      }
      return undefined;
    case 'human-input-response': {
      const { text, untrusted, from } = event.data;
      return {
        text: tag(
          'human',
          untrusted ? fence(text) : escapeTags(text),
          untrusted ? attribute('from', from) : '',
        ),
      };
    }
    case 'escalation':
      return {
        text: tag('escalation', escapeTags(event.data.detail), attribute('reason', event.data.reason)),
      };
    case 'failure':
      return { text: tag('failure', escapeTags(event.data.error)) };
    case 'child-thread-done': {
      const body = `${event.data.outcome}: ${escapeTags(event.data.message)}`;
      return { text: tag('result', body), short: tag('result', `${event.data.outcome} (elided)`) };
    }
    // These say nothing the model needs: the call that caused them is already rendered.
    case 'human-input-request':
    case 'agent-done':
    case 'paused':
    case 'resumed':
    case 'cancelled':
    case 'child-thread-started':
      return undefined;
  }
};

/** A call no model step made, shown as if one had, marked as a pre-fetch (factor 13). */
const prefetchedCall = (tool: string, args: JsonValue): string =>
  tag(tool, renderBody(args), ' prefetched="true"');

const renderBody = (value: JsonValue): string =>
  escapeTags(typeof value === 'string' ? value : renderYaml(value));

const fitBudget = (blocks: Block[], budgetTokens: number): void => {
  let total = blocks.reduce((sum, block) => sum + estimateTokens(block.text) + 1, 0);
  for (const block of blocks) {
    if (total <= budgetTokens) return;
    if (block.keep || block.short === undefined) continue;
    total -= estimateTokens(block.text) - estimateTokens(block.short);
    block.text = block.short;
    block.short = undefined;
  }
  let dropped = 0;
  for (const block of blocks) {
    if (total <= budgetTokens) break;
    if (block.keep || block.text.length === 0) continue;
    total -= estimateTokens(block.text) + 1;
    block.text = dropped === 0 ? '<elided/>' : '';
    dropped += 1;
  }
  const marker = blocks.find((block) => block.text === '<elided/>');
  if (marker) marker.text = `<elided events="${dropped}"/>`;
};
