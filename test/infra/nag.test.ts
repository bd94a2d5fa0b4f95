import type { App } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildThreadlineApp } from '../../lib/infra/synthesize.ts';
import { FULL_CONTEXT, resourcesOf, synthesize } from './synth.ts';

const findingsOf = (app: App) =>
  new AwsSolutionsChecks()
    .validateScope(app)
    .violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.severity} ${violation.ruleName} ${resource.constructPath}`,
      ),
    );

describe('cdk-nag (AwsSolutions)', () => {
  it('finds nothing unacknowledged in the default deployment', () => {
    const { app } = synthesize();
    expect(findingsOf(app)).toEqual([]);
  });

  it('finds nothing unacknowledged with mail, schedules and an inference profile', () => {
    const { app } = buildThreadlineApp({
      context: { ...FULL_CONTEXT, modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' },
      bundle: false,
    });
    expect(findingsOf(app)).toEqual([]);
  });

  it('fails synth on a new finding, naming the rule', () => {
    const { app, stack } = buildThreadlineApp({ bundle: false });
    // A wildcard action: no acknowledgement covers it (`Resource::*` ones would: the IAM tests guard those).
    stack.handlers.functions.step.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:Get*'],
        resources: [stack.formatArn({ service: 's3', resource: 'x' })],
      }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:Get\*\]/);
  });
});

describe('the default deployment', () => {
  it('builds no inbound mail, no schedules and no inbound-email function', () => {
    const types = Object.values(resourcesOf(synthesize().template)).map((resource) => resource.Type);
    expect(types).not.toContain('AWS::SES::ReceiptRuleSet');
    expect(types).not.toContain('AWS::Scheduler::Schedule');
    const names = Object.values(resourcesOf(synthesize().template)).map(
      (resource) => resource.Metadata?.['threadline:function'],
    );
    expect(names).not.toContain('inbound-email');
  });
});
