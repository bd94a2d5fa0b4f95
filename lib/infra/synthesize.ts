import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config.ts';
import { ThreadlineStack } from './threadline-stack.ts';
import type { AgentManifest } from './tool-manifest.ts';

export const STACK_NAME = 'Threadline';

export interface ThreadlineAppOptions {
  /** CDK context, as `-c key=value` would give it. */
  context?: Record<string, unknown>;
  /** Bundle the functions with esbuild; off for tests and the local stack, which run the sources. */
  bundle?: boolean;
  /** Where the cloud assembly goes; a temporary directory when unset. */
  outdir?: string;
  manifest?: AgentManifest;
}

/**
 * The app `bin/app.ts` deploys, built in-process: for tests and for the local stack, which runs
 * the synthesized template. cdk-nag checks it at synth; an unacknowledged finding fails synth.
 */
export const buildThreadlineApp = (
  options: ThreadlineAppOptions = {},
): { app: App; stack: ThreadlineStack } => {
  const context = {
    ...options.context,
    // No stack is bundled: NodejsFunction then stands a placeholder asset in for the bundle.
    ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
  };
  const app = new App({ context, ...(options.outdir === undefined ? {} : { outdir: options.outdir }) });
  const config = readConfig((key) => app.node.tryGetContext(key));
  const stack = new ThreadlineStack(app, STACK_NAME, {
    ...config,
    ...(options.manifest === undefined ? {} : { manifest: options.manifest }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};
