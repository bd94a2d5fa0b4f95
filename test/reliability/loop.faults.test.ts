import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Event, Thread } from '../../lib/core/events.ts';
import type { LocalFunction } from '../../lib/local/local-step-functions.ts';
import { decideWait } from '../../lib/service/decide-wait.ts';
import { eventually } from '../infra/loop-harness.ts';
import { type FaultHarness, startFaultHarness } from './fault-harness.ts';
import { createRecorder } from './record.ts';

// Past the ~300-line guide on purpose: every case shares one synthesized loop, and each extra file
// would synthesize the CDK app again (~10 s on 2 cores) inside `npm test`.
const recorder = createRecorder('synthesized loop faults');
let harness: FaultHarness;

beforeAll(async () => {
  harness = await startFaultHarness();
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await recorder.flush();
});

const types = (thread: Thread): string[] => thread.events.map((event) => event.type);
const TOOL_TURN = ['user-message', 'model-step', 'tool-result', 'model-step', 'agent-done'];

/** A Lambda crash as Step Functions reports it: one of the errors the loop's Retry matches. */
const lambdaCrash = (where: string) =>
  Object.assign(new Error(`injected crash ${where}`), { name: 'Lambda.ServiceException' });

/** Model-steps against distinct steps: each step's events are keyed `step:<seq it saw>:<index>`. */
const countSteps = (events: readonly Event[]) => {
  const modelSteps = events.filter((event) => event.type === 'model-step');
  const steps = new Set(modelSteps.map((event) => event.key?.split(':').slice(0, 2).join(':')));
  const keys = events.flatMap((event) => (event.key ? [event.key] : []));
  return {
    modelSteps: modelSteps.length,
    steps: steps.size,
    duplicateKeys: keys.length - new Set(keys).size,
  };
};

beforeEach(() => {
  // A failed test must not leave its scripted replies to the next one.
  harness.chat.reset();
  harness.proxy.setRule(() => ({ kind: 'pass' }));
});

let turn = 0;
const startTurn = async (prefix: string, text = 'who is Terri?') => {
  turn += 1;
  const threadId = `${prefix}-${turn}`;
  await harness.ingest({ kind: 'start', threadId, agent: 'billing', text, key: `k-${threadId}` });
  return threadId;
};

/** Runs one tool turn (lookup, done) with the step function wrapped by `wrapper`; checks it completed once. */
const LOOKUP: [string, unknown] = ['lookup_customer', { name: 'Terri' }];
const DONE: [string, unknown] = ['done_for_now', { message: 'Terri Jackson.' }];

const toolTurnUnder = async (
  name: string,
  wrapper: (real: LocalFunction, ingested: Promise<void>) => LocalFunction,
  script: [string, unknown][] = [LOOKUP, DONE],
) => {
  let markIngested = () => {};
  const ingested = new Promise<void>((resolve) => {
    markIngested = resolve;
  });
  const restore = harness.wrap('step', (real) => wrapper(real, ingested));
  const requestsBefore = harness.chat.requests.length;
  try {
    harness.reply(...script);
    const threadId = await startTurn(name);
    markIngested();
    const execution = await harness.finished(threadId, 1);
    const thread = await harness.load(threadId);
    return { execution, thread, modelCalls: harness.chat.requests.length - requestsBefore };
  } finally {
    restore();
    harness.proxy.setRule(() => ({ kind: 'pass' }));
  }
};

/** Events lost (expected, missing) and duplicated (extra, or a key stored twice), counted from the thread. */
const measured = (thread: Thread, expected?: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const type of types(thread)) counts.set(type, (counts.get(type) ?? 0) + 1);
  let lost = 0;
  let extra = 0;
  if (expected) {
    const wanted = new Map<string, number>();
    for (const type of expected) wanted.set(type, (wanted.get(type) ?? 0) + 1);
    for (const [type, count] of wanted) lost += Math.max(0, count - (counts.get(type) ?? 0));
    for (const [type, count] of counts) extra += Math.max(0, count - (wanted.get(type) ?? 0));
  }
  const counted = countSteps(thread.events);
  return {
    eventsLost: lost,
    eventsDuplicated: extra + counted.duplicateKeys + Math.max(0, counted.modelSteps - counted.steps),
  };
};

