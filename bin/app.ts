import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../lib/infra/config.ts';
import { STACK_NAME } from '../lib/infra/synthesize.ts';
import { ThreadlineStack } from '../lib/infra/threadline-stack.ts';

const app = new App();
new ThreadlineStack(
  app,
  STACK_NAME,
  readConfig((key) => app.node.tryGetContext(key)),
);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
