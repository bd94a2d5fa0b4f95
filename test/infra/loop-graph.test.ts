import { describe, expect, it } from 'vitest';
import { type AslState, readStateMachineDefinition } from '../../lib/infra/definition-from-template.ts';
import { ITERATIONS_PER_EXECUTION } from '../../lib/infra/iterations-definition.ts';
import { ITERATE_RETRIED_ERRORS, RETRIED_ERRORS } from '../../lib/infra/loop-definition.ts';
import { readAgentManifest } from '../../lib/infra/tool-manifest.ts';
import { edgesOf, predecessorsOf, reachable, statesInvoking } from './asl-graph.ts';
import { synthesize } from './synth.ts';

// Both definitions as the template holds them: the Standard turn and the Express iterations.
const { template } = synthesize();
const loop = readStateMachineDefinition(template);
const turn = loop.definition;
const iterations = loop.iterations.definition;
const { tools } = readAgentManifest();
const gatedTools = tools.filter((tool) => tool.needsApproval);
const ungatedTools = tools.filter((tool) => !tool.needsApproval);
const gated = gatedTools.map((tool) => `GatedTool_${tool.name}`);
const functionArn = (name: string): string => {
  const fn = [...loop.functions.values()].find((candidate) => candidate.name === name);
  if (!fn) throw new Error(`no function ${name}`);
  return fn.arn;
};
const tasksOf = (asl: typeof turn) => Object.entries(asl.States).filter(([, state]) => state.Type === 'Task');

