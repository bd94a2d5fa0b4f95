import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../lib/core/json.ts';
import { type AslDefinition, readStateMachineDefinition } from '../../lib/infra/definition-from-template.ts';
import { ITERATIONS_PER_EXECUTION } from '../../lib/infra/iterations-definition.ts';
import { createLocalLoopMachines, type LocalLoopMachines } from '../../lib/local/local-loop-machines.ts';
import type { LocalFunction } from '../../lib/local/local-step-functions.ts';
import { functionInvokedBy } from './asl-graph.ts';
import { synthesize } from './synth.ts';

// The loop as the template holds it (loop-graph.test.ts walks it as a graph), run locally here.
const { template } = synthesize();
const loop = readStateMachineDefinition(template);
const { definition } = loop;
const allStates = [...Object.values(definition.States), ...Object.values(loop.iterations.definition.States)];

describe('readStateMachineDefinition', () => {
  it('names every function the definition invokes, with its entry file and environment', () => {
    const invoked = allStates.flatMap((state) => {
      const arn = functionInvokedBy(state);
      return arn === undefined ? [] : [arn];
    });
    const byArn = new Map([...loop.functions.values()].map((fn) => [fn.arn, fn]));
    expect(invoked.length).toBeGreaterThan(6);
    expect(invoked.filter((arn) => !byArn.has(arn))).toEqual([]);
    const stepState = loop.iterations.definition.States.Step;
    const step = byArn.get(stepState ? (functionInvokedBy(stepState) ?? '') : '');
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
    expect(loop.iterations.arn).toMatch(
      /^arn:aws:states:local:000000000000:stateMachine:AgentLoopIterations/,
    );
    expect(definition.States.Iterate?.Parameters).toMatchObject({ StateMachineArn: loop.iterations.arn });
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
  /** Other code for a function, by name (its calls are still recorded). */
  replace?: Record<string, (payload: JsonValue, machines: LocalLoopMachines) => JsonValue>;
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
  // Read when a replaced function runs, which is only after the machines below exist.
  let machines: LocalLoopMachines | undefined;
  for (const [name, answer] of Object.entries(options.replace ?? {})) {
    functions.set(
      arnOf(name),
      record(name, (payload) => {
        if (!machines) throw new Error('the machines do not exist yet');
        return answer(payload, machines);
      }),
    );
  }
  machines = createLocalLoopMachines(
    options.approvalTimerSeconds === undefined
      ? loop
      : { ...loop, definition: withApprovalTimer(options.approvalTimerSeconds) },
    functions,
    { retryIntervalMs: 1 },
  );
  const sfn = machines.turn;
  const execution = sfn.startExecution({ name: 't1-1', input: { threadId: 't1', seq: 1 } });
  const waiting = async (): Promise<string> => {
    for (let attempt = 0; attempt < 200 && sfn.pendingTokens().length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const [token] = sfn.pendingTokens();
    if (!token) throw new Error('nothing waits for a person');
    return token;
  };
  return {
    sfn,
    iterations: machines.iterations,
    calls,
    execution,
    waiting,
    done: () => sfn.waitForExecution(execution.executionArn),
  };
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

  it('hands back to the turn after its bound of tool iterations, and the turn starts the next ones', async () => {
    const lookup = (index: number) => ({ kind: 'tool', tool: 'lookup_customer', callId: `call_${index}` });
    const toolSteps = ITERATIONS_PER_EXECUTION + 2;
    const loopRun = run([
      ...Array.from({ length: toolSteps }, (_, index) => lookup(index)),
      { kind: 'done' },
    ]);
    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    const names_ = names(loopRun.calls);
    expect(names_.filter((name) => name === 'tool-lookup_customer')).toHaveLength(toolSteps);
    expect(names_.filter((name) => name === 'step')).toHaveLength(toolSteps + 1);
    expect(names_.at(-1)).toBe('notify');
    const children = loopRun.iterations.listExecutions();
    expect(children.map((child) => child.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(children[0]?.output).toMatchObject({
      iterations: ITERATIONS_PER_EXECUTION,
      step: { next: lookup(9) },
    });
  });

  it('records a task that failed past its retries in the iterations as the failure of the turn', async () => {
    const loopRun = run([{ kind: 'tool', tool: 'lookup_customer', callId: 'call_7' }], {
      replace: {
        'tool-lookup_customer': () => {
          const failure = new Error('the ledger is gone');
          failure.name = 'LedgerMissing';
          throw failure;
        },
      },
    });
    expect(await loopRun.done()).toMatchObject({ status: 'FAILED', error: 'ThreadFailed' });
    expect(loopRun.calls.at(-1)).toEqual([
      'on-failure',
      { threadId: 't1', error: expect.objectContaining({ Error: 'LedgerMissing' }) },
    ]);
    expect(loopRun.iterations.listExecutions().map((child) => child.status)).toEqual(['SUCCEEDED']);
  });

  it('starts the iterations again when their execution dies mid-step, as one out of time does', async () => {
    let steps = 0;
    const loopRun = run([], {
      replace: {
        step: (_payload, { iterations }) => {
          steps += 1;
          if (steps === 1) {
            for (const child of iterations.listExecutions('RUNNING'))
              iterations.stopExecution(child.executionArn, 'States.Timeout', 'out of time');
          }
          return { next: { kind: 'done' }, seq: steps };
        },
      },
    });
    expect(await loopRun.done()).toMatchObject({ status: 'SUCCEEDED' });
    expect(names(loopRun.calls)).toEqual(['step', 'step', 'notify']);
    expect(loopRun.iterations.listExecutions().map((child) => child.status)).toEqual([
      'ABORTED',
      'SUCCEEDED',
    ]);
  });
});
