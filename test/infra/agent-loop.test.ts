import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../lib/core/json.ts';
import {
  type AslDefinition,
  type AslState,
  readStateMachineDefinition,
} from '../../lib/infra/definition-from-template.ts';
import { RETRIED_ERRORS } from '../../lib/infra/loop-definition.ts';
import { readAgentManifest } from '../../lib/infra/tool-manifest.ts';
import { type LocalFunction, LocalStepFunctions } from '../../lib/local/local-step-functions.ts';
import { synthesize } from './synth.ts';

// The loop as the template holds it: read once, walked as a graph, then run locally.
const { template } = synthesize();
const loop = readStateMachineDefinition(template);
const { definition } = loop;
const states = Object.entries(definition.States);
const { tools } = readAgentManifest();
const gated = tools.filter((tool) => tool.needsApproval).map((tool) => `GatedTool_${tool.name}`);

/** Every state a state can go to next: Next, Default, each Choice and each Catch. */
const edgesOf = (state: AslState): string[] => [
  ...(state.Next === undefined ? [] : [state.Next]),
  ...(state.Default === undefined ? [] : [state.Default]),
  ...(state.Choices ?? []).flatMap((choice) => (choice.Next === undefined ? [] : [choice.Next])),
  ...(state.Catch ?? []).map((catcher) => catcher.Next),
];

const reachable = (asl: AslDefinition, without: ReadonlySet<string> = new Set()): Set<string> => {
  const seen = new Set<string>();
  const queue = [asl.StartAt];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name) || without.has(name)) continue;
    seen.add(name);
    const state = asl.States[name];
    if (state) queue.push(...edgesOf(state));
  }
  return seen;
};

const predecessorsOf = (target: string): string[] =>
  states.filter(([, state]) => edgesOf(state).includes(target)).map(([name]) => name);

