import type { Agent } from './agent.ts';
import { ThreadNotRunnableError } from './errors.ts';
import type { EscalationReason, NewEvent, Thread } from './events.ts';
import { hashArgs } from './hash.ts';
import { type JsonValue, parseJson } from './json.ts';
import { type Next, nextOf } from './next.ts';
import type { Clock, Ids, Model, ModelReply } from './ports.ts';
import { type MakeEvent, runPrefetch } from './prefetch.ts';
import { estimateCostUsd } from './pricing.ts';
import { REPLY_ERRORS } from './reply-errors.ts';
import { buildModelRequest, toolSpecsOf } from './request.ts';
import { approvalReasonFor } from './rule-of-two.ts';
import { DONE_FOR_NOW, deriveThreadState, REQUEST_HUMAN_INPUT, type ThreadState } from './thread-state.ts';
import { ChildTaskArgs, DoneArgs, describeIssues, HumanInputArgs } from './tools.ts';

export interface StepDeps {
  model: Model;
  clock: Clock;
  ids: Ids;
}

export interface StepResult {
  /** New events for the caller to append, in order. */
  events: NewEvent[];
  next: Next;
}

/**
 * One reducer step (factor 12): render the thread, ask the model for exactly one next step,
 * validate it, and say what happens next. Never mutates `thread`.
 *
 * A reply the agent can fix (not JSON, an unknown tool, bad arguments) becomes a `tool-error`
 * and the model is asked again within the same step, until the agent's error limit escalates.
 * Model and network failures throw: the caller retries them.
 */
export const step = async (thread: Thread, agent: Agent, deps: StepDeps): Promise<StepResult> => {
  const produced: NewEvent[] = [];
  const make = eventFactory(deps);
  for (;;) {
    const events = [...thread.events, ...produced];
    const state = deriveThreadState(events);
    if (state.status === 'paused' || state.status === 'cancelled' || state.status === 'failed') {
      throw new ThreadNotRunnableError(thread.id, state.status);
    }
    const ready = nextOf(state);
    if (ready) return { events: produced, next: ready };

    const limit = exceededLimit(state, agent);
    if (limit) {
      produced.push(make({ type: 'escalation', data: limit }));
      return { events: produced, next: { kind: 'escalate', reason: limit.reason } };
    }

    // Before the turn's first model step, the agent's pre-fetch lookups (factor 13), once each.
    if (state.stepCount === 0) {
      const prefetched = await runPrefetch({ threadId: thread.id, events, agent, make });
      if (prefetched.length > 0) {
        produced.push(...prefetched);
        continue;
      }
    }

    const request = buildModelRequest(events, agent, deps.clock.now());
    const reply = await deps.model.next(request);
    produced.push(...interpret(reply, events, agent, make, deps.ids));
  }
};

const eventFactory =
  (deps: Pick<StepDeps, 'clock' | 'ids'>): MakeEvent =>
  (event) => {
    const made: NewEvent = { ...event, id: deps.ids.next('ev'), at: deps.clock.now() };
    return made;
  };

const exceededLimit = (
  state: ThreadState,
  agent: Agent,
): { reason: EscalationReason; detail: string } | undefined => {
  const { maxConsecutiveErrors, maxSteps, budgetUsd } = agent.limits;
  if (state.consecutiveErrors >= maxConsecutiveErrors) {
    return { reason: 'consecutive-errors', detail: `${state.consecutiveErrors} tool errors in a row` };
  }
  if (state.stepCount >= maxSteps)
    return { reason: 'step-cap', detail: `${state.stepCount} steps without finishing` };
  if (state.costUsd >= budgetUsd) {
    return { reason: 'budget', detail: `spent $${state.costUsd.toFixed(4)} of a $${budgetUsd} budget` };
  }
  return undefined;
};

/**
 * Turns one model reply into events. Exactly one `model-step`, then what it led to. `events` is the
 * thread the model saw: whether the call needs approval is judged on it (the rule of two).
 */
const interpret = (
  reply: ModelReply,
  events: readonly NewEvent[],
  agent: Agent,
  make: MakeEvent,
  ids: Ids,
): NewEvent[] => {
  const args: JsonValue = reply.argsJson === undefined ? (reply.text ?? '') : parsedOrRaw(reply.argsJson);
  const modelStep = make({
    type: 'model-step',
    data: {
      tool: reply.tool ?? '',
      args,
      model: reply.model,
      usage: reply.usage,
      costUsd: estimateCostUsd(reply.model, reply.usage, agent.prices),
    },
  });
  const callId = modelStep.id;
  const error = (message: string): NewEvent[] => [
    modelStep,
    make({ type: 'tool-error', data: { callId, tool: reply.tool ?? '', message } }),
  ];

  if (reply.stopReason === 'guardrail_intervened') {
    return [
      modelStep,
      make({ type: 'escalation', data: { reason: 'guardrail', detail: 'a guardrail blocked the reply' } }),
    ];
  }
  if (reply.tool === undefined) {
    if (reply.stopReason === 'max_tokens') return error(REPLY_ERRORS.cutOff);
    if (reply.stopReason === 'malformed_tool_use') return error(REPLY_ERRORS.malformed);
    return error(REPLY_ERRORS.noTool);
  }
  if (reply.argsJson !== undefined && typeof args === 'string' && !parseJson(reply.argsJson).ok) {
    return error(REPLY_ERRORS.notJson);
  }

  if (reply.tool === DONE_FOR_NOW) {
    const parsed = DoneArgs.safeParse(args);
    if (!parsed.success) return error(`invalid arguments: ${describeIssues(parsed.error)}`);
    return [modelStep, make({ type: 'agent-done', data: { message: parsed.data.message } })];
  }
  if (reply.tool === REQUEST_HUMAN_INPUT) {
    const parsed = HumanInputArgs.safeParse(args);
    if (!parsed.success) return error(`invalid arguments: ${describeIssues(parsed.error)}`);
    const requestId = ids.next('q');
    return [
      modelStep,
      make({ type: 'human-input-request', data: { requestId, callId, question: parsed.data.question } }),
    ];
  }

  const child = agent.children?.find((candidate) => candidate.tool === reply.tool);
  if (child) {
    const parsed = ChildTaskArgs.safeParse(args);
    if (!parsed.success) return error(`invalid arguments: ${describeIssues(parsed.error)}`);
    const data = { callId, childThreadId: ids.next('th'), agent: child.agent, task: parsed.data.task };
    return [modelStep, make({ type: 'child-thread-started', data })];
  }
  const tool = agent.tools.find((candidate) => candidate.name === reply.tool);
  if (!tool) {
    const names = toolSpecsOf(agent).map((spec) => spec.name);
    return error(`unknown tool "${reply.tool}"; the tools are: ${names.join(', ')}`);
  }
  const valid = tool.validate(args);
  if (!valid.ok) return error(valid.message);
  const reason = approvalReasonFor(events, tool);
  if (!reason) return [modelStep];
  const approvalId = ids.next('apr');
  return [
    modelStep,
    make({
      type: 'approval-request',
      data: {
        approvalId,
        callId,
        tool: tool.name,
        args: valid.args,
        argsHash: hashArgs(valid.args),
        ...(tool.server === undefined ? {} : { server: tool.server }),
        ...(tool.fingerprint === undefined ? {} : { toolHash: tool.fingerprint }),
        reason,
      },
    }),
  ];
};

const parsedOrRaw = (text: string): JsonValue => {
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : text;
};
