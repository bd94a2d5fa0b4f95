import * as redrive from '../../lambdas/redrive.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import type { ApiAuth } from '../api/deps.ts';
import type { OperationsDeps } from '../api/operations.ts';
import { DEFAULT_REDRIVE_LIMIT, describeRedrive } from '../service/redrive.ts';
import type { UiDeadLetters } from '../ui/deps.ts';
import type { LocalSqs } from './local-sqs.ts';

/**
 * The local stack's dead letters: the operators' routes as the redrive function serves them on
 * AWS (built from its template environment, with the local auth), and the UI page's view of the
 * same queues, read without receiving them.
 */
export const localDeadLetters = (
  env: Readonly<Record<string, string>>,
  options: { auth: ApiAuth; sqs: LocalSqs },
): { operations: OperationsDeps; ui: UiDeadLetters } => {
  const operations = { ...redrive.depsFrom(silentTelemetry(), env), auth: options.auth };
  const queues = redrive.DeadLetterQueuesSchema.parse(JSON.parse(env.DEAD_LETTER_QUEUES ?? '[]')).map(
    ({ name, url }) => ({ name, queue: url.split('/').at(-1) ?? url }),
  );
  const ui: UiDeadLetters = {
    list: async () =>
      queues.map(({ name, queue }) => ({
        name,
        messages: options.sqs.peek(queue).map((message) => ({ id: message.messageId, body: message.body })),
      })),
    redrive: async () => {
      const results = await operations.redrive({ queues: operations.queues(), limit: DEFAULT_REDRIVE_LIMIT });
      return results
        .map((result) => {
          const errors = result.failed.map((failure) => failure.error).join('; ');
          return `${describeRedrive(result)}${errors === '' ? '' : ` (${errors})`}`;
        })
        .join('. ');
    },
  };
  return { operations, ui };
};