const expectOneModelStepPerStep = (thread: Thread) => {
  const counted = countSteps(thread.events);
  expect(counted.duplicateKeys).toBe(0);
  expect(counted.modelSteps).toBe(counted.steps);
  return counted;
};

describe('a Step handler that crashes at each point of a step', () => {
  it('completes the turn when the handler crashes before the model call', async () => {
    let crashes = 0;
    const { execution, thread, modelCalls } = await toolTurnUnder(
      'crash-before-model',
      (real) => async (payload) => {
        if (crashes === 0) {
          crashes += 1;
          throw lambdaCrash('before the model call');
        }
        return real(payload);
      },
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(thread)).toEqual(TOOL_TURN);
    expect(modelCalls).toBe(2);
    recorder.record('crash before the model call', {
      faultsInjected: crashes,
      ...measured(thread, TOOL_TURN),
      notes: { ...expectOneModelStepPerStep(thread), modelCalls },
    });
  });

  it('completes the turn when the handler crashes after the model call, before the append', async () => {
    let crashes = 0;
    const { execution, thread, modelCalls } = await toolTurnUnder(
      'crash-after-model',
      (real) => async (payload) => {
        if (crashes > 0) return real(payload);
        crashes += 1;
        // Every write of this invocation is lost, then the function dies: the model's reply was never stored.
        harness.proxy.setRule((operation) =>
          operation === 'PutItem' || operation === 'TransactWriteItems' || operation === 'BatchWriteItem'
            ? { kind: 'refuse', status: 500, type: 'InternalServerError' }
            : { kind: 'pass' },
        );
        try {
          await real(payload);
        } catch {
          // the append failed, as intended
        } finally {
          harness.proxy.setRule(() => ({ kind: 'pass' }));
        }
        throw lambdaCrash('after the model call, before the append');
      },
      [LOOKUP, LOOKUP, DONE],
    ); // the crashed invocation's reply is gone: the model is asked again
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(thread)).toEqual(TOOL_TURN);
    // The lost reply costs one more model call; it is stored once.
    expect(modelCalls).toBe(3);
    recorder.record('crash after the model call, before the append', {
      faultsInjected: crashes,
      ...measured(thread, TOOL_TURN),
      notes: { ...expectOneModelStepPerStep(thread), modelCalls },
    });
  });

  it('completes the turn when the handler crashes after the append, before it returns', async () => {
    let crashes = 0;
    const { execution, thread, modelCalls } = await toolTurnUnder(
      'crash-after-append',
      (real) => async (payload) => {
        const result = await real(payload);
        if (crashes < 2) {
          crashes += 1;
          throw lambdaCrash('after the append');
        }
        return result;
      },
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(thread)).toEqual(TOOL_TURN);
    expect(modelCalls).toBe(2);
    recorder.record('crash after the append, before the return', {
      faultsInjected: crashes,
      ...measured(thread, TOOL_TURN),
      notes: { ...expectOneModelStepPerStep(thread), modelCalls },
    });
  });

  it('completes the turn when DynamoDB applies the append but the answer is lost', async () => {
    let lost = 0;
    const { execution, thread, modelCalls } = await toolTurnUnder(
      'lost-answer',
      (real) => async (payload) => {
        if (lost === 0) {
          harness.proxy.setRule((operation) => {
            if (lost > 0 || operation !== 'PutItem') return { kind: 'pass' };
            lost += 1;
            return { kind: 'apply-then-fail', status: 500, type: 'InternalServerError' };
          });
        }
        return real(payload);
      },
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(thread)).toEqual(TOOL_TURN);
    expect(modelCalls).toBe(2);
    recorder.record('DynamoDB write applied, answer lost (SDK retries the write)', {
      faultsInjected: lost,
      ...measured(thread, TOOL_TURN),
      notes: expectOneModelStepPerStep(thread),
    });
  });
});

