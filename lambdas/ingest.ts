import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ServiceDeps } from '../lib/service/deps.ts';
import { ingestMessage } from '../lib/service/ingest.ts';
import { parseIngressBody } from '../lib/service/ingress-body.ts';
import { createBase, type Env } from './base.ts';
import { lazyFields } from './lazy.ts';
import { loopPieces } from './loop-pieces.ts';
import { createTelemetry, publishMetrics, type Telemetry } from './telemetry.ts';

export interface IngestHandlerDeps {
  service: ServiceDeps;
  telemetry: Telemetry;
}

/**
 * The ingress queue's consumer: each message is appended to its thread, then starts a turn, answers
 * a wait, or waits for the running turn to read it. Failures are reported per message
 * (`batchItemFailures`); a failed message holds back the later ones of its thread only. A message
 * that is not an ingress message fails too: it is logged, and after `maxReceiveCount` receives the
 * queue moves it to the dead-letter queue, where the alarm fires.
 */
export const createHandler = (deps: IngestHandlerDeps) => {
  const { logger, metrics } = deps.telemetry;
  const processor = new SqsFifoPartialProcessorAsync();
  const processRecord = async (record: SQSRecord): Promise<void> => {
    const parsed = parseIngressBody(record.body);
    if (!parsed.ok) {
      logger.error('not an ingress message', { messageId: record.messageId, problem: parsed.problem });
      metrics?.addMetric('ingress_invalid', 'Count', 1);
      throw new Error(`message ${record.messageId}: ${parsed.problem}`);
    }
    const message = parsed.message;
    logger.appendKeys({ threadId: message.threadId });
    try {
      const outcome = await ingestMessage(message, deps.service);
      const fields = { messageId: record.messageId, key: message.key, ...outcome };
      if (outcome.action === 'refused') logger.warn('start refused', fields);
      else logger.info('message ingested', fields);
      metrics?.addMetric(`ingress_${outcome.action}`, 'Count', 1);
    } finally {
      logger.removeKeys(['threadId']);
    }
  };
  return async (event: SQSEvent, context?: Context) => {
    try {
      return await processPartialResponse(event, processRecord, processor, {
        ...(context === undefined ? {} : { context }),
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      });
    } finally {
      publishMetrics(deps.telemetry);
    }
  };
};

export const depsFrom = (telemetry: Telemetry, env?: Env): IngestHandlerDeps => ({
  service: lazyFields(loopPieces(createBase(telemetry, env))),
  telemetry,
});

export const handler = createHandler(depsFrom(createTelemetry()));
