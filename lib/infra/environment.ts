/**
 * The environment variables the stack sets on its functions: the contract with `lambdas/config.ts`.
 * docs/aws.md lists who reads which.
 */
export const ENV = {
  threadTable: 'THREAD_TABLE_NAME',
  payloadBucket: 'PAYLOAD_BUCKET_NAME',
  ingressQueue: 'INGRESS_QUEUE_URL',
  stateMachine: 'STATE_MACHINE_ARN',
  model: 'THREADLINE_MODEL',
  toolName: 'TOOL_NAME',
  approvalTimeout: 'APPROVAL_TIMEOUT_SECONDS',
  approvalBaseUrl: 'APPROVAL_BASE_URL',
  signingSecret: 'APPROVAL_SIGNING_SECRET_ARN',
  approverEmails: 'APPROVER_EMAILS',
  fallbackApproverEmails: 'FALLBACK_APPROVER_EMAILS',
  allowedSenders: 'ALLOWED_SENDERS',
  slackWebhookSecret: 'SLACK_WEBHOOK_SECRET_NAME',
  webhookUrl: 'WEBHOOK_URL',
  webhookSecret: 'WEBHOOK_SECRET_NAME',
  senderEmail: 'SENDER_EMAIL',
  inboundDomain: 'INBOUND_DOMAIN',
  inboundMailPrefix: 'INBOUND_MAIL_PREFIX',
  inboundAgents: 'INBOUND_AGENTS',
  deadLetterQueues: 'DEAD_LETTER_QUEUES',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  nodeOptions: 'NODE_OPTIONS',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** The keys under which raw inbound mail and offloaded event payloads are kept in the payload bucket. */
export const MAIL_PREFIX = 'mail/';
export const THREAD_PAYLOAD_PREFIX = 'threads/';
