import { call, ScriptedModel } from '../lib/adapters/scripted-model.ts';
import { decideApproval } from '../lib/core/decide.ts';
import type { Thread } from '../lib/core/events.ts';
import { nextOf } from '../lib/core/next.ts';
import { runTool } from '../lib/core/run-tool.ts';
import { step } from '../lib/core/step.ts';
import { deriveThreadState } from '../lib/core/thread-state.ts';
import { readStateMachineDefinition, type TemplateLoop } from '../lib/infra/definition-from-template.ts';
import { ITERATIONS_PER_EXECUTION } from '../lib/infra/iterations-definition.ts';
import { buildThreadlineApp, STACK_NAME } from '../lib/infra/synthesize.ts';
import { devContext } from '../lib/local/dev-context.ts';
import { tallyCapacity } from './capacity.ts';
import { type CheckedPath, checkPath, stateNamed } from './loop-paths.ts';
import { withDynaliteStore } from './overhead-threadline.ts';
import { CountingIds, fixedClock } from './ports.ts';
import { EXPRESS_MEMORY_GB, expressBilledSeconds, PRICE_LINES, PRICES } from './prices.ts';
import { SCENARIO_MESSAGE, SCENARIO_STEPS, scenarioAgent, scenarioCalls } from './scenario.ts';
import { type BenchOptions, type Section, table, verdict } from './section.ts';
import { round } from './stats.ts';

/** A Claude Haiku-class step: 2,000 tokens in, 100 out. */
const MODEL_STEP = { inputTokens: 2_000, outputTokens: 100 };
/** Assumed durations: the step Lambda waits for the model; a lookup tool is one quick call. */
const DURATION_SECONDS = { modelWait: 1.0, tool: 0.05 };
/** CPU of a warm step at a full vCPU, measured by bench/step-memory.ts (30–60 ms; the upper half). */
const STEP_CPU_SECONDS_AT_FULL_CORE = 0.05;
/** Lambda gives a function one full vCPU at 1,769 MB, and a proportional share below. */
const FULL_CORE_MB = 1_769;

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

/** The loop's paths, each checked edge by edge against the synthesized definitions. */
const loopPaths = (loop: TemplateLoop) => {
  const turn = loop.definition;
  const iterations = loop.iterations.definition;
  const toolState = stateNamed(iterations, 'Tool_');
  const gatedState = stateNamed(turn, 'GatedTool_');
  return {
    iteration: checkPath(iterations, ['Step', 'Route', toolState, 'Count', 'More?', 'Step']),
    handBack: checkPath(iterations, ['Step', 'Route', 'HandBack']),
    reenter: checkPath(turn, ['Iterate', 'Route', 'Iterate']),
    approval: checkPath(turn, ['Iterate', 'Route', 'AwaitApproval', 'Approved?', gatedState, 'Iterate']),
    finish: checkPath(turn, ['Iterate', 'Route', 'NotifyDone', 'Succeed']),
  };
};

type PriceKey = keyof typeof PRICES;
/** Quantities of each priced input; $ is quantity × price. */
type Usage = Partial<Record<PriceKey, number>>;
const costOf = (usage: Usage): number =>
  Object.entries(usage).reduce(
    (sum, [key, quantity]) => sum + (quantity ?? 0) * (PRICES[key as PriceKey] as number),
    0,
  );

