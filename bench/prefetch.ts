import { getEncoding } from 'js-tiktoken';
import { DemoModel } from '../lib/adapters/demo-model.ts';
import { InMemoryThreadStore } from '../lib/adapters/memory-thread-store.ts';
import type { Agent } from '../lib/core/agent.ts';
import { driveThread } from '../lib/core/drive.ts';
import type { Model, ModelRequest } from '../lib/core/ports.ts';
import { CountingIds, fixedClock } from './ports.ts';
import { declaredBillingAgent, SCENARIO_MESSAGE, scenarioAgent } from './scenario.ts';

/** One variant's thread: how often the model was asked and what the asking cost in tokens. */
export interface PrefetchRun {
  modelCalls: number;
  /** o200k tokens of everything sent (system, context, tool specs), summed over the calls. */
  requestTokensO200k: number;
  /** The usage the model steps record (the demo model's estimate), input + output. */
  recordedTokens: number;
  outcome: string;
}

/** Counts what the wrapped model is asked. */
class CountingModel implements Model {
  readonly requests: ModelRequest[] = [];
  readonly id: string;
  constructor(private readonly inner: Model) {
    this.id = inner.id;
  }
  next(request: ModelRequest) {
    this.requests.push(request);
    return this.inner.next(request);
  }
}

/**
 * Runs the billing scenario ("create a $750 sponsorship link for Terri": look up the customer,
 * a payment link a person approves, done) for real with the offline demo model, which reads the
 * thread and decides each step, once as the agent is declared and once with its pre-fetch removed.
 */
const runVariant = async (agent: Agent): Promise<PrefetchRun> => {
  const encoding = getEncoding('o200k_base');
  const store = new InMemoryThreadStore();
  const ids = new CountingIds();
  const model = new CountingModel(new DemoModel(new Map([['billing', agent]])));
  await store.create({ threadId: 'th-prefetch', agent: 'billing', at: fixedClock.now() });
  await store.append('th-prefetch', [
    {
      id: ids.next('ev'),
      at: fixedClock.now(),
      type: 'user-message',
      data: { text: SCENARIO_MESSAGE, channel: 'api', untrusted: false },
    },
  ]);
  const state = await driveThread('th-prefetch', agent, {
    store,
    model,
    clock: fixedClock,
    ids,
    humans: { decide: async () => ({ decision: 'approve' }), answer: async () => 'Terri Jackson' },
  });
  const requestTokensO200k = model.requests.reduce(
    (sum, request) =>
      sum + encoding.encode(`${request.system}\n${request.context}\n${JSON.stringify(request.tools)}`).length,
    0,
  );
  return {
    modelCalls: model.requests.length,
    requestTokensO200k,
    recordedTokens: state.inputTokens + state.outputTokens,
    outcome: state.status,
  };
};

/** The scenario with and without the billing agent's pre-fetch of the customer. */
export const measurePrefetch = async (): Promise<{
  withPrefetch: PrefetchRun;
  withoutPrefetch: PrefetchRun;
}> => {
  const withPrefetch = await runVariant(declaredBillingAgent());
  const withoutPrefetch = await runVariant(scenarioAgent());
  return { withPrefetch, withoutPrefetch };
};
