import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelError } from '../../lib/adapters/model-error.ts';
import { OpenAICompatibleModel } from '../../lib/adapters/openai-model.ts';
import { NextSchema } from '../../lib/core/next.ts';
import type { Model } from '../../lib/core/ports.ts';
import { step } from '../../lib/core/step.ts';
import {
  type ScriptedChatServer,
  type ScriptedResponse,
  startScriptedChatServer,
} from '../adapters/scripted-chat-server.ts';
import { createRefundAgent, deepFreeze, fakeDeps } from '../core/refund-agent.ts';
import { aThread } from '../support/thread-builder.ts';
import { checkProperty, propertyTimeout } from './property-runs.ts';
import { createRecorder } from './record.ts';

const recorder = createRecorder('model output');
afterAll(() => recorder.flush());

let server: ScriptedChatServer;
beforeAll(async () => {
  server = await startScriptedChatServer();
});
afterAll(async () => {
  await server?.close();
});

const { agent } = createRefundAgent();
const ATTEMPTS = 3;
/** A step asks the model at most until the error limit escalates; each call retries up to ATTEMPTS times. */
const MOST_REQUESTS = agent.limits.maxConsecutiveErrors * ATTEMPTS;

const toolNameArb = fc.oneof(
  fc.constantFrom('lookup_invoice', 'create_refund', 'request_human_input', 'done_for_now', ''),
  fc.string({ maxLength: 40 }),
);
const argumentsArb = fc.oneof(
  fc.constantFrom(
    '{"invoiceId":"INV-1001"}',
    '{"invoiceId":"INV-1001","amountEur":50}',
    '{"message":"done"}',
    '{"question":"which one?"}',
    '{"invoiceId": "INV-1001"',
    '',
  ),
  fc.string({ maxLength: 120 }),
  fc.json({ maxDepth: 3 }),
  // Some servers send the arguments as an object, not as JSON text.
  fc.jsonValue({ maxDepth: 3 }),
);
const finishReasonArb = fc.oneof(
  fc.constantFrom('tool_calls', 'function_call', 'stop', 'length', 'content_filter', null),
  // Names every plain object inherits: a lookup table must not answer them.
  fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'),
  fc.string({ maxLength: 20 }),
);
const tokensArb = fc.oneof(fc.nat({ max: 2_000_000 }), fc.constant(null));
/** A well-formed call of each kind, so the runs reach every branch of `step`, not only the error streak. */
const wellFormedFunctionArb = fc.constantFrom(
  { name: 'lookup_invoice', arguments: '{"invoiceId":"INV-1001"}' },
  { name: 'create_refund', arguments: '{"invoiceId":"INV-1001","amountEur":50}' },
  { name: 'done_for_now', arguments: '{"message":"done"}' },
  { name: 'request_human_input', arguments: { question: 'which one?' } },
);
const functionArb = fc.oneof(
  {
    arbitrary: fc.record({ name: toolNameArb, arguments: argumentsArb }, { requiredKeys: ['name'] }),
    weight: 2,
  },
  { arbitrary: wellFormedFunctionArb, weight: 1 },
);

/** A chat completion as the spec allows it, with arbitrary text, tool calls and finish reasons. */
const readableCompletionArb = fc
  .record({
    content: fc.oneof(fc.constant(null), fc.string({ maxLength: 200 })),
    calls: fc.oneof(
      fc.array(functionArb, { minLength: 1, maxLength: 2 }).map((calls) => ({
        tool_calls: calls.map((call, index) => ({ id: `call_${index}`, type: 'function', function: call })),
      })),
      functionArb.map((call) => ({ function_call: call })),
      fc.constantFrom({}, { tool_calls: null }, { tool_calls: [] }),
    ),
    finishReason: finishReasonArb,
    usage: fc.option(fc.record({ prompt_tokens: tokensArb, completion_tokens: tokensArb }), { nil: null }),
  })
  .map(({ content, calls, finishReason, usage }) => ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content, ...calls }, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  }));

/** Near misses and junk: what a broken proxy, a wrong endpoint or a confused server sends. */
const unreadableBodyArb = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('', '<html><body>502 Bad Gateway</body></html>', '{"choices":[]}', '{"choices":[{}]}'),
  readableCompletionArb.chain((completion) =>
    fc
      .tuple(
        fc.constantFrom('choices', 'message', 'usage', 'tool_calls', 'content'),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([field, value]) => {
        const [choice] = completion.choices;
        if (field === 'choices' || field === 'usage') return { ...completion, [field]: value };
        if (field === 'message') return { ...completion, choices: [{ ...choice, message: value }] };
        return { ...completion, choices: [{ ...choice, message: { ...choice?.message, [field]: value } }] };
      }),
  ),
);

/** Retry-After as servers send it, and as they should not; visible ASCII only, as HTTP allows. */
const retryAfterArb = fc.oneof(
  fc.constantFrom('0', '1', '2.5', '-1', '86400', 'Wed, 21 Oct 2026 07:28:00 GMT'),
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    maxLength: 20,
  }),
);

