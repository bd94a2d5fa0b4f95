import type { Event } from '../core/events.ts';
import type { JsonValue } from '../core/json.ts';
import { describeApprovalReason } from '../core/rule-of-two.ts';
import { renderYaml } from '../core/yaml.ts';

const oneLine = (text: string, max = 100): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const args = (value: JsonValue): string =>
  typeof value === 'string' ? oneLine(value) : oneLine(renderYaml(value).replaceAll('\n', ', '));

/** One line per event for a person reading a terminal. */
export const describeEvent = (event: Event): string => {
  const head = `#${String(event.seq).padStart(3)} ${event.type.padEnd(20)}`;
  switch (event.type) {
    case 'user-message':
      return `${head} ${oneLine(event.data.text)}`;
    case 'model-step': {
      const { tool, usage, costUsd, model } = event.data;
      const cached = usage.cachedInputTokens ? ` (${usage.cachedInputTokens} cached)` : '';
      const cost = `${usage.inputTokens} in${cached} / ${usage.outputTokens} out, $${costUsd.toFixed(5)}, ${model}`;
      return `${head} ${tool || '(no tool)'} ${args(event.data.args)}  [${cost}]`;
    }
    case 'tool-result': {
      const marks = `${event.data.prefetch ? ' (prefetched)' : ''}${event.data.untrusted ? ' (outside content)' : ''}`;
      return `${head} ${event.data.tool}${marks}: ${args(event.data.result)}`;
    }
    case 'tool-error':
      return `${head} ${event.data.tool || '(reply)'}: ${event.data.message}`;
    case 'approval-request':
      return `${head} ${event.data.tool} ${args(event.data.args)} awaits approval${
        event.data.reason?.kind === 'outside-content' ? ` (${describeApprovalReason(event.data.reason)})` : ''
      }`;
    case 'approval-decision': {
      const by = event.data.by ? ` by ${event.data.by}` : '';
      const detail =
        event.data.decision === 'reject'
          ? `: ${event.data.feedback}`
          : event.data.decision === 'edit'
            ? `: ${args(event.data.args)}`
            : '';
      return `${head} ${event.data.decision}${by}${detail}`;
    }
    case 'human-input-request':
      return `${head} ${oneLine(event.data.question)}`;
    case 'human-input-response':
      return `${head} ${oneLine(event.data.text)}`;
    case 'agent-done':
      return `${head} ${oneLine(event.data.message, 200)}`;
    case 'escalation':
      return `${head} ${event.data.reason}: ${event.data.detail}`;
    case 'failure':
      return `${head} ${event.data.error}`;
    case 'child-thread-started':
      return `${head} ${event.data.agent} ${event.data.childThreadId}: ${oneLine(event.data.task)}`;
    case 'child-thread-done':
      return `${head} ${event.data.childThreadId} ${event.data.outcome}: ${oneLine(event.data.message)}`;
    case 'paused':
    case 'resumed':
    case 'cancelled':
      return `${head} ${event.data.by ?? ''}`.trimEnd();
  }
};
