import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { invoke, invokeTool, type LoopFunctions, withRetries } from './loop-tasks.ts';
import type { ToolSpec } from './tool-manifest.ts';

/**
 * Tool iterations one Express execution runs before it hands back to the turn, which starts the
 * next one. Iterations take seconds (a model call and a tool call), so ten stay far inside
 * Express's five minutes; an execution that runs out of time anyway fails, and the turn starts
 * it again (every task is safe to repeat).
 */
export const ITERATIONS_PER_EXECUTION = 10;

export const ITERATION_STATE = {
  step: 'Step',
  route: 'Route',
  count: 'Count',
  more: 'More?',
  handBack: 'HandBack',
  tool: (name: string) => `Tool_${name}`,
} as const;

export interface IterationsDefinitionProps {
  functions: LoopFunctions;
  tools: readonly ToolSpec[];
}

/**
 * The iterations that need no person, as an Express workflow: `Step → Route → Tool_x → Count →
 * More? → Step`, input `{ threadId, iterations: 0 }`. `Route` knows only the tools that need no
 * approval; every other next step (an approval, a question, a child thread, done, anything it
 * does not know) ends the execution at `HandBack`, and so does the iteration bound. The output is
 * the state itself: `{ threadId, iterations, step: { next, seq } }`, plus `error` when a task
 * failed past its retries, which the turn records as its failure. No state here can run a gated
 * tool: their functions appear in the turn's definition only, behind `AwaitApproval`.
 */
export const buildIterationsDefinition = (
  scope: Construct,
  props: IterationsDefinitionProps,
): sfn.IChainable => {
  const { functions } = props;
  const handBack = new sfn.Succeed(scope, ITERATION_STATE.handBack, {
    comment: 'Back to the turn: the step needs a person, a child thread or an end, or the bound is reached.',
  });
  /** Retries, then hand back with `$.error` for the turn to record. */
  const guarded = <T extends sfn.TaskStateBase>(task: T): T => {
    withRetries(task).addCatch(handBack, { errors: ['States.ALL'], resultPath: '$.error' });
    return task;
  };
  const step = guarded(
    invoke(
      scope,
      ITERATION_STATE.step,
      functions.step,
      { threadId: sfn.JsonPath.stringAt('$.threadId') },
      { resultPath: '$.step' },
    ),
  );
  const count = new sfn.Pass(scope, ITERATION_STATE.count, {
    parameters: {
      threadId: sfn.JsonPath.stringAt('$.threadId'),
      iterations: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.iterations'), 1),
      step: sfn.JsonPath.objectAt('$.step'),
    },
  });
  count.next(
    new sfn.Choice(scope, ITERATION_STATE.more)
      .when(sfn.Condition.numberLessThan('$.iterations', ITERATIONS_PER_EXECUTION), step)
      .otherwise(handBack),
  );
  const ungated = props.tools.filter((spec) => !spec.needsApproval);
  if (ungated.length === 0) return step.next(handBack);
  const kind = (value: string): sfn.Condition => sfn.Condition.stringEquals('$.step.next.kind', value);
  const route = new sfn.Choice(scope, ITERATION_STATE.route);
  for (const tool of ungated) {
    const toolTask = guarded(
      invokeTool(scope, ITERATION_STATE.tool(tool.name), functions, tool.name, '$.step.next.callId'),
    );
    toolTask.next(count);
    route.when(
      sfn.Condition.and(
        kind('tool'),
        sfn.Condition.isPresent('$.step.next.tool'),
        sfn.Condition.stringEquals('$.step.next.tool', tool.name),
      ),
      toolTask,
    );
  }
  route.otherwise(handBack);
  return step.next(route);
};
