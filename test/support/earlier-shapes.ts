import * as z from 'zod';
import { hashArgs } from '../../lib/core/hash.ts';
import { JsonObjectSchema, JsonValueSchema } from '../../lib/core/json.ts';
import type { UpcasterChain } from '../../lib/core/upcasters.ts';

/**
 * The shapes an imagined earlier deploy stored two event types in, and the upcasters that bring
 * them to today's. In the world of these tests today's shapes are version 2 of both types; every
 * other type is still at version 1.
 *
 * - `model-step` version 1 counted tokens as `tokens: { input, output }`; version 2 has `usage`.
 * - `approval-request` version 1 kept the arguments as JSON text in `argumentsJson` and had no
 *   hash; version 2 has the parsed `args` and their `argsHash`.
 */
export const ModelStepVersion1 = z.object({
  tool: z.string(),
  args: JsonValueSchema,
  model: z.string(),
  tokens: z.object({ input: z.number(), output: z.number() }),
  costUsd: z.number(),
});

export const ApprovalRequestVersion1 = z.object({
  approvalId: z.string(),
  callId: z.string(),
  tool: z.string(),
  argumentsJson: z.string(),
});

export const EARLIER_SHAPES: UpcasterChain = {
  'model-step': [
    (data) => {
      const { tokens, ...rest } = ModelStepVersion1.parse(data);
      return { ...rest, usage: { inputTokens: tokens.input, outputTokens: tokens.output } };
    },
  ],
  'approval-request': [
    (data) => {
      const { argumentsJson, ...rest } = ApprovalRequestVersion1.parse(data);
      const args = JsonObjectSchema.parse(JSON.parse(argumentsJson));
      return { ...rest, args, argsHash: hashArgs(args) };
    },
  ],
};
