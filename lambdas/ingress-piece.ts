import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsIngressQueue } from '../lib/adapters/sqs-ingress-queue.ts';
import type { Base } from './base.ts';
import { required } from './config.ts';

/** The ingress queue, for the functions that enqueue: the API and inbound mail. */
export const ingressQueueOf = (base: Base): SqsIngressQueue =>
  new SqsIngressQueue({
    queueUrl: required(base.config(), 'INGRESS_QUEUE_URL'),
    client: new SQSClient({}),
  });
