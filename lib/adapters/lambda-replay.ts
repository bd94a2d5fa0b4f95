import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import type { Replay } from '../service/redrive.ts';

/**
 * What Lambda sends an asynchronous invocation's on-failure destination: the event as it came
 * (`requestPayload`), and why it failed.
 */
export const FailedInvocationSchema = z.object({
  requestContext: z.object({
    requestId: z.string(),
    functionArn: z.string(),
    condition: z.string(),
    approximateInvokeCount: z.number().int(),
  }),
  requestPayload: z.unknown(),
  responsePayload: z.unknown().optional(),
});
export type FailedInvocation = z.infer<typeof FailedInvocationSchema>;

export class NotAFailedInvocationError extends Error {
  override readonly name = 'NotAFailedInvocationError';
}

/** Invokes the function again, asynchronously, with the event that failed. */
export const lambdaEventReplay =
  (functionName: string, client: LambdaClient): Replay =>
  async (letter) => {
    let record: FailedInvocation;
    try {
      record = FailedInvocationSchema.parse(JSON.parse(letter.body));
    } catch (error) {
      throw new NotAFailedInvocationError(
        `message ${letter.id} is not a Lambda on-failure record: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const response = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(record.requestPayload)),
      }),
    );
    if (response.StatusCode !== 202) {
      throw new Error(`invoking ${functionName} answered ${response.StatusCode ?? 'no status'}, not 202`);
    }
  };