describe('throttling', () => {
  const throttleFirst = (count: number) => {
    let injected = 0;
    return {
      injected: () => injected,
      wrapper:
        (real: LocalFunction, ingested: Promise<void>) => async (payload: Parameters<LocalFunction>[0]) => {
          // Only the Step function's own calls are throttled: the ingest function has finished.
          await ingested;
          if (injected === 0) {
            harness.proxy.setRule(() => {
              if (injected >= count) return { kind: 'pass' };
              injected += 1;
              return { kind: 'refuse', status: 400, type: 'ProvisionedThroughputExceededException' };
            });
          }
          return real(payload);
        },
    };
  };

  it('retries DynamoDB throttling within the SDK’s attempts: the turn completes', async () => {
    const throttle = throttleFirst(2);
    const { execution, thread } = await toolTurnUnder('ddb-throttle-short', throttle.wrapper);
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(thread)).toEqual(TOOL_TURN);
    recorder.record('DynamoDB throttled for 2 calls', {
      faultsInjected: throttle.injected(),
      ...measured(thread, TOOL_TURN),
      notes: expectOneModelStepPerStep(thread),
    });
  });

  it('retries a longer DynamoDB throttling burst than the SDK absorbs: the turn completes', async () => {
    const throttle = throttleFirst(6);
    const seenBefore = harness.proxy.seen.length;
    const { execution, thread } = await toolTurnUnder('ddb-throttle-long', throttle.wrapper);
    const refused = harness.proxy.seen
      .slice(seenBefore)
      .filter((request) => request.fault === 'refuse')
      .map((request) => request.operation);
    recorder.record('DynamoDB throttled for 6 calls', {
      faultsInjected: throttle.injected(),
      ...measured(thread, TOOL_TURN),
      notes: { status: execution.status, error: execution.error ?? null, refused },
    });
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(thread)).toEqual(TOOL_TURN);
  });

  it('retries model throttling (429, then success) with backoff: one model-step per step', async () => {
    const throttled = {
      status: 429,
      headers: { 'retry-after': '0' },
      body: { error: { message: 'rate limited' } },
    };
    harness.chat.respond(throttled, throttled);
    const { execution, thread, modelCalls } = await toolTurnUnder('model-429', (real) => real);
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(thread)).toEqual(TOOL_TURN);
    expect(modelCalls).toBe(4);
    recorder.record('model answered 429 twice', {
      faultsInjected: 2,
      ...measured(thread, TOOL_TURN),
      notes: { ...expectOneModelStepPerStep(thread), modelCalls },
    });
  });

  it('retries model throttling longer than the adapter’s attempts through the state machine’s Retry', async () => {
    const throttled = {
      status: 429,
      headers: { 'retry-after': '0' },
      body: { error: { message: 'rate limited' } },
    };
    harness.chat.respond(...Array.from({ length: 6 }, () => throttled));
    const { execution, thread, modelCalls } = await toolTurnUnder('model-429-long', (real) => real);
    expect(execution.status).toBe('SUCCEEDED');
    expect(types(thread)).toEqual(TOOL_TURN);
    expect(modelCalls).toBe(8);
    recorder.record('model answered 429 six times', {
      faultsInjected: 6,
      ...measured(thread, TOOL_TURN),
      notes: { ...expectOneModelStepPerStep(thread), modelCalls },
    });
  });
});

