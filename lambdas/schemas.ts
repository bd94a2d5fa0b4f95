import * as z from 'zod';
import { NextSchema } from '../lib/core/next.ts';

/** The payloads the state machine sends its tasks (docs/aws.md, "State-machine tasks"). */

const threadId = z.string().min(1).max(128);

export const StepInputSchema = z.object({ threadId });
export type StepInput = z.infer<typeof StepInputSchema>;

export const ToolInputSchema = z.object({ threadId, callId: z.string().min(1) });
export type ToolInput = z.infer<typeof ToolInputSchema>;

export const AwaitHumanInputSchema = z.object({ threadId, next: NextSchema, taskToken: z.string().min(1) });
export type AwaitHumanInput = z.infer<typeof AwaitHumanInputSchema>;

export const ExpireInputSchema = z.object({ threadId, next: NextSchema });
export type ExpireInput = z.infer<typeof ExpireInputSchema>;

export const StartChildInputSchema = z.object({ threadId, next: NextSchema });
export type StartChildInput = z.infer<typeof StartChildInputSchema>;

/** `NotifyDone` sends `{ threadId, kind: 'done' }`; `NotifyEscalation` adds the step's `next`. */
export const NotifyInputSchema = z.object({
  threadId,
  kind: z.enum(['done', 'escalation']),
  next: NextSchema.optional(),
});
export type NotifyInput = z.infer<typeof NotifyInputSchema>;

/** What a Catch with `ResultPath: $.error` leaves: Step Functions' `{ Error, Cause }`. */
export const OnFailureInputSchema = z.object({
  threadId,
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).default({}),
});
export type OnFailureInput = z.infer<typeof OnFailureInputSchema>;