interface Answer {
  response: ScriptedResponse;
  /**
   * True: a chat completion the adapter must read into a reply. False: an answer it must refuse
   * (not 2xx). Undefined: a 2xx with a damaged body, which the schema may still accept (a field
   * nulled that may be null) or refuse.
   */
  readable: boolean | undefined;
}

const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  { arbitrary: readableCompletionArb.map((body) => ({ response: { body }, readable: true })), weight: 5 },
  {
    arbitrary: fc
      .record({
        status: fc.oneof(
          fc.constantFrom(200, 201, 400, 401, 403, 404, 408, 413, 422, 429, 500, 502, 503, 504),
          fc.integer({ min: 200, max: 599 }),
        ),
        body: fc.oneof(unreadableBodyArb, readableCompletionArb),
        retryAfter: fc.option(retryAfterArb, { nil: undefined }),
      })
      .map(({ status, body, retryAfter }) => ({
        response: {
          status,
          body,
          ...(retryAfter === undefined ? {} : { headers: { 'retry-after': retryAfter } }),
        },
        readable: status >= 200 && status < 300 ? undefined : false,
      })),
    weight: 3,
  },
);

/**
 * Node's fetch answers a 407 (proxy authentication) with a network error, never a response: the
 * adapter sees a server it could not reach, which it retries like a 5xx.
 */
const isTransient = (status: number): boolean => status === 429 || status === 407 || status >= 500;

describe('the OpenAI-compatible adapter under arbitrary answers from a real HTTP server', () => {
  it(
    'turns every readable completion into one model-step and anything else into a ModelError, never another throw',
    async () => {
      const outcomes: Record<string, number> = {};
      let requests = 0;
      let replies = 0;
      const tried = await checkProperty(
        fc.asyncProperty(
          fc.array(answerArb, { minLength: MOST_REQUESTS, maxLength: MOST_REQUESTS }),
          async (answers) => {
            server.reset();
            server.respond(...answers.map((answer) => answer.response));
            const adapter = new OpenAICompatibleModel({
              baseUrl: server.baseUrl,
              model: 'gpt-4o-mini',
              retry: { attempts: ATTEMPTS, sleep: async () => {}, random: () => 0.5 },
            });
            // Counts what the adapter handed back, so each reply can be found in the events once.
            let calls = 0;
            let returned = 0;
            const model: Model = {
              id: adapter.id,
              next: async (request) => {
                calls += 1;
                const reply = await adapter.next(request);
                returned += 1;
                return reply;
              },
            };
            const thread = deepFreeze(aThread().user('Refund 50 EUR on INV-1001').build());

            const outcome = await step(thread, agent, fakeDeps(model)).then(
              (result) => ({ ok: true, result }) as const,
              (error: unknown) => ({ ok: false, error }) as const,
            );

            const made = server.requests.length;
            expect(made).toBeGreaterThanOrEqual(calls);
            expect(made).toBeLessThanOrEqual(calls * ATTEMPTS);
            for (const request of server.requests)
              expect([request.method, request.path]).toEqual(['POST', '/v1/chat/completions']);
            // Each answer was read at most once, every readable one was, and no refused one was.
            const answered = answers.slice(0, made);
            expect(returned).toBeGreaterThanOrEqual(
              answered.filter((answer) => answer.readable === true).length,
            );
            expect(returned).toBeLessThanOrEqual(
              answered.filter((answer) => answer.readable !== false).length,
            );
            if (outcome.ok) {
              expect(NextSchema.safeParse(outcome.result.next).success).toBe(true);
              const modelSteps = outcome.result.events.filter((event) => event.type === 'model-step');
              expect(modelSteps).toHaveLength(returned);
              expect(calls).toBe(returned);
              outcomes[`next ${outcome.result.next.kind}`] =
                (outcomes[`next ${outcome.result.next.kind}`] ?? 0) + 1;
            } else {
              // An infrastructure failure throws (the step appends nothing; Lambda or the state machine retries).
              expect(outcome.error, String(outcome.error)).toBeInstanceOf(ModelError);
              const error = outcome.error as ModelError;
              expect(error.message).toMatch(/^OpenAI-compatible model gpt-4o-mini /);
              expect(calls).toBe(returned + 1);
              const last = answered.at(-1)!;
              expect(error.retryable, error.message).toBe(isTransient(last.response.status ?? 200));
              expect(error.attempts).toBeLessThanOrEqual(ATTEMPTS);
              const name = error.retryable ? 'ModelError (retryable)' : 'ModelError';
              outcomes[name] = (outcomes[name] ?? 0) + 1;
            }
            requests += made;
            replies += returned;
          },
        ),
        100,
      );
      recorder.record('OpenAI-compatible adapter on arbitrary HTTP answers, through step()', {
        edge: 'model output',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        notes: { httpAnswers: requests, replies, outcomes },
      });
    },
    propertyTimeout(),
  );
});
