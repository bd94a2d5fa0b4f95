import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { buildLoopDefinition, type LoopFunctions } from './loop-definition.ts';
import type { LoopReference } from './loop-reference.ts';
import { acknowledgeServiceWideActions, acknowledgeWildcardResource } from './nag.ts';
import type { ToolSpec } from './tool-manifest.ts';

export interface AgentLoopProps {
  functions: LoopFunctions;
  tools: readonly ToolSpec[];
  loop: LoopReference;
  approvalTimeoutSeconds: number;
  logRetention: logs.RetentionDays;
}

/** A question, an escalation or a child thread may wait a week; then the turn fails and says so. */
export const HUMAN_TIMEOUT = Duration.days(7);

/**
 * The agent loop as a Standard state machine: one execution per turn, input `{ threadId, seq }`.
 * Logs every state transition without execution data, so task tokens and thread text stay out
 * of CloudWatch.
 */
export class AgentLoop extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: AgentLoopProps) {
    super(scope, id);
    const definition = buildLoopDefinition(this, {
      functions: props.functions,
      tools: props.tools,
      approvalTimeout: Duration.seconds(props.approvalTimeoutSeconds),
      humanTimeout: HUMAN_TIMEOUT,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.loop.name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: 'threadline agent loop: Step, Route, run a tool or wait for a person, Step again',
    });
    const role = this.stateMachine.role;
    acknowledgeServiceWideActions(
      role,
      'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray',
    );
    const { step, awaitHuman, expire, startChild, notify, onFailure, tools } = props.functions;
    for (const fn of [step, awaitHuman, expire, startChild, notify, onFailure, ...tools.values()]) {
      acknowledgeWildcardResource(
        role,
        `${fn.functionArn}:*`,
        'LambdaInvoke grants lambda:InvokeFunction on the function and its versions and aliases (<arn>:*); each is one of the loop’s own functions.',
      );
    }
  }
}
