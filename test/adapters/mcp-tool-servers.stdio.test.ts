import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolServers } from '../../lib/adapters/mcp-tool-servers.ts';
import { mcpServer } from '../../lib/core/tool-servers.ts';

const script = fileURLToPath(new URL('../support/notes-stdio-server.ts', import.meta.url));
const stdio = mcpServer({
  name: 'notes-stdio',
  transport: {
    kind: 'stdio',
    command: process.execPath,
    args: ['--import', 'tsx', script],
    env: { NOTES_GREETING: 'hello' },
  },
  tools: { search_notes: {} },
});
const servers = new McpToolServers({ requestTimeoutMs: 20_000 });

beforeAll(() => {
  process.env.THREADLINE_TEST_SECRET = 'not for servers';
});
afterAll(() => {
  delete process.env.THREADLINE_TEST_SECRET;
});

describe('McpToolServers over stdio', () => {
  it('lists and calls the tools of a server it starts as a command', async () => {
    const listed = await servers.list(stdio);
    const outcome = await servers.call(
      stdio,
      'search_notes',
      { query: 'taxes' },
      { threadId: 'th-1', callId: 'ev-9' },
    );

    expect(listed.map((tool) => [tool.name, tool.description])).toEqual([
      ['search_notes', 'Search notes by text. Read-only.'],
    ]);
    expect(outcome).toEqual({ ok: true, result: { query: 'taxes', callId: 'ev-9', sawSecret: false } });
  });
});
