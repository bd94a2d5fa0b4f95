import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnResource, type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  BUNDLE_AWS_SDK,
  BUNDLING,
  bundleDefines,
  LAZY_PIECES,
  lazyPieceCommands,
} from './bundling-options.ts';
import { ENV } from './environment.ts';
import { acknowledgeServiceWideActions } from './nag.ts';

/** The repository root: entries, the lockfile and tsconfig.json are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Template metadata that lets the local stack run each function's code in-process. */
export const METADATA = {
  entry: 'threadline:entry',
  name: 'threadline:function',
  tool: 'threadline:tool',
  /** Set when the function's bundle carries the MCP client: it reaches a server agents name. */
  toolServers: 'threadline:tool-servers',
} as const;

export const SERVICE_NAME = 'threadline';

export interface HandlerFunctionProps {
  /** A short stable name (`step`, `tool-lookup_customer`), also written to the template metadata. */
  name: string;
  /** The handler file, relative to the repository root: `lambdas/step.ts`. */
  entry: string;
  description: string;
  timeout: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  logRetention: logs.RetentionDays;
  /** For tool functions: the one tool this function runs. */
  tool?: string;
  /** It lists or calls the tools of MCP servers, so its bundle carries the MCP client. */
  reachesToolServers?: boolean;
}

/**
 * One Lambda handler as every function of the stack is built: ESM bundled locally by esbuild (no
 * Docker, the settings in bundling-options.ts), arm64 on the newest Node runtime, active tracing, and its own role and log group, so
 * the role holds exactly its grants (no AWSLambdaBasicExecutionRole with `logs:*` on every group).
 */
export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `threadline ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 512,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        [ENV.nodeOptions]: '--enable-source-maps',
        [ENV.serviceName]: SERVICE_NAME,
        ...(props.tool === undefined ? {} : { [ENV.toolName]: props.tool }),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourcemap,
        mainFields: [...BUNDLING.mainFields],
        charset: Charset.UTF8,
        esbuildArgs: { '--alias': Object.entries(BUNDLING.alias).map(([from, to]) => `${from}=${to}`) },
        bundleAwsSDK: BUNDLE_AWS_SDK,
        banner: BUNDLING.banner,
        define: bundleDefines(props.reachesToolServers === true),
        externalModules: Object.keys(LAZY_PIECES),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: lazyPieceCommands,
        },
      },
    });
    const resource = this.function.node.defaultChild;
    if (!CfnResource.isCfnResource(resource))
      throw new Error(`${id}: the function has no CloudFormation resource`);
    resource.addMetadata(METADATA.entry, props.entry);
    resource.addMetadata(METADATA.name, props.name);
    if (props.tool !== undefined) resource.addMetadata(METADATA.tool, props.tool);
    if (props.reachesToolServers === true) resource.addMetadata(METADATA.toolServers, true);
    acknowledgeServiceWideActions(
      this.role,
      'Active tracing’s xray:PutTraceSegments and xray:PutTelemetryRecords',
    );
  }
}
