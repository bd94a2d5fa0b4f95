/**
 * Public list prices, us-east-1 (checked 2024-12; AWS may have changed them since). Each is one
 * input of section 5, and each gets its own line in the summary.
 */
export const PRICES = {
  date: '2024-12, us-east-1 list prices',
  stepFunctionsStandardPerTransition: 0.025 / 1_000,
  /** Express: $1.00 per million executions started. */
  stepFunctionsExpressPerRequest: 1 / 1_000_000,
  /** Express duration, first 1,000 GB-hours a month, billed per 100 ms in 64 MB steps. */
  stepFunctionsExpressPerGbSecond: 0.00001667,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  dynamoPerWriteUnit: 0.625 / 1_000_000,
  dynamoPerReadUnit: 0.125 / 1_000_000,
  sqsFifoPerRequest: 0.5 / 1_000_000,
  haikuInputPerToken: 0.8 / 1_000_000,
  haikuOutputPerToken: 4 / 1_000_000,
};

/** What each price is, as the summary lists it. */
export const PRICE_LINES: [keyof typeof PRICES, string][] = [
  ['stepFunctionsStandardPerTransition', 'Step Functions Standard: $0.025 / 1,000 state transitions'],
  ['stepFunctionsExpressPerRequest', 'Step Functions Express: $1.00 / 1M executions'],
  [
    'stepFunctionsExpressPerGbSecond',
    'Step Functions Express duration: $0.00001667 / GB-s (64 MB, 100 ms steps)',
  ],
  ['lambdaArmPerGbSecond', 'Lambda arm64 duration: $0.0000133334 / GB-s'],
  ['lambdaPerRequest', 'Lambda requests: $0.20 / 1M'],
  ['dynamoPerWriteUnit', 'DynamoDB on-demand writes: $0.625 / 1M WRU'],
  ['dynamoPerReadUnit', 'DynamoDB on-demand reads: $0.125 / 1M RRU'],
  ['sqsFifoPerRequest', 'SQS FIFO: $0.50 / 1M requests'],
  ['haikuInputPerToken', 'Claude Haiku-class input: $0.80 / 1M tokens'],
  ['haikuOutputPerToken', 'Claude Haiku-class output: $4 / 1M tokens'],
];

/** Express bills memory in 64 MB steps; a definition this size with `{ threadId, step }` state uses the first. */
export const EXPRESS_MEMORY_GB = 64 / 1024;

/** Express duration is billed in 100 ms steps, per execution. */
export const expressBilledSeconds = (seconds: number): number => Math.ceil(seconds * 10 - 1e-9) / 10;
