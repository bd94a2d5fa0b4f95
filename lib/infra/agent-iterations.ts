import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildIterationsDefinition } from './iterations-definition.ts';
import type { LoopFunctions } from './loop-tasks.ts';
import { acknowledgeServiceWideActions, acknowledgeWildcardResource } from './nag.ts';
import type { ToolSpec } from './tool-manifest.ts';

export interface AgentIterationsProps {
  functions: LoopFunctions;
  tools: readonly ToolSpec[];
  logRetention: logs.RetentionDays;
}

/** Express's own limit on one execution; set explicitly so the local stack enforces it too. */
export const ITERATIONS_TIMEOUT = Duration.minutes(5);

/**
 * The iterations that need no person (iterations-definition.ts) as an Express state machine,
 * started by the turn's `Iterate` task. Express bills per execution and its duration, not per
 * state, which is why the per-step states live here. It logs errors only, without execution data:
 * each iteration's record is the thread's events, and the turn's own history (Standard) records
 * every hand-back.
 */
export class AgentIterations extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: AgentIterationsProps) {
    super(scope, id);
    const definition = buildIterationsDefinition(this, { functions: props.functions, tools: props.tools });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: ITERATIONS_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      comment:
        'threadline agent iterations: Step, then a tool that needs no person, until a person is needed',
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Express logs are billed per GB: this machine logs errors only. Each iteration is recorded as thread events in DynamoDB, and the Standard turn logs ALL events, every hand-back included.',
    });
    const role = this.stateMachine.role;
    acknowledgeServiceWideActions(
      role,
      'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray',
    );
    const ungated = props.tools.filter((tool) => !tool.needsApproval).map((tool) => tool.name);
    const invoked = [props.functions.step, ...ungated.map((name) => props.functions.tools.get(name))];
    for (const fn of invoked) {
      if (!fn) continue;
      acknowledgeWildcardResource(
        role,
        `${fn.functionArn}:*`,
        'LambdaInvoke grants lambda:InvokeFunction on the function and its versions and aliases (<arn>:*); each is one the iterations run.',
      );
    }
  }
}