describe('the agent loop, as synthesized', () => {
  it('is JSONPath, never JSONata, in both definitions', () => {
    for (const asl of [turn, iterations]) {
      expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
      expect(Object.values(asl.States).filter((state) => state.QueryLanguage === 'JSONata')).toEqual([]);
    }
  });

  it('reaches every state of each definition from its start', () => {
    expect(turn.StartAt).toBe('Iterate');
    expect(iterations.StartAt).toBe('Step');
    for (const asl of [turn, iterations]) {
      expect([...reachable(asl)].sort()).toEqual(Object.keys(asl.States).sort());
    }
  });

  it('runs the ungated tools in the iterations and the gated ones in the turn, nowhere else', () => {
    const named = (asl: typeof turn) => Object.keys(asl.States).filter((name) => /^(Gated)?Tool_/.test(name));
    expect(named(iterations).sort()).toEqual(ungatedTools.map((tool) => `Tool_${tool.name}`).sort());
    expect(named(turn).sort()).toEqual([...gated].sort());
    expect(gated.length).toBeGreaterThan(0);
  });

  it('reaches a gated tool only through AwaitApproval and Approved?', () => {
    expect(edgesOf(turn.States.Route as AslState).filter((name) => gated.includes(name))).toEqual([]);
    for (const name of gated) expect(predecessorsOf(turn, name)).toEqual(['Approved?']);
    expect(predecessorsOf(turn, 'Approved?')).toEqual(['AwaitApproval']);
    const withoutApproval = reachable(turn, new Set(['AwaitApproval']));
    expect(gated.filter((name) => withoutApproval.has(name))).toEqual([]);
  });

  it('invokes a gated tool’s function from its GatedTool_ state only, and never from the iterations', () => {
    for (const tool of gatedTools) {
      const arn = functionArn(`tool-${tool.name}`);
      expect(statesInvoking(turn, arn)).toEqual([`GatedTool_${tool.name}`]);
      expect(statesInvoking(iterations, arn)).toEqual([]);
    }
  });

  it('hands every next step the iterations do not run back to the turn', () => {
    const route = iterations.States.Route as AslState;
    expect(route.Default).toBe('HandBack');
    expect(iterations.States.HandBack?.Type).toBe('Succeed');
    expect(edgesOf(route).sort()).toEqual(
      ['HandBack', ...ungatedTools.map((tool) => `Tool_${tool.name}`)].sort(),
    );
    const foreign = Object.values(iterations.States).filter(
      (state) => state.Resource !== undefined && /waitForTaskToken|startExecution/.test(state.Resource),
    );
    expect(foreign).toEqual([]);
  });

  it('starts the iterations only from Iterate, synchronously, and takes their output as its state', () => {
    const starters = Object.entries(turn.States).filter(([, state]) =>
      state.Resource?.includes(':states:::states:'),
    );
    expect(starters.map(([name]) => name)).toEqual(['Iterate']);
    expect(turn.States.Iterate).toMatchObject({
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: {
        StateMachineArn: loop.iterations.arn,
        Input: { 'threadId.$': '$.threadId', iterations: 0 },
      },
      OutputPath: '$.Output',
      Next: 'Route',
    });
  });

  it('takes Step → Route → Tool_x → Count → More? → Step per iteration, up to the bound', () => {
    const [ungated] = ungatedTools;
    const toolState = `Tool_${ungated?.name}`;
    expect(iterations.States.Step?.Next).toBe('Route');
    expect(iterations.States[toolState]?.Next).toBe('Count');
    expect(iterations.States.Count).toMatchObject({
      Type: 'Pass',
      Parameters: { 'iterations.$': 'States.MathAdd($.iterations, 1)', 'step.$': '$.step' },
    });
    expect(iterations.States['More?']).toMatchObject({
      Choices: [{ Variable: '$.iterations', NumericLessThan: ITERATIONS_PER_EXECUTION, Next: 'Step' }],
      Default: 'HandBack',
    });
    expect(loop.iterations.definition.TimeoutSeconds).toBe(300);
  });

  it('goes back to Iterate from every state that is done with a person, and re-enters after the bound', () => {
    expect(predecessorsOf(turn, 'Iterate').sort()).toEqual(
      ['Approved?', 'AwaitHuman', 'Extended?', 'Route', ...gated].sort(),
    );
    const route = turn.States.Route as AslState;
    for (const tool of ungatedTools) {
      expect(route.Choices?.find((choice) => JSON.stringify(choice).includes(`"${tool.name}"`))?.Next).toBe(
        'Iterate',
      );
    }
    expect(route.Choices?.[0]).toEqual({ Variable: '$.error', IsPresent: true, Next: 'Failed' });
  });

  it('runs a gated tool only when the decision approved exactly that tool', () => {
    const approved = turn.States['Approved?'] as AslState;
    expect(approved.Default).toBe('Iterate');
    for (const name of gated) {
      const tool = name.replace('GatedTool_', '');
      expect(approved.Choices?.find((choice) => choice.Next === name)).toMatchObject({
        And: expect.arrayContaining([
          { Variable: '$.human.approved', BooleanEquals: true },
          { Variable: '$.human.next.kind', StringEquals: 'tool' },
          { Variable: '$.human.next.tool', StringEquals: tool },
        ]),
      });
    }
  });

  it('retries transient errors with jittered backoff on every task and catches everything', () => {
    const retry = (errors: string[], maxAttempts: number) => [
      {
        ErrorEquals: errors,
        IntervalSeconds: 2,
        BackoffRate: 2,
        MaxAttempts: maxAttempts,
        JitterStrategy: 'FULL',
      },
    ];
    expect(tasksOf(turn).length + tasksOf(iterations).length).toBeGreaterThan(8);
    for (const [name, state] of tasksOf(turn)) {
      const expected = name === 'Iterate' ? retry(ITERATE_RETRIED_ERRORS, 3) : retry(RETRIED_ERRORS, 6);
      expect({ name, retry: state.Retry }).toEqual({ name, retry: expected });
      expect(state.Catch?.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], ResultPath: '$.error' });
    }
    for (const [name, state] of tasksOf(iterations)) {
      expect({ name, retry: state.Retry }).toEqual({ name, retry: retry(RETRIED_ERRORS, 6) });
      expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'HandBack' }]);
    }
  });

  it('expires an approval that times out, and fails a turn whose question times out', () => {
    const awaitApproval = turn.States.AwaitApproval as AslState;
    expect(awaitApproval).toMatchObject({
      TimeoutSeconds: 86_400,
      Resource: expect.stringMatching(/waitForTaskToken$/),
    });
    expect(awaitApproval.HeartbeatSeconds).toBeLessThan(86_400);
    expect(awaitApproval.Catch?.map((catcher) => [catcher.ErrorEquals, catcher.Next])).toEqual([
      [['States.Timeout'], 'Expire'],
      [['States.ALL'], 'Failed'],
    ]);
    expect(turn.States.Expire).toMatchObject({ Next: 'Extended?', ResultPath: '$.expire' });
    expect(turn.States.AwaitHuman).toMatchObject({ TimeoutSeconds: 7 * 86_400, Next: 'Iterate' });
    expect(turn.States.Failed).toMatchObject({ Next: 'Fail', Catch: [{ Next: 'Fail' }] });
  });

  it('goes back to AwaitApproval when Expire extends the wait, and to the iterations otherwise', () => {
    const extended = turn.States['Extended?'] as AslState;
    expect(extended).toMatchObject({ Type: 'Choice', Default: 'Iterate' });
    expect(extended.Choices).toEqual([
      {
        And: [
          { Variable: '$.expire.extended', IsPresent: true },
          { Variable: '$.expire.extended', BooleanEquals: true },
        ],
        Next: 'AwaitApproval',
      },
    ]);
    expect(predecessorsOf(turn, 'Extended?')).toEqual(['Expire']);
    expect(predecessorsOf(turn, 'AwaitApproval').sort()).toEqual(['Extended?', 'Route']);
    expect(predecessorsOf(turn, 'Expire')).toEqual(['AwaitApproval']);
  });

  it('passes the documented payloads and keeps results under $.step, $.tool and $.human', () => {
    expect(iterations.States.Step).toMatchObject({
      Parameters: { 'threadId.$': '$.threadId' },
      ResultPath: '$.step',
    });
    expect(turn.States.AwaitApproval?.Parameters).toMatchObject({
      Payload: { 'threadId.$': '$.threadId', 'next.$': '$.step.next', 'taskToken.$': '$$.Task.Token' },
    });
    expect(turn.States.AwaitApproval?.ResultPath).toBe('$.human');
    for (const name of gated) {
      expect(turn.States[name]).toMatchObject({
        Parameters: { 'threadId.$': '$.threadId', 'callId.$': '$.human.next.callId' },
        ResultPath: '$.tool',
      });
    }
    for (const tool of ungatedTools) {
      expect(iterations.States[`Tool_${tool.name}`]).toMatchObject({
        Parameters: { 'threadId.$': '$.threadId', 'callId.$': '$.step.next.callId' },
        ResultPath: '$.tool',
      });
    }
    expect(turn.States.NotifyDone).toMatchObject({
      Parameters: { 'threadId.$': '$.threadId', kind: 'done' },
    });
    expect(turn.States.Failed).toMatchObject({
      Parameters: { 'threadId.$': '$.threadId', 'error.$': '$.error' },
    });
  });
});
