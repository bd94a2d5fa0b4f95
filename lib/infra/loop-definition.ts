import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { ToolSpec } from './tool-manifest.ts';

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

export interface LoopDefinitionProps {
  functions: LoopFunctions;
  tools: readonly ToolSpec[];
  /** How long an approval waits before `Expire` records it as expired. */
  approvalTimeout: Duration;
  /** How long a question, an escalation or a child thread may wait before the turn fails. */
  humanTimeout: Duration;
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
];

export const STATE = {
  step: 'Step',
  route: 'Route',
  awaitApproval: 'AwaitApproval',
  approved: 'Approved?',
  expire: 'Expire',
  extended: 'Extended?',
  awaitHuman: 'AwaitHuman',
  startChild: 'StartChild',
  notifyDone: 'NotifyDone',
  notifyEscalation: 'NotifyEscalation',
  unroutable: 'Unroutable',
  failed: 'Failed',
  fail: 'Fail',
  succeed: 'Succeed',
  tool: (name: string) => `Tool_${name}`,
  gatedTool: (name: string) => `GatedTool_${name}`,
} as const;

/**
 * The agent loop (docs/aws.md), in JSONPath. Its one invariant: a gated tool's state is reachable
 * only from `Approved?`, which only `AwaitApproval` leads to; `Route` sends a gated tool name to
 * `AwaitApproval`, and anything it does not know to `Unroutable`. The state carries `{ threadId, seq }` plus the small results of the last tasks.
 * Returns the start state; every other state hangs off it.
 */
export const buildLoopDefinition = (scope: Construct, props: LoopDefinitionProps): sfn.IChainable => {
  const { functions } = props;
  const threadId = sfn.JsonPath.stringAt('$.threadId');
  const fail = new sfn.Fail(scope, STATE.fail, {
    error: 'ThreadFailed',
    cause: 'The turn failed; the thread holds a failure event.',
  });
  const failed = invoke(scope, STATE.failed, functions.onFailure, {
    threadId,
    error: sfn.JsonPath.objectAt('$.error'),
  });
  withRetries(failed)
    .addCatch(fail, { errors: ['States.ALL'], resultPath: '$.error' })
    .next(fail);
  /** Retries, then the catch-all: a failure event, a notification, and Fail. */
  const guarded = <T extends tasks.LambdaInvoke>(task: T): T => {
    withRetries(task).addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    return task;
  };

  const step = guarded(invoke(scope, STATE.step, functions.step, { threadId }, { resultPath: '$.step' }));

  const toolTask = (stateName: string, tool: string, callIdPath: string): tasks.LambdaInvoke => {
    const fn = functions.tools.get(tool);
    if (!fn) throw new Error(`no function for tool ${tool}`);
    const task = guarded(
      invoke(
        scope,
        stateName,
        fn,
        { threadId, callId: sfn.JsonPath.stringAt(callIdPath) },
        { resultPath: '$.tool' },
      ),
    );
    task.next(step);
    return task;
  };

  const awaitHuman = guarded(
    waitForPerson(scope, STATE.awaitHuman, functions.awaitHuman, threadId, props.humanTimeout),
  ).next(step);

  const expire = guarded(
    invoke(
      scope,
      STATE.expire,
      functions.expire,
      { threadId, next: sfn.JsonPath.objectAt('$.step.next') },
      { resultPath: '$.expire' },
    ),
  );
  const approved = new sfn.Choice(scope, STATE.approved).otherwise(step);
  // Every tool a person may be asked about: the gated ones, and those the rule of two gates once a
  // thread read outside content (any tool that is not read-only). The step decides, from the
  // thread, whether a call goes to AwaitApproval; the tool function checks it again.
  for (const tool of props.tools.filter(mayAwaitApproval)) {
    approved.when(
      sfn.Condition.and(
        sfn.Condition.isPresent('$.human.approved'),
        sfn.Condition.booleanEquals('$.human.approved', true),
        sfn.Condition.isPresent('$.human.next.tool'),
        sfn.Condition.stringEquals('$.human.next.kind', 'tool'),
        sfn.Condition.stringEquals('$.human.next.tool', tool.name),
      ),
      toolTask(STATE.gatedTool(tool.name), tool.name, '$.human.next.callId'),
    );
  }
  const awaitApproval = waitForPerson(
    scope,
    STATE.awaitApproval,
    functions.awaitHuman,
    threadId,
    props.approvalTimeout,
  );
  // A timed-out approval goes to Expire: it may ask the fallback approvers and wait another round
  // (back to AwaitApproval, the same wait and approval id), or record it as expired, a decision
  // like any other, and the model takes the next step. Approved? stays reachable only from here.
  withRetries(awaitApproval)
    .addCatch(expire, { errors: ['States.Timeout'], resultPath: '$.error' })
    .addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' })
    .next(approved);
  expire.next(
    new sfn.Choice(scope, STATE.extended)
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.expire.extended'),
          sfn.Condition.booleanEquals('$.expire.extended', true),
        ),
        awaitApproval,
      )
      .otherwise(step),
  );

  const startChild = guarded(
    invoke(scope, STATE.startChild, functions.startChild, {
      threadId,
      next: sfn.JsonPath.objectAt('$.step.next'),
    }),
  ).next(awaitHuman);
  const notifyDone = guarded(
    invoke(scope, STATE.notifyDone, functions.notify, { threadId, kind: 'done' }),
  ).next(new sfn.Succeed(scope, STATE.succeed));
  const notifyEscalation = guarded(
    invoke(scope, STATE.notifyEscalation, functions.notify, {
      threadId,
      kind: 'escalation',
      next: sfn.JsonPath.objectAt('$.step.next'),
    }),
  ).next(awaitHuman);
  const unroutable = new sfn.Pass(scope, STATE.unroutable, {
    result: sfn.Result.fromObject({
      Error: 'Unroutable',
      Cause: 'the step returned a next step no state runs',
    }),
    resultPath: '$.error',
  }).next(failed);

  const kind = (value: string): sfn.Condition => sfn.Condition.stringEquals('$.step.next.kind', value);
  const route = new sfn.Choice(scope, STATE.route)
    .when(kind('approval'), awaitApproval)
    .when(kind('human'), awaitHuman)
    .when(kind('escalate'), notifyEscalation)
    .when(kind('child'), startChild)
    .when(kind('done'), notifyDone);
  for (const tool of props.tools) {
    const isTool = sfn.Condition.and(
      kind('tool'),
      sfn.Condition.isPresent('$.step.next.tool'),
      sfn.Condition.stringEquals('$.step.next.tool', tool.name),
    );
    // A gated call reaches its tool only through AwaitApproval: one approved while its wait
    // timed out goes back there, and the wait, finding it decided, resumes into Approved?.
    route.when(
      isTool,
      tool.needsApproval ? awaitApproval : toolTask(STATE.tool(tool.name), tool.name, '$.step.next.callId'),
    );
  }
  route.otherwise(unroutable);
  return step.next(route);
};

