import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { TemplateLoop } from '../infra/definition-from-template.ts';
import { type LocalFunction, LocalStepFunctions } from './local-step-functions.ts';

export interface LocalLoopMachines {
  /** The turn (Standard): the machine the functions start executions of. */
  turn: LocalStepFunctions;
  /** The iterations (Express) the turn's `Iterate` task starts. */
  iterations: LocalStepFunctions;
  /** Both, by state machine ARN: what the Step Functions endpoint serves. */
  byArn: Map<string, LocalStepFunctions>;
}

/**
 * The agent loop's two state machines, each running its definition from the template unchanged,
 * the turn's `startExecution.sync:2` task starting executions of the iterations' machine.
 */
export const createLocalLoopMachines = (
  loop: TemplateLoop,
  functions: ReadonlyMap<string, LocalFunction>,
  options: { retryIntervalMs?: number } = {},
): LocalLoopMachines => {
  const retries = options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs };
  // Checked by AslDefinitionSchema when read from the template; the library's type is only
  // stricter in shape (literal state types), so the definitions are handed over as they are.
  const iterations = new LocalStepFunctions({
    definition: loop.iterations.definition as StateMachineDefinition,
    stateMachineArn: loop.iterations.arn,
    functions,
    ...retries,
  });
  const turn = new LocalStepFunctions({
    definition: loop.definition as StateMachineDefinition,
    stateMachineArn: loop.stateMachine.arn,
    functions,
    nested: new Map([[loop.iterations.arn, iterations]]),
    ...retries,
  });
  return {
    turn,
    iterations,
    byArn: new Map([
      [loop.stateMachine.arn, turn],
      [loop.iterations.arn, iterations],
    ]),
  };
};
