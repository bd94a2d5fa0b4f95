import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createAgents, defineAgentModule, UndeclaredResourceError } from '../../lib/adapters/agent-module.ts';
import { defineAgent } from '../../lib/core/agent.ts';
import { table } from '../../lib/core/resources.ts';
import { mcpServer } from '../../lib/core/tool-servers.ts';
import { defineTool } from '../../lib/core/tools.ts';
import { mayAwaitApproval } from '../../lib/infra/loop-definition.ts';
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

  it('lists the tools an agent takes from an MCP server, with the host their functions reach', () => {
    const notes = defineAgent({
      name: 'notes',
      description: 'notes',
      prompt: () => 'notes',
      tools: [tool('summarize')],
      toolServers: [
        mcpServer({
          name: 'notes-server',
          transport: { kind: 'http', url: 'https://mcp.example.com/mcp' },
          tools: { search_notes: {}, delete_note: { needsApproval: true } },
        }),
        mcpServer({
          name: 'files',
          transport: { kind: 'stdio', command: 'files-mcp' },
          tools: { read_file: {} },
        }),
      ],
    });
    expect(listTools(new Map([['notes', notes]]))).toEqual([
      { name: 'summarize', agent: 'notes', needsApproval: false },
      {
        name: 'search_notes',
        agent: 'notes',
        needsApproval: false,
        server: { name: 'notes-server', host: 'mcp.example.com' },
      },
      {
        name: 'delete_note',
        agent: 'notes',
        needsApproval: true,
        server: { name: 'notes-server', host: 'mcp.example.com' },
      },
      { name: 'read_file', agent: 'notes', needsApproval: false, server: { name: 'files' } },
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
        { name: 'lookup_customer', agent: 'billing', needsApproval: false, readOnly: true },
        { name: 'create_payment_link', agent: 'billing', needsApproval: true, uses: { ledger: 'readWrite' } },
      ],
      resources: [
        { agent: 'billing', name: 'ledger', resource: { kind: 'table', partitionKey: 'idempotencyKey' } },
      ],
    });
  });

  it('fails synth when a tool touches its table while the agent is built', () => {
    const eager = defineAgentModule({
      name: 'eager',
      resources: { notes: table({ partitionKey: 'id' }) },
      create: ({ notes }) => agent(`eager-${notes.tableName}`, []),
    });
    expect(() => readAgentManifest([eager])).toThrow(
      'agent eager used its resource notes while the stack was being synthesized',
    );
  });
});

describe('createAgents', () => {
  const unbound = () => ({ tableName: 'unused', client: undefined as never });
  const usesNotes = defineTool({
    name: 'write_note',
    description: 'writes a note',
    input: z.object({}),
    uses: { notes: 'readWrite' },
    execute: async () => 'ok',
  });

  it('refuses a tool that uses a resource its agent does not declare', () => {
    const module = defineAgentModule({
      name: 'notes',
      resources: {},
      create: () => agent('notes', [usesNotes]),
    });
    expect(() => createAgents([module], unbound)).toThrow(UndeclaredResourceError);
    expect(() => createAgents([module], unbound)).toThrow(
      'agent notes: tool write_note uses resource notes, which the agent does not declare',
    );
  });

  it('refuses a module whose agent has another name, and two modules with one name', () => {
    const misnamed = defineAgentModule({ name: 'a', resources: {}, create: () => agent('b', []) });
    expect(() => createAgents([misnamed], unbound)).toThrow('agent module a built an agent named b');
    const a = defineAgentModule({ name: 'a', resources: {}, create: () => agent('a', []) });
    expect(() => createAgents([a, a], unbound)).toThrow('two agents are named a');
  });

  it('refuses a resource name that cannot name a construct and a variable', () => {
    expect(() =>
      defineAgentModule({
        name: 'a',
        resources: { 'my-table': table({ partitionKey: 'id' }) },
        create: () => agent('a', []),
      }),
    ).toThrow('resource name "my-table" must match');
  });
});

describe('mayAwaitApproval', () => {
  it('lets every tool that is not read-only reach Approved?, since the rule of two may gate it', () => {
    expect(
      [
        { name: 'charge', agent: 'a', needsApproval: true },
        { name: 'send', agent: 'a', needsApproval: false },
        { name: 'lookup', agent: 'a', needsApproval: false, readOnly: true },
      ].map((tool) => [tool.name, mayAwaitApproval(tool)]),
    ).toEqual([
      ['charge', true],
      ['send', true],
      ['lookup', false],
    ]);
  });
});