/** A tool whose calls can wait for approval: always (`needsApproval`) or by the rule of two. */
export const mayAwaitApproval = (tool: ToolSpec): boolean => tool.needsApproval || tool.readOnly !== true;

/** A Lambda task whose result is the function's own return value (no invoke envelope). */
const invoke = (
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

/**
 * A task that hands a person (or a child thread) a task token through `await-human` and waits for
 * SendTaskSuccess. Nothing sends heartbeats: ASL wants HeartbeatSeconds below TimeoutSeconds, so
 * it is set one second under, and either way the wait ends as `States.Timeout` (which also
 * matches `States.HeartbeatTimeout`) after the configured time.
 */
const waitForPerson = (
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  threadId: string,
  timeout: Duration,
): tasks.LambdaInvoke =>
  new tasks.LambdaInvoke(scope, stateName, {
    lambdaFunction: fn,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      threadId,
      next: sfn.JsonPath.objectAt('$.step.next'),
      taskToken: sfn.JsonPath.taskToken,
    }),
    retryOnServiceExceptions: false,
    resultPath: '$.human',
    taskTimeout: sfn.Timeout.duration(timeout),
    heartbeatTimeout: sfn.Timeout.duration(Duration.seconds(timeout.toSeconds() - 1)),
  });

/** Transient errors: up to six retries 2 s, 4 s, 8 s … apart, with full jitter so they spread out. */
const withRetries = <T extends sfn.TaskStateBase>(task: T): T => {
  task.addRetry({
    errors: RETRIED_ERRORS,
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 6,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
};
