import { call, ScriptedModel } from '../lib/adapters/scripted-model.ts';
import { decideApproval } from '../lib/core/decide.ts';
import type { Thread } from '../lib/core/events.ts';
import { nextOf } from '../lib/core/next.ts';
import { runTool } from '../lib/core/run-tool.ts';
import { step } from '../lib/core/step.ts';
import { deriveThreadState } from '../lib/core/thread-state.ts';
import { readStateMachineDefinition } from '../lib/infra/definition-from-template.ts';
import { buildThreadlineApp, STACK_NAME } from '../lib/infra/synthesize.ts';
import { devContext } from '../lib/local/dev-context.ts';
import { tallyCapacity } from './capacity.ts';
import { withDynaliteStore } from './overhead-threadline.ts';
import { CountingIds, fixedClock } from './ports.ts';
import { SCENARIO_MESSAGE, SCENARIO_STEPS, scenarioAgent, scenarioCalls } from './scenario.ts';
import { type BenchOptions, type Section, table, verdict } from './section.ts';
import { round } from './stats.ts';

/** Public list prices, us-east-1, as published in 2024 (checked 2024-12; AWS may have changed them since). */
export const PRICES = {
  date: '2024-12, us-east-1 list prices',
  stepFunctionsStandardPerTransition: 0.025 / 1_000,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  dynamoPerWriteUnit: 0.625 / 1_000_000,
  dynamoPerReadUnit: 0.125 / 1_000_000,
  sqsFifoPerRequest: 0.5 / 1_000_000,
  haikuInputPerToken: 0.8 / 1_000_000,
  haikuOutputPerToken: 4 / 1_000_000,
};
/** A Claude Haiku-class step: 2,000 tokens in, 100 out. */
const MODEL_STEP = { inputTokens: 2_000, outputTokens: 100 };
/** Assumed durations: the step Lambda waits for the model; a lookup tool is one quick call. */
const DURATION_SECONDS = { step: 1.0, tool: 0.05 };

/** Follows a path through the synthesized definition, failing if any edge is not in it. */
const checkPath = (
  states: Record<string, { Type: string; Next?: string; Default?: string; Choices?: { Next?: string }[] }>,
  path: string[],
) => {
  for (let index = 0; index + 1 < path.length; index += 1) {
    const from = states[path[index]!];
    const to = path[index + 1]!;
    const targets = [from?.Next, from?.Default, ...(from?.Choices ?? []).map((choice) => choice.Next)];
    if (!targets.includes(to)) throw new Error(`the definition has no edge ${path[index]} → ${to}`);
  }
  const entered = path.slice(1);
  return {
    path: path.join(' → '),
    transitions: entered.length,
    lambdaInvocations: entered.filter((name) => states[name]?.Type === 'Task').length,
  };
};

/** DynamoDB units for one loop iteration: the step function's store and the tool function's store. */
const measureDynamoUnits = () =>
  withDynaliteStore(async (_store, makeStore, client) => {
    const tally = tallyCapacity(client);
    const stepStore = makeStore();
    const toolStore = makeStore();
    const agent = scenarioAgent();
    const ids = new CountingIds();
    const threadId = 'th-cost';
    await stepStore.create({ threadId, agent: 'billing', at: fixedClock.now() });
    await stepStore.append(threadId, [
      {
        id: ids.next('ev'),
        at: fixedClock.now(),
        type: 'user-message',
        data: { text: SCENARIO_MESSAGE, channel: 'api', untrusted: false },
      },
    ]);
    const model = new ScriptedModel(scenarioCalls().map(({ tool, args }) => call(tool, args)));
    const before = { ...tally };
    let toolIterations = 0;
    for (;;) {
      const thread: Thread = await stepStore.load(threadId);
      const next = nextOf(deriveThreadState(thread.events));
      if (next?.kind === 'done') break;
      if (next?.kind === 'approval') {
        const decided = decideApproval(
          thread,
          agent,
          next.approvalId,
          { decision: 'approve' },
          { clock: fixedClock, ids },
        );
        if (decided.ok) await stepStore.append(threadId, decided.events);
        continue;
      }
      if (next?.kind === 'tool') {
        const toolThread = await toolStore.load(threadId);
        await toolStore.append(
          threadId,
          await runTool(toolThread, agent, next.callId, { clock: fixedClock, ids }),
        );
        toolIterations += 1;
        continue;
      }
      const result = await step(thread, agent, { model, clock: fixedClock, ids });
      await stepStore.append(threadId, result.events);
    }
    const perStep = (value: number) => round(value / SCENARIO_STEPS, 2);
    return {
      steps: SCENARIO_STEPS,
      toolIterations,
      requestsPerStep: perStep(tally.requests - before.requests),
      readUnitsPerStep: perStep(tally.readUnits - before.readUnits),
      writeUnitsPerStep: perStep(tally.writeUnits - before.writeUnits),
    };
  });

