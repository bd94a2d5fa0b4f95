import type { AslDefinition, AslState } from '../../lib/infra/definition-from-template.ts';

/** Every state a state can go to next: Next, Default, each Choice and each Catch. */
export const edgesOf = (state: AslState): string[] => [
  ...(state.Next === undefined ? [] : [state.Next]),
  ...(state.Default === undefined ? [] : [state.Default]),
  ...(state.Choices ?? []).flatMap((choice) => (choice.Next === undefined ? [] : [choice.Next])),
  ...(state.Catch ?? []).map((catcher) => catcher.Next),
];

/** The states reachable from StartAt, never passing through the states in `without`. */
export const reachable = (asl: AslDefinition, without: ReadonlySet<string> = new Set()): Set<string> => {
  const seen = new Set<string>();
  const queue = [asl.StartAt];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name) || without.has(name)) continue;
    seen.add(name);
    const state = asl.States[name];
    if (state) queue.push(...edgesOf(state));
  }
  return seen;
};

export const predecessorsOf = (asl: AslDefinition, target: string): string[] =>
  Object.entries(asl.States)
    .filter(([, state]) => edgesOf(state).includes(target))
    .map(([name]) => name);

/** The function a Task state invokes (a Lambda ARN resource, or LambdaInvoke's FunctionName). */
export const functionInvokedBy = (state: AslState): string | undefined => {
  if (state.Type !== 'Task') return undefined;
  if (state.Resource?.startsWith('arn:aws:lambda:')) return state.Resource;
  const parameters = state.Parameters as { FunctionName?: unknown } | undefined;
  return typeof parameters?.FunctionName === 'string' ? parameters.FunctionName : undefined;
};

/** The states, by name, of a definition that invoke the function `arn`. */
export const statesInvoking = (asl: AslDefinition, arn: string): string[] =>
  Object.entries(asl.States)
    .filter(([, state]) => functionInvokedBy(state) === arn)
    .map(([name]) => name);
