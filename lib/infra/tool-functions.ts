import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AgentTables, pascalCase } from './agent-tables.ts';
import { grantThreadPayloads, grantThreadTable } from './grants.ts';
import { HandlerFunction } from './handler-function.ts';
import type { ResourceSpec, ToolSpec } from './tool-manifest.ts';

export interface ToolFunctionsProps {
  tools: readonly ToolSpec[];
  /** The resources the agents declare: created here, each bound only to the tools that use it. */
  resources: readonly ResourceSpec[];
  threads: dynamodb.ITableV2;
  payloads: s3.IBucket;
  /** What every function of the stack is told: the table and the bucket. */
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
}

/**
 * One function per tool, all running `lambdas/tool.ts` with `TOOL_NAME` set, so each tool holds
 * only its own permissions: its thread, its payloads, and the resources it says it `uses`.
 */
export class ToolFunctions extends Construct {
  /** By tool name. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: ToolFunctionsProps) {
    super(scope, id);
    const tables = new AgentTables(scope, 'AgentTables', { resources: props.resources });
    const functions = new Map<string, NodejsFunction>();
    for (const tool of props.tools) {
      const gated = tool.needsApproval ? ' (runs only once approved)' : '';
      // Functions run outside a VPC, so they reach the internet already; the host is named here so
      // that an operator sees what a tool's function talks to (and what a VPC egress rule must allow).
      const served =
        tool.server === undefined
          ? ''
          : ` from MCP server ${tool.server.name}${tool.server.host ? ` at ${tool.server.host}` : ''}`;
      const fn = new HandlerFunction(this, pascalCase(tool.name), {
        name: `tool-${tool.name}`,
        entry: 'lambdas/tool.ts',
        tool: tool.name,
        description: `threadline tool ${tool.name}${served} of agent ${tool.agent}${gated}`,
        timeout: Duration.seconds(30),
        environment: props.environment,
        logRetention: props.logRetention,
        reachesToolServers: tool.server !== undefined,
      }).function;
      grantThreadTable(props.threads, fn, { write: true, listing: false });
      grantThreadPayloads(props.payloads, fn, 'readWrite');
      for (const [resource, access] of Object.entries(tool.uses ?? {})) {
        tables.bind(fn, tool.agent, resource, access);
      }
      functions.set(tool.name, fn);
    }
    this.functions = functions;
  }
}
