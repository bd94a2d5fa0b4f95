import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAgent } from '../../lib/core/agent.ts';
import { defineTool } from '../../lib/core/tools.ts';
import { checkToolPermissions } from '../../lib/infra/tool-functions.ts';
import { DuplicateToolError, listTools, readAgentManifest } from '../../lib/infra/tool-manifest.ts';

const tool = (name: string, needsApproval = false) =>
  defineTool({ name, description: name, needsApproval, input: z.object({}), execute: async () => 'ok' });
const agent = (name: string, tools: ReturnType<typeof tool>[]) =>
  defineAgent({ name, description: name, prompt: () => name, tools });

describe('listTools', () => {
  it('lists every tool of every agent with its approval flag', () => {
    const agents = new Map([
      ['billing', agent('billing', [tool('lookup'), tool('charge', true)])],
      ['support', agent('support', [tool('search')])],
    ]);
    expect(listTools(agents)).toEqual([
      { name: 'lookup', agent: 'billing', needsApproval: false },
      { name: 'charge', agent: 'billing', needsApproval: true },
      { name: 'search', agent: 'support', needsApproval: false },
    ]);
  });

  it('throws when two agents declare the same tool name', () => {
    const agents = new Map([
      ['billing', agent('billing', [tool('lookup')])],
      ['support', agent('support', [tool('lookup')])],
    ]);
    expect(() => listTools(agents)).toThrow(DuplicateToolError);
    expect(() => listTools(agents)).toThrow('agents billing and support both declare a tool named lookup');
  });
});

describe('readAgentManifest', () => {
  it('reads the agents of lib/agents without touching their dependencies', () => {
    expect(readAgentManifest()).toEqual({
      agents: ['billing', 'triage'],
      tools: [
        { name: 'lookup_customer', agent: 'billing', needsApproval: false },
        { name: 'create_payment_link', agent: 'billing', needsApproval: true },
      ],
    });
  });
});

describe('checkToolPermissions', () => {
  it('throws when a tool permission names a tool no agent has', () => {
    expect(() =>
      checkToolPermissions([{ name: 'lookup_customer', agent: 'billing', needsApproval: false }]),
    ).toThrow('grants to tool create_payment_link, which no agent declares');
  });
});
