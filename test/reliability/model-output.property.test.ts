import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ScriptedModel, type ScriptedTurn } from '../../lib/adapters/scripted-model.ts';
import { defineAgent } from '../../lib/core/agent.ts';
import type { NewEvent } from '../../lib/core/events.ts';
import { NextSchema } from '../../lib/core/next.ts';
import { ModelReplySchema } from '../../lib/core/ports.ts';
import { step } from '../../lib/core/step.ts';
import { createRefundAgent, deepFreeze, fakeDeps } from '../core/refund-agent.ts';
import { aThread } from '../support/thread-builder.ts';
import { checkProperty, propertyTimeout } from './property-runs.ts';
import { createRecorder } from './record.ts';

const recorder = createRecorder('model output');
afterAll(() => recorder.flush());

const refunds = createRefundAgent().agent;
// The same tools plus a child agent, so the child branch of `step` is reachable too.
const agent = defineAgent({
  name: 'refunds',
  description: refunds.description,
  prompt: () => 'You refund invoices.',
  tools: refunds.tools,
  children: [{ tool: 'delegate_refund', agent: 'refunds', description: 'Hand a refund over.' }],
});

const toolArb = fc.oneof(
  fc.constantFrom(
    'lookup_invoice',
    'create_refund',
    'request_human_input',
    'done_for_now',
    'delegate_refund',
    '',
  ),
  fc.string({ maxLength: 40 }),
);
const argsArb = fc.oneof(
  fc.constantFrom(
    '{"invoiceId":"INV-1001"}',
    '{"invoiceId":"INV-1001","amountEur":50}',
    '{"message":"done"}',
    '{"question":"which one?"}',
    '{"task":"refund INV-1001"}',
    '{"invoiceId": "INV-1001"',
    'null',
    '',
  ),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 120 }),
);
const arbitraryReplyArb: fc.Arbitrary<ScriptedTurn> = fc.record(
  {
    tool: toolArb,
    argsJson: argsArb,
    text: fc.string({ maxLength: 80 }),
    stopReason: fc.constantFrom(...ModelReplySchema.shape.stopReason.options),
    usage: fc.record({ inputTokens: fc.nat({ max: 1_000_000 }), outputTokens: fc.nat({ max: 100_000 }) }),
  },
  { requiredKeys: ['stopReason'] },
);
/** A well-formed call of each kind, so the runs reach every branch, not only the error streak. */
const wellFormedArb: fc.Arbitrary<ScriptedTurn> = fc.constantFrom(
  { tool: 'lookup_invoice', argsJson: '{"invoiceId":"INV-1001"}', stopReason: 'tool_use' as const },
  {
    tool: 'create_refund',
    argsJson: '{"invoiceId":"INV-1001","amountEur":50}',
    stopReason: 'tool_use' as const,
  },
  { tool: 'done_for_now', argsJson: '{"message":"done"}', stopReason: 'end_turn' as const },
  { tool: 'request_human_input', argsJson: '{"question":"which?"}', stopReason: 'tool_use' as const },
  { tool: 'delegate_refund', argsJson: '{"task":"refund INV-1001"}', stopReason: 'tool_use' as const },
);
const replyArb = fc.oneof(
  { arbitrary: arbitraryReplyArb, weight: 3 },
  { arbitrary: wellFormedArb, weight: 1 },
);

/** What may follow a `model-step` within one step. */
const FOLLOWERS = new Set([
  'tool-error',
  'approval-request',
  'agent-done',
  'human-input-request',
  'child-thread-started',
  'escalation',
]);

describe('core step under arbitrary model replies', () => {
  it(
    'always ends in a valid next or an escalation, with one model-step per model call and never a throw',
    async () => {
      let replies = 0;
      const endings: Record<string, number> = {};
      const tried = await checkProperty(
        fc.asyncProperty(fc.array(replyArb, { minLength: 4, maxLength: 4 }), async (script) => {
          const model = new ScriptedModel(script);
          const thread = deepFreeze(aThread().user('Refund 50 EUR on INV-1001').build());

          const result = await step(thread, agent, fakeDeps(model));

          replies += model.requests.length;
          expect(NextSchema.safeParse(result.next).success).toBe(true);
          const modelSteps = result.events.filter((event) => event.type === 'model-step');
          expect(modelSteps).toHaveLength(model.requests.length);
          // Each model-step is followed by what it led to, or ends the step as a runnable tool call.
          result.events.forEach((event: NewEvent, index) => {
            if (event.type !== 'model-step') return;
            const following = result.events[index + 1];
            if (following === undefined) expect(result.next.kind).toBe('tool');
            else expect(FOLLOWERS.has(following.type), following.type).toBe(true);
          });
          const last = result.events.at(-1);
          if (result.next.kind === 'escalate') expect(last?.type).toBe('escalation');
          // Every model call before the last one was answered by a tool error the model reads.
          const errors = result.events.filter((event) => event.type === 'tool-error').length;
          expect(errors).toBeGreaterThanOrEqual(model.requests.length - 1);
          endings[result.next.kind] = (endings[result.next.kind] ?? 0) + 1;
        }),
        300,
      );
      recorder.record('step() on scripted replies with arbitrary tools, arguments and stop reasons', {
        edge: 'model output',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        notes: { modelReplies: replies, nextKinds: endings },
      });
    },
    propertyTimeout(),
  );
});