describe('duplicates', () => {
  it('turns an SQS redelivery storm (one message 20 times at once) into one event and one execution', async () => {
    harness.reply(['lookup_customer', { name: 'Terri' }], ['done_for_now', { message: 'Terri Jackson.' }]);
    const threadId = 'storm-1';
    const message = {
      kind: 'start',
      threadId,
      agent: 'billing',
      text: 'who is Terri?',
      key: 'k-storm',
    } as const;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => harness.ingest(message, `sqs-${index % 3}`)),
    );
    // A delivery may fail (and be redelivered by SQS); each failure must be reported, not lost.
    const failures = results.filter(
      (result) =>
        result.status === 'rejected' ||
        ((result.value as { batchItemFailures?: unknown[] }).batchItemFailures ?? []).length > 0,
    ).length;
    if (failures > 0) await harness.ingest(message, 'sqs-redelivered');
    const execution = await harness.finished(threadId, 1);
    const thread = await harness.load(threadId);

    expect(execution.status).toBe('SUCCEEDED');
    expect(thread.events.filter((event) => event.key === 'k-storm')).toHaveLength(1);
    expect(types(thread)).toEqual(TOOL_TURN);
    expect(
      harness.machine.listExecutions().filter((record) => record.name.startsWith(`${threadId}-`)),
    ).toHaveLength(1);
    recorder.record('SQS redelivery storm: one message 20 times concurrently', {
      inputsTried: 20,
      ...measured(thread, TOOL_TURN),
      notes: { ...expectOneModelStepPerStep(thread), deliveriesReportedFailed: failures, executions: 1 },
    });
  });

  it('decides an approval once when two people decide at the same moment', async () => {
    const link = { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship for Terri Jackson' };
    harness.reply(['lookup_customer', { name: 'Terri' }], ['create_payment_link', link]);
    const threadId = await startTurn('double-approval', 'create a $750 sponsorship link for Terri');
    const wait = await eventually('a pending approval wait', async () => {
      const thread = await harness.load(threadId);
      const request = thread.events.find((event) => event.type === 'approval-request');
      if (request?.type !== 'approval-request') return undefined;
      const stored = await harness.service.waits.get(request.data.approvalId);
      return stored?.status === 'pending' ? stored : undefined;
    });
    harness.reply(['done_for_now', { message: 'Link created.' }]);

    const outcomes = await Promise.all([
      decideWait(wait.requestId, { decision: 'approve', by: 'grace@example.com' }, harness.service),
      decideWait(
        wait.requestId,
        { decision: 'reject', feedback: 'no', by: 'alan@example.com' },
        harness.service,
      ),
    ]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(await harness.finished(threadId, 1)).toMatchObject({ status: 'SUCCEEDED' });
    const thread = await harness.load(threadId);
    expect(thread.events.filter((event) => event.type === 'approval-decision')).toHaveLength(1);
    const approved = outcomes[0]?.ok === true;
    const links =
      (
        await harness.dynamo.client.send(
          new ScanCommand({ TableName: harness.agentTable('billing', 'ledger') }),
        )
      ).Items ?? [];
    expect(
      links.filter((item) => item.customerId === 'cus_terri' && item.amountCents === 75_000),
    ).toHaveLength(approved ? 1 : 0);
    recorder.record('two concurrent decisions on one approval', {
      inputsTried: 2,
      ...measured(thread),
      notes: { decisions: 1, winner: approved ? 'approve' : 'reject' },
    });
  });
});

describe('a function that dies', () => {
  // Out of memory (Lambda.Unknown) or timed out (Sandbox.Timedout): the loop's Retry runs the task
  // again, which the crash tests above show is safe.
  it('is retried, and the turn completes with one model-step per step', async () => {
    let crashes = 0;
    const restore = harness.wrap('step', (real) => async (payload) => {
      if (crashes > 0) return real(payload);
      crashes += 1;
      throw Object.assign(new Error('Runtime exited: out of memory'), { name: 'Lambda.Unknown' });
    });
    let threadId: string;
    try {
      harness.reply(LOOKUP, DONE);
      threadId = await startTurn('crash-oom');
      expect(await harness.finished(threadId, 1)).toMatchObject({ status: 'SUCCEEDED' });
    } finally {
      restore();
    }
    const thread = await harness.load(threadId);
    expect(types(thread)).toEqual(TOOL_TURN);
    recorder.record('Lambda.Unknown crash in Step, retried', {
      faultsInjected: crashes,
      ...measured(thread, TOOL_TURN),
    });
  });
});
