import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** The functions the loop invokes. */
export interface LoopFunctions {
  step: lambda.IFunction;
  awaitHuman: lambda.IFunction;
  expire: lambda.IFunction;
  startChild: lambda.IFunction;
  notify: lambda.IFunction;
  onFailure: lambda.IFunction;
  /** By tool name: one function per tool. */
  tools: ReadonlyMap<string, lambda.IFunction>;
}

/** Errors worth another attempt: Lambda's transient ones and the two ours throw for contention. */
export const RETRIED_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  // A function that died (out of memory) or timed out: every task is safe to run again, since
  // steps, tool results and decisions are appended under idempotency keys.
  'Lambda.Unknown',
  'Sandbox.Timedout',
  // DynamoDB throttling that outlasted the SDK's own retries: the state machine backs off longer.
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ModelThrottled',
  'ThreadConflictError',
  // An MCP server that could not be reached: steps and tool calls are keyed, so trying again is safe.
  'ToolServerError',
];

/** A Lambda task whose result is the function's own return value (no invoke envelope). */
export const invoke = (
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
  options: { resultPath?: string } = {},
): tasks.LambdaInvoke =>
  new tasks.LambdaInvoke(scope, stateName, {
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject(payload),
    payloadResponseOnly: true,
    // Ours below, with jitter and the throttling and contention errors too.
    retryOnServiceExceptions: false,
    resultPath: options.resultPath ?? sfn.JsonPath.DISCARD,
  });

/** A tool's task: `{ threadId, callId }` to the tool's own function, its result under `$.tool`. */
export const invokeTool = (
  scope: Construct,
  stateName: string,
  functions: LoopFunctions,
  tool: string,
  callIdPath: string,
): tasks.LambdaInvoke => {
  const fn = functions.tools.get(tool);
  if (!fn) throw new Error(`no function for tool ${tool}`);
  return invoke(
    scope,
    stateName,
    fn,
    { threadId: sfn.JsonPath.stringAt('$.threadId'), callId: sfn.JsonPath.stringAt(callIdPath) },
    { resultPath: '$.tool' },
  );
};

/** Transient errors: up to six retries 2 s, 4 s, 8 s … apart, with full jitter so they spread out. */
export const withRetries = <T extends sfn.TaskStateBase>(task: T): T => {
  task.addRetry({
    errors: RETRIED_ERRORS,
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 6,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
};
