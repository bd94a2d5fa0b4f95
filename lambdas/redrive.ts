import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { handle } from 'hono/aws-lambda';
import * as z from 'zod';
import { lambdaEventReplay } from '../lib/adapters/lambda-replay.ts';
import { SqsDeadLetterQueue, sqsQueueReplay } from '../lib/adapters/sqs-dead-letters.ts';
import { createOperationsApp, type OperationsDeps } from '../lib/api/operations.ts';
import { describeIssues } from '../lib/core/tools.ts';
import { type RedriveSource, redrive } from '../lib/service/redrive.ts';
import type { Env } from './base.ts';
import { InvalidConfigError } from './config.ts';
import { once } from './lazy.ts';
import { createTelemetry, type Telemetry } from './telemetry.ts';

/** `DEAD_LETTER_QUEUES`: each dead-letter queue, and where its messages go back to. */
export const DeadLetterQueuesSchema = z.array(
  z.object({
    name: z.string().min(1),
    url: z.string().min(1),
    replay: z.union([
      z.strictObject({ queueUrl: z.string().min(1) }),
      z.strictObject({ functionName: z.string().min(1) }),
    ]),
  }),
);

/** The redrive function's deps: its queues from the environment, and only the SQS and Lambda clients. */
export const depsFrom = (telemetry: Telemetry, env: Env = process.env): OperationsDeps => {
  const queues = once(() => {
    const parsed = z
      .string()
      .transform((text, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(DeadLetterQueuesSchema)
      .safeParse(env.DEAD_LETTER_QUEUES);
    if (!parsed.success) throw new InvalidConfigError(`DEAD_LETTER_QUEUES: ${describeIssues(parsed.error)}`);
    return parsed.data;
  });
  const sqs = once(() => new SQSClient({}));
  const lambda = once(() => new LambdaClient({}));
  const sources = (): Map<string, RedriveSource> =>
    new Map(
      queues().map(({ name, url, replay }) => [
        name,
        {
          queue: new SqsDeadLetterQueue(name, url, sqs()),
          replay:
            'queueUrl' in replay
              ? sqsQueueReplay(replay.queueUrl, sqs())
              : lambdaEventReplay(replay.functionName, lambda()),
        },
      ]),
    );
  return {
    auth: { kind: 'iam' },
    queues: () => queues().map((queue) => queue.name),
    redrive: async (options) => {
      const all = sources();
      const results = await redrive(
        options.queues.flatMap((name) => all.get(name) ?? []),
        { limit: options.limit },
      );
      telemetry.logger.info('redrive', { results });
      return results;
    },
    logger: telemetry.logger,
  };
};

export const handler = handle(createOperationsApp(depsFrom(createTelemetry())));
