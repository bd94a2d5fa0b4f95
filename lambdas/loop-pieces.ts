import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoWaitStore } from '../lib/adapters/dynamo-wait-store.ts';
import { StepFunctionsOrchestrator } from '../lib/adapters/sfn-orchestrator.ts';
import type { ServiceDeps } from '../lib/service/deps.ts';
import { type Base, threadPieces } from './base.ts';
import type { Makers } from './lazy.ts';

/** The agent loop as the functions that start, resume and stop turns see it: wait records and Step Functions. */
export const loopPieces = (base: Base): Makers<ServiceDeps> => ({
  ...threadPieces(base),
  waits: () => new DynamoWaitStore({ tableName: base.config().THREAD_TABLE_NAME, client: base.dynamo() }),
  orchestrator: () => {
    const arn = base.config().STATE_MACHINE_ARN;
    return new StepFunctionsOrchestrator({
      client: new SFNClient({}),
      ...(arn ? { stateMachineArn: arn } : {}),
    });
  },
});
