import { ArnFormat, type Stack } from 'aws-cdk-lib';

/** How the functions name the agent loop without a reference to the state machine resource. */
export interface LoopReference {
  name: string;
  arn: string;
  /** Every execution of the loop: StopExecution and DescribeExecution act on executions. */
  executionsArn: string;
}

/**
 * The state machine invokes start-child, notify and on-failure, and they start executions of it:
 * with a Ref in both directions CloudFormation finds a cycle. A name fixed by the stack's name
 * gives an ARN the functions can hold before the state machine exists, and the stack name is
 * already unique per account and region.
 */
export const loopReference = (stack: Stack): LoopReference => {
  const name = `${stack.stackName}-agent-loop`;
  if (!/^[\w-]{1,80}$/.test(name)) throw new Error(`state machine name ${name} is not 1-80 of [A-Za-z0-9_-]`);
  const arnFor = (resource: string, resourceName: string): string =>
    stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return { name, arn: arnFor('stateMachine', name), executionsArn: arnFor('execution', `${name}:*`) };
};
