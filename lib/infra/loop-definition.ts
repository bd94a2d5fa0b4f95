import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { invoke, invokeTool, type LoopFunctions, withRetries } from './loop-tasks.ts';
import type { ToolSpec } from './tool-manifest.ts';

export { type LoopFunctions, RETRIED_ERRORS } from './loop-tasks.ts';

export interface LoopDefinitionProps {
  functions: LoopFunctions;
  tools: readonly ToolSpec[];
  /** The Express workflow that runs the iterations needing no person (iterations-definition.ts). */
  iterations: sfn.IStateMachine;
  /** How long an approval waits before `Expire` records it as expired. */
  approvalTimeout: Duration;
  /** How long a question, an escalation or a child thread may wait before the turn fails. */
  humanTimeout: Duration;
}

/**
 * What a child execution that died (ran out of its five minutes, or was stopped) fails the
 * `Iterate` task with, and the throttles of StartExecution: starting it again is safe.
 */
export const ITERATE_RETRIED_ERRORS = [
  'States.TaskFailed',
  'StepFunctions.ExecutionLimitExceeded',
  'StepFunctions.SdkClientException',
];

export const STATE = {
  iterate: 'Iterate',
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
  gatedTool: (name: string) => `GatedTool_${name}`,
} as const;

/**
 * The turn (docs/aws.md), a Standard workflow in JSONPath: `Iterate` runs the Express iterations
 * (Step, then the tools that need no person) and takes their output as its state; `Route` sends
 * what they handed back to a person, a child thread, the end, or back to `Iterate`. Its one
 * invariant: a gated tool's state is reachable only from `Approved?`, which only `AwaitApproval`
 * leads to; `Route` sends a gated tool name to `AwaitApproval`, and anything it does not know to
 * `Unroutable`. The state carries `{ threadId, iterations, step: { next, seq } }` plus the small
 * results of the last tasks. Returns the start state; every other state hangs off it.
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
  const guarded = <T extends sfn.TaskStateBase>(task: T): T => {
    withRetries(task).addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    return task;
  };

  // The child's output replaces the state: `$.Output` of the DescribeExecution answer.
  const iterate = new tasks.StepFunctionsStartExecution(scope, STATE.iterate, {
    stateMachine: props.iterations,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    input: sfn.TaskInput.fromObject({ threadId, iterations: 0 }),
    associateWithParent: true,
    outputPath: '$.Output',
  });
  iterate
    .addRetry({
      errors: ITERATE_RETRIED_ERRORS,
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    })
    .addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });

  const awaitHuman = guarded(
    waitForPerson(scope, STATE.awaitHuman, functions.awaitHuman, threadId, props.humanTimeout),
  ).next(iterate);

  const expire = guarded(
    invoke(
      scope,
      STATE.expire,
      functions.expire,
      { threadId, next: sfn.JsonPath.objectAt('$.step.next') },
      { resultPath: '$.expire' },
    ),
  );
  const approved = new sfn.Choice(scope, STATE.approved).otherwise(iterate);
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
      guarded(
        invokeTool(scope, STATE.gatedTool(tool.name), functions, tool.name, '$.human.next.callId'),
      ).next(iterate),
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
      .otherwise(iterate),
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
    // A task of the iterations failed past its retries: record it like any failure of the turn.
    .when(sfn.Condition.isPresent('$.error'), failed)
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
    // An ungated tool the iterations hand back has run already (they stopped at their bound
    // after it): the next iterations start with the step.
    route.when(isTool, tool.needsApproval ? awaitApproval : iterate);
  }
  route.otherwise(unroutable);
  return iterate.next(route);
};

/** A tool whose calls can wait for approval: always (`needsApproval`) or by the rule of two. */
export const mayAwaitApproval = (tool: ToolSpec): boolean => tool.needsApproval || tool.readOnly !== true;

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
