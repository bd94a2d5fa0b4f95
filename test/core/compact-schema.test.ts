import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { compactSchema } from '../../lib/core/compact-schema.ts';
import { toModelSchema } from '../../lib/core/tools.ts';

describe('compactSchema', () => {
  it('leaves out additionalProperties false and minLength 1 at every depth, and keeps every other keyword', () => {
    const input = z.object({
      name: z.string().min(1).describe('Full or partial name'),
      code: z.string().min(2).max(8),
      lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })),
      kind: z.enum(['one-off', 'monthly']),
    });

    expect(compactSchema(toModelSchema(input))).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Full or partial name' },
        code: { type: 'string', minLength: 2, maxLength: 8 },
        lines: {
          type: 'array',
          items: {
            type: 'object',
            properties: { sku: { type: 'string' }, quantity: { type: 'integer', exclusiveMinimum: 0 } },
            required: ['sku', 'quantity'],
          },
        },
        kind: { type: 'string', enum: ['one-off', 'monthly'] },
      },
      required: ['name', 'code', 'lines', 'kind'],
    });
  });

  it('keeps additionalProperties when it says something other than false', () => {
    const input = z.object({ tags: z.record(z.string(), z.string()) });

    expect(compactSchema(toModelSchema(input))).toEqual({
      type: 'object',
      properties: {
        tags: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } },
      },
      required: ['tags'],
    });
  });
});
