import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AgentIterations } from './agent-iterations.ts';
import { buildLoopDefinition, type LoopFunctions, mayAwaitApproval } from './loop-definition.ts';
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
 * The agent loop: a Standard state machine, one execution per turn, input `{ threadId, seq }`,
 * holding what must be durable (the waits for people, the turn's record), and the Express
 * iterations it starts for the steps that need no person. Logs every state transition of the
 * turn without execution data, so task tokens and thread text stay out of CloudWatch.
 */
export class AgentLoop extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly iterations: AgentIterations;

  constructor(scope: Construct, id: string, props: AgentLoopProps) {
    super(scope, id);
    this.iterations = new AgentIterations(this, 'Iterations', {
      functions: props.functions,
      tools: props.tools,
      logRetention: props.logRetention,
    });
    const definition = buildLoopDefinition(this, {
      functions: props.functions,
      tools: props.tools,
      iterations: this.iterations.stateMachine,
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
      comment: 'threadline agent loop: run the iterations, then wait for a person, a child thread or the end',
    });
    const role = this.stateMachine.role;
    acknowledgeServiceWideActions(
      role,
      'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray',
    );
    // Iterate's .sync integration: DescribeExecution and StopExecution on the child's executions.
    const stack = Stack.of(this);
    const iterationsName = stack.splitArn(
      this.iterations.stateMachine.stateMachineArn,
      ArnFormat.COLON_RESOURCE_NAME,
    ).resourceName;
    acknowledgeWildcardResource(
      role,
      stack.formatArn({
        service: 'states',
        resource: 'execution',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: `${iterationsName}*`,
      }),
      'StartExecution.sync polls and stops the executions it starts: DescribeExecution and StopExecution on the executions of the iterations state machine only, whose names are not known in advance.',
    );
    const { awaitHuman, expire, startChild, notify, onFailure, tools } = props.functions;
    const gated = props.tools.filter(mayAwaitApproval).map((tool) => tools.get(tool.name));
    for (const fn of [awaitHuman, expire, startChild, notify, onFailure, ...gated]) {
      if (!fn) continue;
      acknowledgeWildcardResource(
        role,
        `${fn.functionArn}:*`,
        'LambdaInvoke grants lambda:InvokeFunction on the function and its versions and aliases (<arn>:*); each is one of the loop’s own functions.',
      );
    }
  }
}
