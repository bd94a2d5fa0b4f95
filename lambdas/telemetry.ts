import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

/**
 * Logging and metrics for one function. Tests pass a silent logger and no metrics. Traces come
 * from Lambda's active tracing (the function's segment, with its cold start): no tracing SDK is
 * bundled, which keeps about 100 KB (aws-xray-sdk-core and its context hooks) out of every bundle.
 */
export interface Telemetry {
  logger: Logger;
  metrics?: Metrics;
}

export const METRICS_NAMESPACE = 'threadline';

/** Made once per cold start; the service name comes from `POWERTOOLS_SERVICE_NAME`. */
export const createTelemetry = (): Telemetry => ({
  logger: new Logger(),
  metrics: new Metrics({ namespace: METRICS_NAMESPACE }),
});

/** A logger that writes nothing: for tests. */
export const silentTelemetry = (): Telemetry => ({ logger: new Logger({ logLevel: 'SILENT' }) });

/**
 * Runs one invocation's work with the thread id (and the Lambda context, when there is one) on
 * every log line, then publishes the metrics it added. The key is removed afterwards: a warm
 * function serves other threads next.
 */
export const inThread = async <T>(
  telemetry: Telemetry,
  invocation: { threadId: string; context?: Context | undefined },
  run: () => Promise<T>,
): Promise<T> => {
  if (invocation.context) telemetry.logger.addContext(invocation.context);
  telemetry.logger.appendKeys({ threadId: invocation.threadId });
  try {
    return await run();
  } catch (error) {
    telemetry.logger.error('invocation failed', { error });
    throw error;
  } finally {
    telemetry.logger.removeKeys(['threadId']);
    publishMetrics(telemetry);
  }
};

/** Publishes what this invocation measured; an invocation that measured nothing writes nothing. */
export const publishMetrics = (telemetry: Telemetry): void => {
  if (telemetry.metrics?.hasStoredMetrics()) telemetry.metrics.publishStoredMetrics();
};
