import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DEFAULT_LIMITS, defineAgent } from '../../lib/core/agent.ts';
import { defineTool, oneLine, toModelSchema } from '../../lib/core/tools.ts';

const noop = defineTool({
  name: 'noop',
  description: 'Does nothing.',
  input: z.object({}),
  execute: () => null,
});

describe('defineTool', () => {
  it.each(['has space', 'dots.not.allowed', '', 'x'.repeat(65)])('refuses the tool name %j', (name) => {
    expect(() => defineTool({ name, description: 'd', input: z.object({}), execute: () => null })).toThrow(
      `tool name "${name}" must match ^[a-zA-Z0-9_-]{1,64}$`,
    );
  });

  it('validates arguments and returns them as the schema parses them', () => {
    const tool = defineTool({
      name: 'create_refund',
      description: 'Refunds.',
      input: z.object({ amountEur: z.number().positive(), currency: z.string().default('EUR') }),
      execute: () => null,
    });

    expect(tool.validate({ amountEur: 5, extra: true })).toEqual({
      ok: true,
      args: { amountEur: 5, currency: 'EUR' },
    });
    expect(tool.validate({ amountEur: 'five' })).toEqual({
      ok: false,
      message: 'invalid arguments: amountEur: expected number, received string',
    });
  });

  it('describes at most four issues, on one line', () => {
    const tool = defineTool({
      name: 'many',
      description: 'Many fields.',
      input: z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string() }),
      execute: () => null,
    });

    const outcome = tool.validate({});

    expect(outcome).toEqual({
      ok: false,
      message:
        'invalid arguments: a: expected string, received undefined; b: expected string, received undefined; ' +
        'c: expected string, received undefined; d: expected string, received undefined',
    });
  });

  it('runs without executing when the arguments are invalid', async () => {
    let executed = 0;
    const tool = defineTool({
      name: 'count',
      description: 'Counts.',
      input: z.object({ by: z.number() }),
      execute: ({ by }) => {
        executed += by;
        return executed;
      },
    });

    const outcomes = [
      await tool.run({ by: 'x' }, { threadId: 't', callId: 'c' }),
      await tool.run({ by: 2 }, { threadId: 't', callId: 'c' }),
    ];

    expect(outcomes).toEqual([
      { ok: false, message: 'invalid arguments: by: expected number, received string' },
      { ok: true, result: 2 },
    ]);
  });

  it('drops the JSON Schema dialect and the safe-integer bounds zod adds', () => {
    const schema = toModelSchema(z.object({ count: z.number().int(), email: z.email() }));

    expect(schema).toEqual({
      type: 'object',
      properties: { count: { type: 'integer' }, email: { type: 'string', format: 'email' } },
      required: ['count', 'email'],
      additionalProperties: false,
    });
  });
});

describe('oneLine', () => {
  it('keeps the first line that says something, trimmed', () => {
    expect(oneLine('\n  ledger unavailable  \n    at read (ledger.ts:1:1)')).toBe('ledger unavailable');
  });

  it('says "failed" for an empty message', () => {
    expect(oneLine(' \n ')).toBe('failed');
  });
});

describe('defineAgent', () => {
  it('fills the limits it is not given from the defaults', () => {
    const agent = defineAgent({
      name: 'a',
      description: 'd',
      prompt: () => 'p',
      tools: [noop],
      limits: { maxSteps: 5 },
    });

    expect(agent.limits).toEqual({ ...DEFAULT_LIMITS, maxSteps: 5 });
    expect(DEFAULT_LIMITS).toEqual({
      maxSteps: 20,
      maxConsecutiveErrors: 3,
      budgetUsd: 1,
      contextTokens: 8_000,
    });
  });

  it('refuses two tools with the same name', () => {
    expect(() =>
      defineAgent({ name: 'a', description: 'd', prompt: () => 'p', tools: [noop, noop] }),
    ).toThrow('agent a declares tool noop twice');
  });
});
