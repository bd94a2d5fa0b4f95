import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV } from './environment.ts';
import { grantThreadPayloads, grantThreadTable } from './grants.ts';
import { HandlerFunction } from './handler-function.ts';
import type { ToolSpec } from './tool-manifest.ts';

/** The resources a tool may be given beyond its thread. */
export interface ToolResources {
  paymentLinks: dynamodb.ITable;
}

type ToolPermission = (fn: NodejsFunction, resources: ToolResources) => void;

/**
 * What each tool touches besides its thread, by tool name: the one place a tool is given more. A
 * tool not named here gets nothing extra. Reading back the link a retried call already created
 * is how `create_payment_link` stays idempotent, so it reads as well as writes its ledger.
 */
export const TOOL_PERMISSIONS: Readonly<Record<string, ToolPermission>> = {
  create_payment_link: (fn, { paymentLinks }) => {
    paymentLinks.grantReadWriteData(fn);
    fn.addEnvironment(ENV.paymentLinksTable, paymentLinks.tableName);
  },
};

/** Fails synth when a permission names a tool no agent has: a renamed tool would silently lose it. */
export const checkToolPermissions = (tools: readonly ToolSpec[]): void => {
  const names = new Set(tools.map((tool) => tool.name));
  for (const name of Object.keys(TOOL_PERMISSIONS)) {
    if (!names.has(name)) {
      throw new Error(`lib/infra/tool-functions.ts grants to tool ${name}, which no agent declares`);
    }
  }
};

export interface ToolFunctionsProps {
  tools: readonly ToolSpec[];
  threads: dynamodb.ITable;
  payloads: s3.IBucket;
  resources: ToolResources;
  /** What every function of the stack is told: the table and the bucket. */
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
}

/**
 * One function per tool, all running `lambdas/tool.ts` with `TOOL_NAME` set, so each tool holds
 * only its own permissions: its thread, its payloads, and what `TOOL_PERMISSIONS` adds.
 */
export class ToolFunctions extends Construct {
  /** By tool name. */
  readonly functions: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: ToolFunctionsProps) {
    super(scope, id);
    checkToolPermissions(props.tools);
    const functions = new Map<string, NodejsFunction>();
    for (const tool of props.tools) {
      const gated = tool.needsApproval ? ' (runs only once approved)' : '';
      const fn = new HandlerFunction(this, pascalCase(tool.name), {
        name: `tool-${tool.name}`,
        entry: 'lambdas/tool.ts',
        tool: tool.name,
        description: `threadline tool ${tool.name} of agent ${tool.agent}${gated}`,
        timeout: Duration.seconds(30),
        environment: props.environment,
        logRetention: props.logRetention,
      }).function;
      grantThreadTable(props.threads, fn, { write: true, listing: false });
      grantThreadPayloads(props.payloads, fn, 'readWrite');
      TOOL_PERMISSIONS[tool.name]?.(fn, props.resources);
      functions.set(tool.name, fn);
    }
    this.functions = functions;
  }
}

const pascalCase = (name: string): string =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
