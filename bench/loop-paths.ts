import type { AslDefinition } from '../lib/infra/definition-from-template.ts';

export interface CheckedPath {
  path: string;
  /** States entered after the first: what Standard bills as transitions. */
  transitions: number;
  /** Entered Task states that invoke a Lambda function. */
  lambdaInvocations: number;
  /** Entered Task states that start a nested execution. */
  nestedExecutions: number;
}

const isLambdaTask = (resource: string | undefined): boolean =>
  resource !== undefined &&
  (resource.startsWith('arn:aws:lambda:') || resource.includes(':states:::lambda:'));

/** Follows a path through one synthesized definition, failing if any edge is not in it. */
export const checkPath = (definition: AslDefinition, path: readonly string[]): CheckedPath => {
  const { States: states } = definition;
  if (!states[path[0] ?? '']) throw new Error(`the definition has no state ${path[0]}`);
  for (let index = 0; index + 1 < path.length; index += 1) {
    const from = states[path[index] ?? ''];
    const to = path[index + 1] ?? '';
    const targets = [from?.Next, from?.Default, ...(from?.Choices ?? []).map((choice) => choice.Next)];
    if (!targets.includes(to)) throw new Error(`the definition has no edge ${path[index]} → ${to}`);
  }
  const entered = path.slice(1).map((name) => states[name]);
  return {
    path: path.join(' → '),
    transitions: entered.length,
    lambdaInvocations: entered.filter((state) => state?.Type === 'Task' && isLambdaTask(state.Resource))
      .length,
    nestedExecutions: entered.filter((state) => state?.Resource?.includes(':states:::states:startExecution'))
      .length,
  };
};

/** The one state whose name starts with `prefix`. */
export const stateNamed = (definition: AslDefinition, prefix: string): string => {
  const found = Object.keys(definition.States).filter((name) => name.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one state named ${prefix}…, found ${found.length}`);
  return found[0] as string;
};
