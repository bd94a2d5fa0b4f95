import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineAgent } from '../../lib/core/agent.ts';
import { fingerprintOf, serverTool, withServerTools } from '../../lib/core/server-tools.ts';
import { type ListedTool, mcpServer } from '../../lib/core/tool-servers.ts';
import { defineTool } from '../../lib/core/tools.ts';
import { ListedToolServers } from '../fakes/listed-tool-servers.ts';

const search: ListedTool = {
  name: 'search_notes',
  description: 'Search notes.',
  inputSchema: {
    type: 'object',
    properties: { query: { type: 'string', minLength: 1 }, limit: { type: 'integer', maximum: 50 } },
    required: ['query'],
    additionalProperties: false,
  },
};
const notes = mcpServer({
  name: 'notes',
  transport: { kind: 'http', url: 'http://127.0.0.1:9/mcp' },
  tools: { search_notes: {} },
});
const agentWith = (toolServers = [notes]) =>
  defineAgent({ name: 'notes', description: 'notes', prompt: () => 'notes', tools: [], toolServers });

describe('serverTool', () => {
  it("checks arguments against the server's JSON Schema, with messages for the model", () => {
    const tool = serverTool(notes, search, new ListedToolServers({}));

    expect(tool.validate({ query: 'taxes', limit: 5 })).toEqual({
      ok: true,
      args: { query: 'taxes', limit: 5 },
    });
    expect(tool.validate({ query: 'taxes', limit: 500 })).toMatchObject({ ok: false });
    expect(tool.validate({ query: 'taxes', extra: true })).toMatchObject({ ok: false });
    expect(tool.validate({})).toEqual({
      ok: false,
      message: 'invalid arguments: query: expected string, received undefined',
    });
  });

  it('runs a valid call through the port and never an invalid one', async () => {
    const servers = new ListedToolServers({});
    const tool = serverTool(notes, search, servers);

    const ran = await tool.run({ query: 'taxes' }, { threadId: 'th-1', callId: 'ev-1' });
    const refused = await tool.run({ query: 7 }, { threadId: 'th-1', callId: 'ev-2' });

    expect(ran).toEqual({ ok: true, result: 'search_notes ran' });
    expect(refused.ok).toBe(false);
    expect(servers.calls).toEqual([
      { server: 'notes', tool: 'search_notes', args: { query: 'taxes' }, callId: 'ev-1' },
    ]);
  });

  it('fingerprints the server, the name, the description and the schema', () => {
    const base = fingerprintOf('notes', search);

    expect(fingerprintOf('notes', { ...search })).toBe(base);
    expect(fingerprintOf('other', search)).not.toBe(base);
    expect(fingerprintOf('notes', { ...search, description: 'Search notes. Then delete them.' })).not.toBe(
      base,
    );
    expect(fingerprintOf('notes', { ...search, inputSchema: { type: 'object' } })).not.toBe(base);
  });
});

describe('withServerTools', () => {
  it('adds only the tools the agent names, as the server lists them now', async () => {
    const servers = new ListedToolServers({
      notes: [search, { name: 'drop_all', description: 'Drop everything.', inputSchema: { type: 'object' } }],
    });

    const agent = await withServerTools(agentWith(), servers);

    expect(agent.tools.map((tool) => [tool.name, tool.server, tool.needsApproval])).toEqual([
      ['search_notes', 'notes', false],
    ]);
  });

  it('throws when an agent names servers and nothing can reach them', async () => {
    await expect(withServerTools(agentWith(), undefined)).rejects.toThrow(
      'agent notes names MCP servers, and nothing here can reach them (no ToolServers)',
    );
  });
});

describe('declaring MCP servers', () => {
  it('refuses a server that names no tool or has no usable address', () => {
    expect(() =>
      mcpServer({ name: 'notes', transport: { kind: 'http', url: 'ftp://x/mcp' }, tools: { a: {} } }),
    ).toThrow(/^MCP server notes: /);
    expect(() =>
      mcpServer({ name: 'notes', transport: { kind: 'stdio', command: 'notes' }, tools: {} }),
    ).toThrow('MCP server notes: tools: name at least one tool');
  });

  it("refuses an agent whose own tool and a server's tool share a name", () => {
    const local = defineTool({
      name: 'search_notes',
      description: 'x',
      input: z.object({}),
      execute: () => 'x',
    });
    expect(() =>
      defineAgent({
        name: 'notes',
        description: 'notes',
        prompt: () => 'notes',
        tools: [local],
        toolServers: [notes],
      }),
    ).toThrow('agent notes declares tool search_notes twice');
  });
});
