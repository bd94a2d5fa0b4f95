import { InMemoryThreadStore } from '../../lib/adapters/memory-thread-store.ts';
import { InMemoryWaitStore } from '../../lib/adapters/memory-wait-store.ts';
import { RecordingNotifier } from '../../lib/adapters/notifier.ts';
import type { Orchestrator } from '../../lib/adapters/orchestrator.ts';
import { ScriptedModel, type ScriptedTurn } from '../../lib/adapters/scripted-model.ts';
import { defineAgent } from '../../lib/core/agent.ts';
import type { NewEvent } from '../../lib/core/events.ts';
import type { JsonValue } from '../../lib/core/json.ts';
import type { AwaitHumanDeps } from '../../lib/service/await-human.ts';
import type { StepServiceDeps } from '../../lib/service/run-step.ts';
import { createRefundAgent } from '../core/refund-agent.ts';
import { FixedClock } from '../fakes/fixed-clock.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';

export type OrchestratorCall =
  | { method: 'startTurn'; threadId: string; seq: number }
  | { method: 'resume'; taskToken: string; output: JsonValue }
  | { method: 'fail'; taskToken: string; error: string }
  | { method: 'stopTurns'; threadId: string };

/** Records its calls; a turn starts once per `<thread>-<seq>` and a token resumes once, like Step Functions. */
export class RecordingOrchestrator implements Orchestrator {
  readonly calls: OrchestratorCall[] = [];
  private readonly started = new Set<string>();
  private readonly used = new Set<string>();

  async startTurn(threadId: string, seq: number): Promise<'started' | 'already-started'> {
    this.calls.push({ method: 'startTurn', threadId, seq });
    const name = `${threadId}-${seq}`;
    if (this.started.has(name)) return 'already-started';
    this.started.add(name);
    return 'started';
  }

  async resume(taskToken: string, output: JsonValue): Promise<'resumed' | 'gone'> {
    this.calls.push({ method: 'resume', taskToken, output });
    if (this.used.has(taskToken)) return 'gone';
    this.used.add(taskToken);
    return 'resumed';
  }

  async fail(taskToken: string, error: string): Promise<'failed' | 'gone'> {
    this.calls.push({ method: 'fail', taskToken, error });
    return 'failed';
  }

  async stopTurns(threadId: string): Promise<void> {
    this.calls.push({ method: 'stopTurns', threadId });
  }
}

export const APPROVER = 'approver@example.com';

/** The use cases' deps on fakes: the refund agent, a parent agent that hands work to it, a scripted model. */
export const createHarness = (script: readonly ScriptedTurn[] = []) => {
  const refunds = createRefundAgent();
  const manager = defineAgent({
    name: 'manager',
    description: 'Hands refunds to the refunds agent.',
    prompt: () => 'You manage refunds.',
    tools: [],
    children: [
      { tool: 'delegate_refund', agent: 'refunds', description: 'Hand a refund to the refunds agent.' },
    ],
  });
  const store = new InMemoryThreadStore();
  const waits = new InMemoryWaitStore();
  const orchestrator = new RecordingOrchestrator();
  const notifier = new RecordingNotifier();
  const model = new ScriptedModel(script);
  const clock = new FixedClock();
  const ids = new SequentialIds();
  const deps: StepServiceDeps & AwaitHumanDeps = {
    store,
    waits,
    orchestrator,
    agents: new Map([
      ['refunds', refunds.agent],
      ['manager', manager],
    ]),
    clock,
    ids,
    model,
    notifier,
    approvers: [APPROVER],
    approvalTimeoutSeconds: 3600,
    signApproval: async ({ approvalId, approver, expiresAt }) => ({
      link: `https://api.example.com/approvals/${approvalId}?a=${approver}&e=${expiresAt}`,
      reference: `${approvalId}.${Math.floor(Date.parse(expiresAt) / 1000)}.signed-for-${approver}`,
    }),
  };
  /** A thread holding these events, made as the runtime makes them. */
  const thread = async (
    threadId: string,
    events: readonly Omit<NewEvent, 'id' | 'at'>[],
    agent = 'refunds',
  ) => {
    await store.create({ threadId, agent, at: clock.now() });
    const made = events.map((event) => ({ ...event, id: ids.next('ev'), at: clock.now() }) as NewEvent);
    return store.append(threadId, made);
  };
  return { deps, store, waits, orchestrator, notifier, model, clock, refunds: refunds.refunds, thread };
};

export type Harness = ReturnType<typeof createHarness>;

export const userMessage = (
  text: string,
  extra: { key?: string; from?: string; channel?: 'api' | 'email' } = {},
) =>
  ({
    type: 'user-message',
    ...(extra.key ? { key: extra.key } : {}),
    data: {
      text,
      channel: extra.channel ?? 'api',
      untrusted: false,
      ...(extra.from ? { from: extra.from } : {}),
    },
  }) as const;

export const modelStep = (tool: string, args: JsonValue) =>
  ({
    type: 'model-step',
    data: { tool, args, model: 'scripted', usage: { inputTokens: 1, outputTokens: 1 }, costUsd: 0 },
  }) as const;