describe('the agent loop, as synthesized', () => {
  it('is JSONPath, never JSONata', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(states.filter(([, state]) => state.QueryLanguage === 'JSONata')).toEqual([]);
  });

  it('has a state per tool: Tool_ for ungated tools, GatedTool_ for gated ones, and nothing else named so', () => {
    const toolStates = states.map(([name]) => name).filter((name) => /^(Gated)?Tool_/.test(name));
    const expected = tools.map((tool) => `${tool.needsApproval ? 'GatedTool_' : 'Tool_'}${tool.name}`);
    expect(toolStates.sort()).toEqual(expected.sort());
    expect(gated.length).toBeGreaterThan(0);
  });

  it('reaches every state from Step', () => {
    expect(definition.StartAt).toBe('Step');
    expect([...reachable(definition)].sort()).toEqual(states.map(([name]) => name).sort());
  });

  it('reaches a gated tool only through AwaitApproval and Approved?', () => {
    expect(edgesOf(definition.States.Route as AslState).filter((name) => gated.includes(name))).toEqual([]);
    for (const name of gated) expect(predecessorsOf(name)).toEqual(['Approved?']);
    expect(predecessorsOf('Approved?')).toEqual(['AwaitApproval']);
    const withoutApproval = reachable(definition, new Set(['AwaitApproval']));
    expect(gated.filter((name) => withoutApproval.has(name))).toEqual([]);
  });

  it('runs a gated tool only when the decision approved exactly that tool', () => {
    const approved = definition.States['Approved?'] as AslState;
    expect(approved.Default).toBe('Step');
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

  it('takes three states per loop iteration: Step → Route → Tool_x → Step', () => {
    const [ungated] = tools.filter((tool) => !tool.needsApproval);
    const toolState = `Tool_${ungated?.name}`;
    expect(definition.States.Step?.Next).toBe('Route');
    expect(definition.States.Route?.Choices?.some((choice) => choice.Next === toolState)).toBe(true);
    expect(definition.States[toolState]?.Next).toBe('Step');
  });

  it('retries transient errors with jittered backoff and catches everything on every task', () => {
    const tasks = states.filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(8);
    for (const [name, state] of tasks) {
      expect({ name, retry: state.Retry }).toEqual({
        name,
        retry: [
          {
            ErrorEquals: RETRIED_ERRORS,
            IntervalSeconds: 2,
            BackoffRate: 2,
            MaxAttempts: 6,
            JitterStrategy: 'FULL',
          },
        ],
      });
      expect(state.Catch?.at(-1)).toMatchObject({ ErrorEquals: ['States.ALL'], ResultPath: '$.error' });
    }
  });

  it('expires an approval that times out, and fails a turn whose question times out', () => {
    const awaitApproval = definition.States.AwaitApproval as AslState;
    expect(awaitApproval).toMatchObject({
      TimeoutSeconds: 86_400,
      Resource: expect.stringMatching(/waitForTaskToken$/),
    });
    expect(awaitApproval.HeartbeatSeconds).toBeLessThan(86_400);
    expect(awaitApproval.Catch?.map((catcher) => [catcher.ErrorEquals, catcher.Next])).toEqual([
      [['States.Timeout'], 'Expire'],
      [['States.ALL'], 'Failed'],
    ]);
    expect(definition.States.Expire).toMatchObject({ Next: 'Extended?', ResultPath: '$.expire' });
    expect(definition.States.AwaitHuman).toMatchObject({ TimeoutSeconds: 7 * 86_400, Next: 'Step' });
    expect(definition.States.Failed).toMatchObject({ Next: 'Fail', Catch: [{ Next: 'Fail' }] });
  });

  it('goes back to AwaitApproval when Expire extends the wait, and to the step otherwise', () => {
    const extended = definition.States['Extended?'] as AslState;
    expect(extended).toMatchObject({ Type: 'Choice', Default: 'Step' });
    expect(extended.Choices).toEqual([
      {
        And: [
          { Variable: '$.expire.extended', IsPresent: true },
          { Variable: '$.expire.extended', BooleanEquals: true },
        ],
        Next: 'AwaitApproval',
      },
    ]);
    expect(predecessorsOf('Extended?')).toEqual(['Expire']);
    expect(predecessorsOf('AwaitApproval').sort()).toEqual(['Extended?', 'Route']);
    expect(predecessorsOf('Expire')).toEqual(['AwaitApproval']);
  });

  it('passes the documented payloads and keeps results under $.step, $.tool and $.human', () => {
    expect(definition.States.Step).toMatchObject({
      Parameters: { 'threadId.$': '$.threadId' },
      ResultPath: '$.step',
    });
    expect(definition.States.AwaitApproval?.Parameters).toMatchObject({
      Payload: { 'threadId.$': '$.threadId', 'next.$': '$.step.next', 'taskToken.$': '$$.Task.Token' },
    });
    expect(definition.States.AwaitApproval?.ResultPath).toBe('$.human');
    for (const name of gated) {
      expect(definition.States[name]).toMatchObject({
        Parameters: { 'threadId.$': '$.threadId', 'callId.$': '$.human.next.callId' },
        ResultPath: '$.tool',
      });
    }
    expect(definition.States.NotifyDone).toMatchObject({
      Parameters: { 'threadId.$': '$.threadId', kind: 'done' },
    });
    expect(definition.States.Failed).toMatchObject({
      Parameters: { 'threadId.$': '$.threadId', 'error.$': '$.error' },
    });
  });
});

describe('readStateMachineDefinition', () => {
  it('names every function the definition invokes, with its entry file and environment', () => {
    const invoked = states.flatMap(([, state]) => {
      const parameters = state.Parameters as { FunctionName?: string } | undefined;
      if (state.Resource?.startsWith('arn:aws:lambda:')) return [state.Resource];
      return parameters?.FunctionName === undefined ? [] : [parameters.FunctionName];
    });
    const byArn = new Map([...loop.functions.values()].map((fn) => [fn.arn, fn]));
    expect(invoked.filter((arn) => !byArn.has(arn))).toEqual([]);
    const step = byArn.get(definition.States.Step?.Resource ?? '');
    expect(step).toMatchObject({
      name: 'step',
      entry: 'lambdas/step.ts',
      environment: {
        THREAD_TABLE_NAME: expect.stringMatching(/^ThreadsTable/),
        THREADLINE_MODEL: expect.any(String),
      },
    });
    expect(loop.stateMachine.arn).toBe(
      'arn:aws:states:local:000000000000:stateMachine:Threadline-agent-loop',
    );
  });
});

const arnOf = (name: string): string => {
  const fn = [...loop.functions.values()].find((candidate) => candidate.name === name);
  if (!fn) throw new Error(`no function ${name}`);
  return fn.arn;
};

interface RunOptions {
  /** What a function answers instead of `{}`, by name: each call takes the next answer. */
  answers?: Record<string, JsonValue[]>;
  /** A short AwaitApproval timer, so that a test sees it run out (the graph is untouched). */
  approvalTimerSeconds?: number;
}

/** The synthesized definition with AwaitApproval's timer (and its heartbeat) shortened. */
const withApprovalTimer = (seconds: number): AslDefinition => {
  const copy: AslDefinition = structuredClone(definition);
  const awaitApproval = copy.States.AwaitApproval;
  if (awaitApproval) Object.assign(awaitApproval, { TimeoutSeconds: seconds + 1, HeartbeatSeconds: seconds });
  return copy;
};

/** Runs the synthesized machine with stand-in functions: the step answers from a script. */
const run = (nextSteps: JsonValue[], options: RunOptions = {}) => {
  const calls: [string, JsonValue][] = [];
  const script = [...nextSteps];
  const record =
    (name: string, result: (payload: JsonValue) => JsonValue = () => ({})): LocalFunction =>
    async (payload) => {
      calls.push([name, payload]);
      return result(payload);
    };
  const functions = new Map<string, LocalFunction>();
  for (const fn of loop.functions.values()) {
    const answers = [...(options.answers?.[fn.name] ?? [])];
    functions.set(
      fn.arn,
      record(fn.name, () => answers.shift() ?? {}),
    );
  }
  functions.set(
    arnOf('step'),
    record('step', () => ({ next: script.shift() ?? { kind: 'done' }, seq: calls.length })),
  );
  const sfn = new LocalStepFunctions({
    // The lead's runner takes the library's type; the definition is the synthesized ASL.
    definition: (options.approvalTimerSeconds === undefined
      ? loop.definition
      : withApprovalTimer(options.approvalTimerSeconds)) as unknown as StateMachineDefinition,
    stateMachineArn: loop.stateMachine.arn,
    functions,
    retryIntervalMs: 1,
  });
  const execution = sfn.startExecution({ name: 't1-1', input: { threadId: 't1', seq: 1 } });
  const waiting = async (): Promise<string> => {
    for (let attempt = 0; attempt < 200 && sfn.pendingTokens().length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const [token] = sfn.pendingTokens();
    if (!token) throw new Error('nothing waits for a person');
    return token;
  };
  return { sfn, calls, execution, waiting, done: () => sfn.waitForExecution(execution.executionArn) };
};

const names = (calls: [string, JsonValue][]) => calls.map(([name]) => name);

describe('the synthesized agent loop, run locally', () => {
  it('runs an ungated tool straight away and steps again', async () => {
    const loopRun = run([{ kind: 'tool', tool: 'lookup_customer', callId: 'call_1' }, { kind: 'done' }]);
    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    expect(names(loopRun.calls)).toEqual(['step', 'tool-lookup_customer', 'step', 'notify']);
    expect(loopRun.calls[1]?.[1]).toEqual({ threadId: 't1', callId: 'call_1' });
    expect(loopRun.calls[3]?.[1]).toEqual({ threadId: 't1', kind: 'done' });
  });

  it('runs a gated tool only after the decision approves it', async () => {
    const approval = { kind: 'approval', tool: 'create_payment_link', callId: 'call_2', approvalId: 'ap_1' };
    const loopRun = run([approval, { kind: 'done' }]);
    const token = await loopRun.waiting();
    expect(loopRun.calls.at(-1)).toEqual([
      'await-human',
      { threadId: 't1', next: approval, taskToken: token },
    ]);
    loopRun.sfn.sendTaskSuccess(token, {
      approved: true,
      next: { kind: 'tool', tool: 'create_payment_link', callId: 'call_2' },
    });
    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    expect(names(loopRun.calls)).toEqual([
      'step',
      'await-human',
      'tool-create_payment_link',
      'step',
      'notify',
    ]);
    expect(loopRun.calls[2]?.[1]).toEqual({ threadId: 't1', callId: 'call_2' });
  });

  it('goes back to the step when the decision rejects', async () => {
    const loopRun = run([
      { kind: 'approval', tool: 'create_payment_link', callId: 'call_2', approvalId: 'ap_1' },
    ]);
    loopRun.sfn.sendTaskSuccess(await loopRun.waiting(), { approved: false, next: { kind: 'step' } });
    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    expect(names(loopRun.calls)).toEqual(['step', 'await-human', 'step', 'notify']);
  });

  it('sends a gated tool the step routes directly back through AwaitApproval, never to the tool', async () => {
    const loopRun = run([{ kind: 'tool', tool: 'create_payment_link', callId: 'call_3' }]);
    const token = await loopRun.waiting();
    expect(names(loopRun.calls)).toEqual(['step', 'await-human']);
    // The wait finds no approval for the call, so nothing approves it: back to the step.
    loopRun.sfn.sendTaskSuccess(token, { approved: false, next: { kind: 'step' } });
    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    expect(names(loopRun.calls)).not.toContain('tool-create_payment_link');
  });

  it('fails the turn through the failure path when the step returns a tool no state runs', async () => {
    const loopRun = run([{ kind: 'tool', tool: 'no_such_tool', callId: 'call_4' }]);
    expect(await loopRun.done()).toMatchObject({ status: 'FAILED', error: 'ThreadFailed' });
    expect(loopRun.calls.at(-1)).toEqual([
      'on-failure',
      {
        threadId: 't1',
        error: { Error: 'Unroutable', Cause: 'the step returned a next step no state runs' },
      },
    ]);
  });

  it('notifies an escalation, then waits for a person', async () => {
    const escalation = { kind: 'escalate', reason: 'max-steps' };
    const loopRun = run([escalation]);
    loopRun.sfn.sendTaskSuccess(await loopRun.waiting(), { approved: false, next: { kind: 'step' } });
    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    expect(loopRun.calls.slice(0, 3)).toEqual([
      ['step', { threadId: 't1' }],
      ['notify', { threadId: 't1', kind: 'escalation', next: escalation }],
      ['await-human', expect.objectContaining({ next: escalation })],
    ]);
  });

  it('asks the fallback approvers when the approval times out, waits another round, then lets the model step', async () => {
    const approval = { kind: 'approval', tool: 'create_payment_link', callId: 'call_5', approvalId: 'ap_5' };
    const loopRun = run([approval, { kind: 'done' }], {
      approvalTimerSeconds: 1,
      answers: { expire: [{ extended: true }, { extended: false }] },
    });

    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    expect(names(loopRun.calls)).toEqual([
      'step',
      'await-human',
      'expire',
      'await-human',
      'expire',
      'step',
      'notify',
    ]);
    const expires = loopRun.calls.filter(([name]) => name === 'expire');
    expect(expires.map(([, payload]) => payload)).toEqual([
      { threadId: 't1', next: approval },
      { threadId: 't1', next: approval },
    ]);
    // The second round waits on the same approval: the same `next`, a new task token.
    const waits = loopRun.calls.filter(([name]) => name === 'await-human');
    expect(waits.map(([, payload]) => (payload as { next: JsonValue }).next)).toEqual([approval, approval]);
  });

  it('runs the gated tool when a fallback approver approves in the second round', async () => {
    const approval = { kind: 'approval', tool: 'create_payment_link', callId: 'call_6', approvalId: 'ap_6' };
    const loopRun = run([approval, { kind: 'done' }], {
      approvalTimerSeconds: 1,
      answers: { expire: [{ extended: true }] },
    });
    await loopRun.waiting();
    const secondRound = async (): Promise<string> => {
      for (let attempt = 0; attempt < 400; attempt += 1) {
        if (names(loopRun.calls).filter((name) => name === 'await-human').length === 2)
          return loopRun.waiting();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('no second round');
    };

    loopRun.sfn.sendTaskSuccess(await secondRound(), {
      approved: true,
      next: { kind: 'tool', tool: 'create_payment_link', callId: 'call_6' },
    });

    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    expect(names(loopRun.calls)).toEqual([
      'step',
      'await-human',
      'expire',
      'await-human',
      'tool-create_payment_link',
      'step',
      'notify',
    ]);
  });
});
