import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { InMemoryThreadStore } from '../../lib/adapters/memory-thread-store.ts';
import { call, ScriptedModel } from '../../lib/adapters/scripted-model.ts';
import { defineAgent } from '../../lib/core/agent.ts';
import { driveThread } from '../../lib/core/drive.ts';
import { fingerprintOf, serverTool, withServerTools } from '../../lib/core/server-tools.ts';
import { type ListedTool, mcpServer } from '../../lib/core/tool-servers.ts';
import { defineTool } from '../../lib/core/tools.ts';
import { FixedClock } from '../fakes/fixed-clock.ts';
import { ListedToolServers } from '../fakes/listed-tool-servers.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';

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

describe('driveThread with server tools', () => {
  it('runs a gated server tool in-process once a person approves it, with the approval bound to the tool', async () => {
    const gated = mcpServer({
      name: 'notes',
      transport: { kind: 'http', url: 'http://127.0.0.1:9/mcp' },
      tools: { search_notes: { needsApproval: true } },
    });
    const servers = new ListedToolServers({ notes: [search] });
    const store = new InMemoryThreadStore();
    await store.create({ threadId: 'th-1', agent: 'notes', at: '2026-01-01T00:00:00.000Z' });
    await store.append('th-1', [
      {
        id: 'message-1',
        at: '2026-01-01T00:00:00.000Z',
        type: 'user-message',
        data: { text: 'find my tax notes', channel: 'cli', untrusted: false },
      },
    ]);
    const model = new ScriptedModel([
      call('search_notes', { query: 'taxes' }),
      call('done_for_now', { message: 'Found them.' }),
    ]);

    const state = await driveThread('th-1', agentWith([gated]), {
      store,
      model,
      clock: new FixedClock(),
      ids: new SequentialIds(),
      humans: { decide: async () => ({ decision: 'approve' }), answer: async () => '' },
      toolServers: servers,
    });

    const events = (await store.load('th-1')).events;
    expect(state.status).toBe('done');
    expect(events.map((event) => event.type)).toEqual([
      'user-message',
      'model-step',
      'approval-request',
      'approval-decision',
      'tool-result',
      'model-step',
      'agent-done',
    ]);
    expect(events[2]?.data).toMatchObject({ server: 'notes', toolHash: fingerprintOf('notes', search) });
    expect(servers.calls).toEqual([
      { server: 'notes', tool: 'search_notes', args: { query: 'taxes' }, callId: events[1]?.id },
    ]);
  });
});
