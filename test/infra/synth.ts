import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildThreadlineApp } from '../../lib/infra/synthesize.ts';
import type { ThreadlineStack } from '../../lib/infra/threadline-stack.ts';

export interface Synthesized {
  app: App;
  stack: ThreadlineStack;
  template: Template;
}

/** Everything optional switched on: sender, approvers, inbound mail and a schedule. */
export const FULL_CONTEXT = {
  senderEmail: 'agent@example.com',
  approverEmails: 'ops@example.com,finance@example.com',
  inboundDomain: 'agents.example.com',
  inboundAgents: { 'billing@agents.example.com': 'billing' },
  schedules: [
    {
      name: 'month-end',
      cron: '0 9 L * ? *',
      agent: 'billing',
      message: 'Send the month-end payment links.',
    },
  ],
};

const cache = new Map<string, Synthesized>();

/**
 * Synthesizes the app once per context and test process (synth takes seconds). The functions are
 * not bundled: `npm run synth` checks bundling; these tests check what the template says.
 * Synthesizing runs cdk-nag, so any unacknowledged finding throws here.
 */
export const synthesize = (context: Record<string, unknown> = {}): Synthesized => {
  const key = JSON.stringify(context);
  const cached = cache.get(key);
  if (cached) return cached;
  const { app, stack } = buildThreadlineApp({ context, bundle: false });
  const synthesized = { app, stack, template: Template.fromStack(stack) };
  cache.set(key, synthesized);
  return synthesized;
};

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }
>;

export const resourcesOf = (template: Template): Resources => {
  const json: { Resources: Resources } = template.toJSON() as { Resources: Resources };
  return json.Resources;
};

/** The logical id of the function the stack names `name` (`step`, `tool-lookup_customer`). */
export const functionId = (template: Template, name: string): string => {
  const found = Object.entries(resourcesOf(template)).find(
    ([, resource]) =>
      resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['threadline:function'] === name,
  );
  if (!found) throw new Error(`no function named ${name}`);
  return found[0];
};
