import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolServers, ToolServerError } from '../../lib/adapters/mcp-tool-servers.ts';
import { mcpServer } from '../../lib/core/tool-servers.ts';
import { NotesMcpServer } from '../support/mcp-test-server.ts';

const notes = new NotesMcpServer();
const servers = new McpToolServers({ requestTimeoutMs: 5_000 });
const declaration = () =>
  mcpServer({ name: 'notes', transport: { kind: 'http', url: notes.url }, tools: { search_notes: {} } });

beforeAll(async () => {
  await notes.start();
});
afterAll(async () => {
  await notes.stop();
});

describe('McpToolServers over Streamable HTTP', () => {
  it('lists every tool the server has, with its description and JSON Schema', async () => {
    const listed = await servers.list(declaration());

    expect(listed.map((tool) => tool.name)).toEqual(['search_notes', 'delete_note', 'archive_note']);
    expect(listed[0]).toEqual({
      name: 'search_notes',
      description: 'Search notes by text. Read-only.',
      inputSchema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { query: { type: 'string', minLength: 1 } },
        required: ['query'],
      },
    });
  });

  it('returns a text answer as the result', async () => {
    const outcome = await servers.call(
      declaration(),
      'search_notes',
      { query: 'taxes' },
      { threadId: 'th-1', callId: 'ev-1' },
    );

    expect(outcome).toEqual({ ok: true, result: 'note-1: taxes is on page 3' });
    expect(notes.calls.at(-1)).toEqual({ tool: 'search_notes', args: { query: 'taxes' } });
    expect(notes.callIds.at(-1)).toBe('ev-1');
  });

  it('keeps structured content as the result when the tool gives it', async () => {
    const outcome = await servers.call(
      declaration(),
      'delete_note',
      { noteId: 'note-7' },
      { threadId: 'th-1', callId: 'ev-2' },
    );

    expect(outcome).toEqual({ ok: true, result: { deleted: 'note-7' } });
  });

  it('turns a tool that failed into one line for the model', async () => {
    const outcome = await servers.call(
      declaration(),
      'search_notes',
      { query: 'boom' },
      { threadId: 'th-1', callId: 'ev-3' },
    );

    expect(outcome).toEqual({ ok: false, message: 'the notes index is rebuilding' });
  });

  it('reports arguments the server refuses as a message for the model', async () => {
    const outcome = await servers.call(
      declaration(),
      'delete_note',
      { noteId: 'seven' },
      { threadId: 'th-1', callId: 'ev-4' },
    );

    expect(outcome.ok).toBe(false);
    expect(outcome.ok === false && outcome.message).toMatch(/noteId/);
  });

  it('throws a ToolServerError naming the server when nothing answers at its address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gone = mcpServer({
      name: 'gone',
      transport: { kind: 'http', url: `http://127.0.0.1:${port}/mcp` },
      tools: { search_notes: {} },
    });

    const listing = servers.list(gone);

    await expect(listing).rejects.toBeInstanceOf(ToolServerError);
    await expect(listing).rejects.toThrow(/^MCP server gone: could not connect/);
  });
});
