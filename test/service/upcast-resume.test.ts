import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import { DynamoWaitStore } from '../../lib/adapters/dynamo-wait-store.ts';
import { InMemoryPayloadStore } from '../../lib/adapters/payload-store.ts';
import { call } from '../../lib/adapters/scripted-model.ts';
import { eventSk, threadPk } from '../../lib/adapters/thread-table.ts';
import { hashArgs } from '../../lib/core/hash.ts';
import { deriveThreadState } from '../../lib/core/thread-state.ts';
import { decideWait } from '../../lib/service/decide-wait.ts';
import { runStep } from '../../lib/service/run-step.ts';
import { runToolCall } from '../../lib/service/run-tool-call.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { type EarlierEvent, earlierThreadItems } from '../support/earlier-deploy.ts';
import { EARLIER_SHAPES } from '../support/earlier-shapes.ts';
import { REFUND_ARGS } from './approval-thread.ts';
import { APPROVER, createHarness } from './harness.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const at = '2026-01-01T00:00:00.000Z';

/**
 * Thread th-1 of the refunds agent as an earlier deploy left it weeks ago: the model asked for
 * `create_refund`, and the thread waits for approval apr-1. That deploy stored model steps with
 * `tokens` and approval requests with their arguments as JSON text (`EARLIER_SHAPES`), and wrote
 * no versions.
 */
const EARLIER_EVENTS: EarlierEvent[] = [
  {
    id: 'ev-1',
    at,
    type: 'user-message',
    data: { text: 'Refund INV-1001', channel: 'api', untrusted: false },
  },
  {
    id: 'ev-2',
    at,
    type: 'model-step',
    data: {
      tool: 'create_refund',
      args: REFUND_ARGS,
      model: 'scripted',
      tokens: { input: 40, output: 9 },
      costUsd: 0.0002,
    },
  },
  {
    id: 'ev-3',
    at,
    type: 'approval-request',
    key: 'approval:ev-2',
    data: {
      approvalId: 'apr-1',
      callId: 'ev-2',
      tool: 'create_refund',
      argumentsJson: JSON.stringify(REFUND_ARGS),
    },
  },
];

/** The table as the earlier deploy left it, and today's deploy reading it with `EARLIER_SHAPES`. */
const afterTheDeploy = async () => {
  const tableName = await dynamo.createThreadTable();
  const document = DynamoDBDocumentClient.from(dynamo.client);
  const thread = {
    threadId: 'th-1',
    agent: 'refunds',
    status: 'awaiting-approval' as const,
    waitingFor: 'approval of create_refund',
  };
  for (const item of earlierThreadItems(thread, EARLIER_EVENTS))
    await document.send(new PutCommand({ TableName: tableName, Item: item }));
  const waits = new DynamoWaitStore({ tableName, client: dynamo.client });
  // The earlier deploy's AwaitApproval task stored its token and told the approver.
  await waits.put({
    requestId: 'apr-1',
    threadId: 'th-1',
    kind: 'approval',
    next: { kind: 'approval', tool: 'create_refund', callId: 'ev-2', approvalId: 'apr-1' },
    taskToken: 'token-from-before-the-deploy',
    createdAt: at,
    approval: {
      tool: 'create_refund',
      callId: 'ev-2',
      argsHash: hashArgs(REFUND_ARGS),
      approvers: [APPROVER],
      fallbackApprovers: [],
      expiresAt: '2026-12-31T00:00:00.000Z',
    },
  });
  await waits.markNotified('apr-1', at);

  const harness = createHarness([call('done_for_now', { message: 'Refunded 120 EUR on INV-1001.' })]);
  const store = new DynamoThreadStore({
    tableName,
    payloads: new InMemoryPayloadStore(),
    client: dynamo.client,
    upcasters: EARLIER_SHAPES,
  });
  const deps = { ...harness.deps, store, waits };
  const rawEvent = async (seq: number) =>
    (
      await document.send(
        new GetCommand({ TableName: tableName, Key: { PK: threadPk('th-1'), SK: eventSk(seq) } }),
      )
    ).Item;
  return { harness, store, deps, rawEvent };
};

describe('a thread paused across a deploy that changed event shapes', () => {
  it('reads the waiting thread in today’s shapes, still awaiting its approval', async () => {
    const { store } = await afterTheDeploy();

    const { events } = await store.load('th-1');

    expect(events[2]).toEqual({
      id: 'ev-3',
      seq: 3,
      at,
      type: 'approval-request',
      key: 'approval:ev-2',
      data: {
        approvalId: 'apr-1',
        callId: 'ev-2',
        tool: 'create_refund',
        args: REFUND_ARGS,
        argsHash: hashArgs(REFUND_ARGS),
      },
    });
    const state = deriveThreadState(events);
    expect(state.status).toBe('awaiting-approval');
    expect(state.inputTokens).toBe(40);
  });

  it('is approved, resumed and runs the tool through the service functions', async () => {
    const { harness, store, deps, rawEvent } = await afterTheDeploy();

    const decided = await decideWait('apr-1', { decision: 'approve', by: APPROVER }, deps);
    const ran = await runToolCall('th-1', 'ev-2', deps, { onlyTool: 'create_refund' });
    const stepped = await runStep('th-1', deps);

    expect(decided.ok).toBe(true);
    expect(harness.orchestrator.calls).toEqual([
      {
        method: 'resume',
        taskToken: 'token-from-before-the-deploy',
        output: {
          approved: true,
          next: { kind: 'tool', tool: 'create_refund', callId: 'ev-2' },
        },
      },
    ]);
    expect(ran).toEqual({ seq: 5, ran: true });
    expect(harness.refunds).toEqual([{ invoiceId: 'INV-1001', amountEur: 120, callId: 'ev-2' }]);
    expect(stepped).toMatchObject({ next: { kind: 'done' } });
    const { events } = await store.load('th-1');
    expect(events.map((event) => event.type)).toEqual([
      'user-message',
      'model-step',
      'approval-request',
      'approval-decision',
      'tool-result',
      'model-step',
      'agent-done',
    ]);
    expect(deriveThreadState(events).status).toBe('done');
    // The earlier items stay as they were written; what today's deploy wrote carries its versions.
    expect((await rawEvent(2))?.schemaVersion).toBeUndefined();
    expect((await rawEvent(4))?.schemaVersion).toBe(1);
    expect((await rawEvent(6))?.schemaVersion).toBe(2);
  });
});
