import type { Agent } from './agent.ts';
import { childTaskMessage, finalMessageOf, outcomeOf } from './child.ts';
import { answerQuestion, type DecisionInput, decideApproval } from './decide.ts';
import type { Event, NewEvent, Thread } from './events.ts';
import { type Next, nextOf } from './next.ts';
import type { Clock, Ids, Model, ThreadStore } from './ports.ts';
import { runTool } from './run-tool.ts';
import { withServerTools } from './server-tools.ts';
import { step } from './step.ts';
import {
  deriveThreadState,
  type PendingApproval,
  type PendingQuestion,
  type ThreadState,
} from './thread-state.ts';
import type { ToolServers } from './tool-servers.ts';

/** The people a thread can reach while it runs in one process (the CLI, tests, the bench). */
export interface Humans {
  /** `problem` says why the previous answer to this approval was refused, if it was. */
  decide(approval: PendingApproval, thread: Thread, problem?: string): Promise<DecisionInput>;
  answer(question: PendingQuestion, thread: Thread): Promise<string>;
}

export interface DriveDeps {
  store: ThreadStore;
  model: Model;
  clock: Clock;
  ids: Ids;
  humans: Humans;
  /** Reaches the MCP servers agents take tools from; needed only by agents that name one. */
  toolServers?: ToolServers;
  /** The agents a child task can be handed to, by name. */
  agents?: ReadonlyMap<string, Agent>;
  /** Called with each batch of events as it is stored. */
  onEvents?: (events: readonly Event[]) => void;
}

/**
 * Runs a thread in-process until it ends or needs someone it cannot reach: the same loop the
 * state machine runs on AWS, with the store as the only state between steps.
 */
export const driveThread = async (
  threadId: string,
  declared: Agent,
  deps: DriveDeps,
): Promise<ThreadState> => {
  const append = async (events: Parameters<ThreadStore['append']>[1]): Promise<void> => {
    if (events.length === 0) return;
    const stored = await deps.store.append(threadId, events);
    deps.onEvents?.(stored);
  };
  let problem: string | undefined;
  for (;;) {
    const thread = await deps.store.load(threadId);
    const state = deriveThreadState(thread.events);
    if (['done', 'failed', 'cancelled', 'paused', 'escalated'].includes(state.status)) return state;
    const next = nextOf(state);
    // Server tools are listed afresh each time round, as each Lambda invocation lists them on AWS.
    const agent = await withServerTools(declared, deps.toolServers);
    if (!next) {
      const result = await step(thread, agent, deps);
      await append(result.events);
      continue;
    }
    switch (next.kind) {
      case 'tool':
        await append(await runTool(thread, agent, next.callId, deps));
        break;
      case 'approval': {
        const pending = state.pendingApproval!;
        const outcome = decideApproval(
          thread,
          agent,
          next.approvalId,
          await deps.humans.decide(pending, thread, problem),
          deps,
        );
        problem = outcome.ok ? undefined : outcome.reason;
        if (outcome.ok) await append(outcome.events);
        break;
      }
      case 'human': {
        const text = await deps.humans.answer(state.pendingQuestion!, thread);
        const outcome = answerQuestion(thread, next.requestId, { text }, deps);
        if (outcome.ok) await append(outcome.events);
        break;
      }
      case 'child':
        await append([await runChild(thread, next, deps)]);
        break;
      case 'done':
      case 'escalate':
        return state;
    }
  }
};

/** Runs a child thread to its end in this process; its outcome becomes the parent's result. */
const runChild = async (
  parent: Thread,
  next: Extract<Next, { kind: 'child' }>,
  deps: DriveDeps,
): Promise<NewEvent> => {
  const { callId, childThreadId, agent: agentName } = next;
  const started = parent.events.find(
    (event) => event.type === 'child-thread-started' && event.data.callId === callId,
  );
  const task = started?.type === 'child-thread-started' ? started.data.task : '';
  const childAgent = deps.agents?.get(agentName);
  let outcome: ThreadState['status'] | 'unknown-agent' = 'unknown-agent';
  let message = `no agent is named ${agentName}`;
  if (childAgent) {
    await deps.store.create({ threadId: childThreadId, agent: agentName, at: deps.clock.now() });
    await deps.store.append(childThreadId, [childTaskMessage(parent.id, task, deps)]);
    const state = await driveThread(childThreadId, childAgent, { ...deps, onEvents: undefined });
    outcome = state.status;
    const child = await deps.store.load(childThreadId);
    message = finalMessageOf(child) ?? `the child thread ended ${state.status}`;
  }
  return {
    id: deps.ids.next('ev'),
    at: deps.clock.now(),
    key: `child:${callId}`,
    type: 'child-thread-done',
    data: { callId, childThreadId, outcome: outcomeOf(outcome), message },
  };
};