/** Benchmark 5: AWS $ per loop iteration and per thread, Standard-only and the Express iterations. */
export const runCost = async (_options: BenchOptions): Promise<Section> => {
  const { app } = buildThreadlineApp({ context: devContext(), bundle: false });
  const template = app.synth().getStackByName(STACK_NAME).template as {
    Resources: Record<string, { Type: string; Properties?: { MemorySize?: number } }>;
  };
  const loop = readStateMachineDefinition(template);
  const paths = loopPaths(loop);
  const memoryOf = (name: string) => {
    const fn = [...loop.functions.values()].find((candidate) => candidate.name === name);
    return (fn ? template.Resources[fn.logicalId]?.Properties?.MemorySize : undefined) ?? 512;
  };
  const memoryGb = { step: memoryOf('step') / 1024, tool: memoryOf('tool-lookup_customer') / 1024 };
  // The step's time: the model's answer, plus its CPU stretched by the setting's share of a core.
  const stepSeconds =
    DURATION_SECONDS.modelWait + STEP_CPU_SECONDS_AT_FULL_CORE * Math.max(1, FULL_CORE_MB / memoryOf('step'));
  const dynamo = await measureDynamoUnits();
  const toolIterations = dynamo.toolIterations - 1; // the scenario's tools less the one gated call
  const gatedCalls = 1;

  // One iteration of the loop: a step and the tool it asked for, and its DynamoDB units.
  const iterationSeconds = stepSeconds + DURATION_SECONDS.tool;
  const iterationBase: Usage = {
    lambdaPerRequest: 2,
    lambdaArmPerGbSecond: memoryGb.step * stepSeconds + memoryGb.tool * DURATION_SECONDS.tool,
    dynamoPerReadUnit: dynamo.readUnitsPerStep,
    dynamoPerWriteUnit: dynamo.writeUnitsPerStep,
  };
  // Standard-only: the same iteration's work states (Step, Route, Tool_x) billed as transitions;
  // Count and More? only bound an Express execution. This was the loop before the Express split.
  const standardIterationTransitions = paths.iteration.transitions - 2;
  const perStep = {
    standard: { ...iterationBase, stepFunctionsStandardPerTransition: standardIterationTransitions },
    express: {
      ...iterationBase,
      stepFunctionsExpressPerGbSecond: iterationSeconds * EXPRESS_MEMORY_GB,
      // Each execution's start and its hand-back to the turn, shared by the iterations it runs.
      stepFunctionsExpressPerRequest: 1 / ITERATIONS_PER_EXECUTION,
      stepFunctionsStandardPerTransition: paths.reenter.transitions / ITERATIONS_PER_EXECUTION,
    },
  } satisfies Record<string, Usage>;
  const modelStep: Usage = {
    haikuInputPerToken: MODEL_STEP.inputTokens,
    haikuOutputPerToken: MODEL_STEP.outputTokens,
  };
  const modelStepUsd = costOf(modelStep);

  // A thread: the scenario's 10 steps (8 tool iterations, 1 approval, 1 finish), its start and end.
  const reentries = Math.floor(toolIterations / ITERATIONS_PER_EXECUTION);
  // The first execution runs the tool iterations and the step that asks for approval; the second,
  // after the approval, the step that finishes.
  const executionSeconds = [
    (toolIterations + 1) * stepSeconds + toolIterations * DURATION_SECONDS.tool,
    stepSeconds,
  ];
  const threadShared: Usage = {
    lambdaPerRequest:
      SCENARIO_STEPS + toolIterations + paths.approval.lambdaInvocations + paths.finish.lambdaInvocations + 3, // + api, ingest, approval POST
    lambdaArmPerGbSecond:
      SCENARIO_STEPS * memoryGb.step * stepSeconds +
      (toolIterations + gatedCalls) * memoryGb.tool * DURATION_SECONDS.tool,
    dynamoPerReadUnit: SCENARIO_STEPS * dynamo.readUnitsPerStep,
    dynamoPerWriteUnit: SCENARIO_STEPS * dynamo.writeUnitsPerStep,
    sqsFifoPerRequest: 3, // SendMessage, the event source's ReceiveMessage, DeleteMessage
  };
  const perThread = {
    standard: {
      ...threadShared,
      stepFunctionsStandardPerTransition:
        1 +
        toolIterations * standardIterationTransitions +
        paths.approval.transitions +
        paths.finish.transitions,
    },
    express: {
      ...threadShared,
      stepFunctionsStandardPerTransition:
        1 + reentries * paths.reenter.transitions + paths.approval.transitions + paths.finish.transitions,
      stepFunctionsExpressPerRequest: executionSeconds.length + reentries,
      stepFunctionsExpressPerGbSecond:
        executionSeconds.map(expressBilledSeconds).reduce((sum, seconds) => sum + seconds, 0) *
        EXPRESS_MEMORY_GB,
    },
  } satisfies Record<string, Usage>;
  const modelThread: Usage = {
    haikuInputPerToken: SCENARIO_STEPS * MODEL_STEP.inputTokens,
    haikuOutputPerToken: SCENARIO_STEPS * MODEL_STEP.outputTokens,
  };
  const share = (usage: Usage, model: Usage) => round((costOf(usage) / costOf(model)) * 100, 2);
  const shares = {
    perStep: { standard: share(perStep.standard, modelStep), express: share(perStep.express, modelStep) },
    perThread: {
      standard: share(perThread.standard, modelThread),
      express: share(perThread.express, modelThread),
    },
  };

  const usd = (value: number) => `$${value.toFixed(7)}`;
  const priceTable = (designs: { standard: Usage; express: Usage }, model: Usage) =>
    table(
      ['price input', 'Standard-only', 'Express iterations'],
      [
        ...PRICE_LINES.filter(([key]) => !key.startsWith('haiku')).map(([key, label]) => [
          label,
          usd(costOf({ [key]: designs.standard[key] ?? 0 })),
          usd(costOf({ [key]: designs.express[key] ?? 0 })),
        ]),
        ['**infra total**', `**${usd(costOf(designs.standard))}**`, `**${usd(costOf(designs.express))}**`],
        ...PRICE_LINES.filter(([key]) => key.startsWith('haiku')).map(([key, label]) => [
          label,
          usd(costOf({ [key]: model[key] ?? 0 })),
          usd(costOf({ [key]: model[key] ?? 0 })),
        ]),
      ],
    );
  const transitionsUsd = costOf({
    stepFunctionsStandardPerTransition: perThread.express.stepFunctionsStandardPerTransition,
  });
  const threadModelUsd = costOf(modelThread);
  const figures = {
    prices: PRICES,
    assumptions: {
      modelStep: MODEL_STEP,
      durationSeconds: DURATION_SECONDS,
      memoryGb,
      expressMemoryGb: EXPRESS_MEMORY_GB,
    },
    iterationsPerExecution: ITERATIONS_PER_EXECUTION,
    paths,
    dynamo,
    perStep: {
      standard: { usage: perStep.standard, infraUsd: costOf(perStep.standard) },
      express: { usage: perStep.express, infraUsd: costOf(perStep.express) },
      modelUsd: modelStepUsd,
      infraShareOfModelPercent: shares.perStep,
    },
    perThread: {
      standard: { usage: perThread.standard, infraUsd: costOf(perThread.standard) },
      express: { usage: perThread.express, infraUsd: costOf(perThread.express) },
      modelUsd: threadModelUsd,
      infraShareOfModelPercent: shares.perThread,
    },
  };
  const row = (definition: string, path: CheckedPath, billed: string) => [
    definition,
    path.path,
    path.transitions,
    path.lambdaInvocations,
    billed,
  ];
  const markdown = [
    `Prices: ${PRICES.date}, one line each below. Model step: ${MODEL_STEP.inputTokens} in + ${MODEL_STEP.outputTokens} out. Assumed time: step ${round(stepSeconds, 3)} s at ${memoryGb.step * 1024} MB (${DURATION_SECONDS.modelWait} s waiting for the model, plus ${STEP_CPU_SECONDS_AT_FULL_CORE * 1000} ms of CPU measured at a full core by \`npx tsx bench/step-memory.ts\`, stretched by the setting's share of 1,769 MB), tool ${DURATION_SECONDS.tool} s at ${memoryGb.tool} GB; an Express execution at ${EXPRESS_MEMORY_GB * 1024} MB for as long as its tasks run, billed per 100 ms.`,
    '',
    table(
      [
        'definition',
        'path (checked edge by edge in the synthesized ASL)',
        'states entered',
        'Lambda invocations',
        'billed as',
      ],
      [
        row(
          'iterations (Express)',
          paths.iteration,
          `duration; Standard-only would bill ${standardIterationTransitions} transitions (Step, Route, Tool_x)`,
        ),
        row('iterations (Express)', paths.handBack, 'duration; ends the execution'),
        row('turn (Standard)', paths.reenter, `transitions, once per ${ITERATIONS_PER_EXECUTION} iterations`),
        row('turn (Standard)', paths.approval, 'transitions, once per approval'),
        row('turn (Standard)', paths.finish, 'transitions, once per turn'),
      ],
    ),
    '',
    `DynamoDB per step, counted with ReturnConsumedCapacity through the store on dynalite (a step store and a tool store, as two warm Lambdas): ${dynamo.requestsPerStep} requests, ${dynamo.readUnitsPerStep} RRU, ${dynamo.writeUnitsPerStep} WRU.`,
    '',
    `Per step (a tool iteration; with the Express iterations, its share of one execution's start and hand-back to the turn every ${ITERATIONS_PER_EXECUTION} iterations):`,
    '',
    priceTable(perStep, modelStep),
    '',
    `Infra is ${shares.perStep.express}% of the model's cost per step with the Express iterations (Standard-only: ${shares.perStep.standard}%). Target ≤ 1%: ${verdict(shares.perStep.express, 1, '%')}.`,
    '',
    `Per thread (the billing scenario: ${toolIterations} tool iterations, 1 approval, the end; ${executionSeconds.length + reentries} Express executions):`,
    '',
    priceTable(perThread, modelThread),
    '',
    `Per thread, infra is ${shares.perThread.express}% of the model's cost (Standard-only: ${shares.perThread.standard}%). Target ≤ 1%: ${verdict(shares.perThread.express, 1, '%')}. What holds it above 1% is the turn's ${perThread.express.stepFunctionsStandardPerTransition} Standard transitions (${usd(transitionsUsd)}, ${round((transitionsUsd / threadModelUsd) * 100, 2)}% of the model on their own): the approval's wait and its gated tool (${paths.approval.transitions}), the end (${paths.finish.transitions}) and the start (1), which stay Standard because a person's wait must be durable; the rest of the infra is ${usd(costOf(perThread.express) - transitionsUsd)} (${round(((costOf(perThread.express) - transitionsUsd) / threadModelUsd) * 100, 2)}%).`,
  ].join('\n');
  return { id: 'cost', title: '5. AWS cost per step and per thread', figures, markdown };
};