/** Benchmark 5: AWS $ per loop iteration and per thread, against the model's $ per step. */
export const runCost = async (_options: BenchOptions): Promise<Section> => {
  const { app } = buildThreadlineApp({ context: devContext(), bundle: false });
  const template = app.synth().getStackByName(STACK_NAME).template as {
    Resources: Record<string, { Type: string; Properties?: { MemorySize?: number } }>;
  };
  const loop = readStateMachineDefinition(template);
  const states = loop.definition.States;
  const toolState = Object.keys(states).find((name) => name.startsWith('Tool_'))!;
  const gatedState = Object.keys(states).find((name) => name.startsWith('GatedTool_'))!;
  const iteration = checkPath(states, ['Step', 'Route', toolState, 'Step']);
  const approval = checkPath(states, ['Step', 'Route', 'AwaitApproval', 'Approved?', gatedState, 'Step']);
  const finish = checkPath(states, ['Step', 'Route', 'NotifyDone', 'Succeed']);
  const memoryOf = (name: string) => {
    const fn = [...loop.functions.values()].find((candidate) => candidate.name === name);
    return (fn ? template.Resources[fn.logicalId]?.Properties?.MemorySize : undefined) ?? 512;
  };
  const memoryGb = { step: memoryOf('step') / 1024, tool: memoryOf('tool-lookup_customer') / 1024 };
  const dynamo = await measureDynamoUnits();

  const p = PRICES;
  const modelStepUsd =
    MODEL_STEP.inputTokens * p.haikuInputPerToken + MODEL_STEP.outputTokens * p.haikuOutputPerToken;
  const transitionsUsd = iteration.transitions * p.stepFunctionsStandardPerTransition;
  const lambdaUsd =
    iteration.lambdaInvocations * p.lambdaPerRequest +
    (memoryGb.step * DURATION_SECONDS.step + memoryGb.tool * DURATION_SECONDS.tool) * p.lambdaArmPerGbSecond;
  const dynamoUsd =
    dynamo.readUnitsPerStep * p.dynamoPerReadUnit + dynamo.writeUnitsPerStep * p.dynamoPerWriteUnit;
  const infraUsd = transitionsUsd + lambdaUsd + dynamoUsd;
  const share = round((infraUsd / modelStepUsd) * 100, 2);
  // A thread: the scenario's 10 steps (8 tool iterations, 1 approval, 1 finish), its start and its end.
  const threadTransitions = 1 + 8 * iteration.transitions + approval.transitions + finish.transitions;
  const threadInvocations =
    8 * iteration.lambdaInvocations + approval.lambdaInvocations + finish.lambdaInvocations + 3; // + api, ingest, approval POST
  const sqsRequestsPerThread = 3; // SendMessage, the event source's ReceiveMessage, DeleteMessage for the start message
  const threadUsd =
    threadTransitions * p.stepFunctionsStandardPerTransition +
    threadInvocations * p.lambdaPerRequest +
    SCENARIO_STEPS *
      ((memoryGb.step * DURATION_SECONDS.step + memoryGb.tool * DURATION_SECONDS.tool) *
        p.lambdaArmPerGbSecond +
        dynamoUsd) +
    sqsRequestsPerThread * p.sqsFifoPerRequest;
  const breakdown = {
    stepFunctionsUsd: transitionsUsd,
    lambdaUsd,
    dynamoUsd,
  };
  const figures = {
    prices: p,
    assumptions: { modelStep: MODEL_STEP, durationSeconds: DURATION_SECONDS, memoryGb },
    paths: { iteration, approval, finish },
    dynamo,
    perStep: { infraUsd, modelUsd: modelStepUsd, infraShareOfModelPercent: share, breakdown },
    perThread: {
      transitions: threadTransitions,
      lambdaInvocations: threadInvocations,
      sqsRequests: sqsRequestsPerThread,
      infraUsd: threadUsd,
      modelUsd: SCENARIO_STEPS * modelStepUsd,
    },
  };
  const usd = (value: number) => `$${value.toFixed(7)}`;
  const markdown = [
    `Prices: ${p.date} (Step Functions Standard $0.025 / 1,000 transitions; Lambda arm64 $0.0000133334 / GB-s + $0.20 / 1M requests; DynamoDB on-demand $0.625 / M WRU, $0.125 / M RRU; SQS FIFO $0.50 / M; Claude Haiku-class $0.80 / $4 per M tokens in / out). Model step: ${MODEL_STEP.inputTokens} in + ${MODEL_STEP.outputTokens} out. Assumed Lambda time: step ${DURATION_SECONDS.step} s (it waits for the model) at ${memoryGb.step} GB, tool ${DURATION_SECONDS.tool} s at ${memoryGb.tool} GB.`,
    '',
    table(
      ['path (checked edge by edge in the synthesized ASL)', 'transitions', 'Lambda invocations', 'target'],
      [
        [
          iteration.path,
          iteration.transitions,
          iteration.lambdaInvocations,
          `${verdict(iteration.transitions, 4)} transitions; ${verdict(iteration.lambdaInvocations, 2)} invocations`,
        ],
        [approval.path, approval.transitions, approval.lambdaInvocations, 'once per approval'],
        [finish.path, finish.transitions, finish.lambdaInvocations, 'once per turn'],
      ],
    ),
    '',
    `DynamoDB per step, counted with ReturnConsumedCapacity through the store on dynalite (a step store and a tool store, as two warm Lambdas): ${dynamo.requestsPerStep} requests, ${dynamo.readUnitsPerStep} RRU, ${dynamo.writeUnitsPerStep} WRU.`,
    '',
    table(
      ['per step', 'US$'],
      [
        ['Step Functions transitions', usd(transitionsUsd)],
        ['Lambda (requests + GB-s)', usd(lambdaUsd)],
        ['DynamoDB', usd(dynamoUsd)],
        ['**infra total**', usd(infraUsd)],
        ['model (Haiku-class)', usd(modelStepUsd)],
      ],
    ),
    '',
    `Infra is ${share}% of the model's cost per step. Target ≤ 1%: ${verdict(share, 1, '%')}. Per thread (the 10-step scenario): ${threadTransitions} transitions, ${threadInvocations} invocations, ${sqsRequestsPerThread} SQS requests, ${usd(threadUsd)} infra vs ${usd(SCENARIO_STEPS * modelStepUsd)} model.`,
    `Where we lose: Step Functions Standard bills every state entered, and at $25 per million transitions the three of one iteration cost ${usd(transitionsUsd)}, ${round((transitionsUsd / modelStepUsd) * 100, 2)}% of a Haiku step on their own; the step Lambda waiting ${DURATION_SECONDS.step} s for the model at ${memoryGb.step} GB adds ${usd(memoryGb.step * DURATION_SECONDS.step * p.lambdaArmPerGbSecond)}. What would reach 1%: run tool iterations that need no person inside one Lambda (Step Functions only for waits), or an Express workflow for the inner loop ($1 / M requests + duration), and a smaller step function while it waits on the model (or a streaming/async model call).`,
  ].join('\n');
  return { id: 'cost', title: '5. AWS cost per step and per thread', figures, markdown };
};
