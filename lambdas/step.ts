import type { Context } from 'aws-lambda';
import { DemoModel } from '../lib/adapters/demo-model.ts';
import { createModel, parseModelSetting } from '../lib/adapters/model-setting.ts';
import { runStep, type StepServiceDeps } from '../lib/service/run-step.ts';
import { createBase, type Env, threadPieces } from './base.ts';
import { parsePayload } from './invalid-payload.ts';
import { lazyFields } from './lazy.ts';
import { StepInputSchema } from './schemas.ts';
import { createTelemetry, inThread, type Telemetry } from './telemetry.ts';
import { mcpToolServers } from './tool-servers-piece.ts';

export interface StepHandlerDeps {
  service: StepServiceDeps;
  telemetry: Telemetry;
}

/**
 * `Step`: one reducer step. Input `{ threadId }`, output `{ next, seq }` (→ `$.step`).
 * Model failures surface as `ModelThrottled` (the state machine retries it) or `ModelFailed`.
 */
export const createHandler = (deps: StepHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('step', StepInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const result = await runStep(input.threadId, deps.service);
    deps.telemetry.logger.info('step taken', { next: result.next, seq: result.seq });
    deps.telemetry.metrics?.addMetric(`next_${result.next.kind}`, 'Count', 1);
    return result;
  });
};

/** The step function's deps: the threads, the agents and the model `THREADLINE_MODEL` names. */
export const depsFrom = (telemetry: Telemetry, env?: Env): StepHandlerDeps => {
  const base = createBase(telemetry, env);
  const service = lazyFields<StepServiceDeps>({
    ...threadPieces(base),
    toolServers: mcpToolServers,
    model: () => {
      const { THREADLINE_MODEL, OPENAI_API_KEY } = base.config();
      return createModel(parseModelSetting(THREADLINE_MODEL), {
        demo: () => new DemoModel(base.agents()),
        ...(OPENAI_API_KEY ? { apiKey: OPENAI_API_KEY } : {}),
      });
    },
  });
  return { service, telemetry };
};

export const handler = createHandler(depsFrom(createTelemetry()));
