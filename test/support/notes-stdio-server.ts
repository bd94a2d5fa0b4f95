import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as z from 'zod';

/**
 * A real MCP server over stdio, for the stdio transport's test: it answers `search_notes` with the
 * query and the call id the client sent, and `NOTES_GREETING` from the environment it was given.
 */
const server = new McpServer({ name: 'notes-stdio', version: '1.0.0' });
server.registerTool(
  'search_notes',
  { description: 'Search notes by text. Read-only.', inputSchema: { query: z.string().min(1) } },
  async ({ query }, extra) => ({
    content: [{ type: 'text', text: `${process.env.NOTES_GREETING ?? 'no greeting'}: ${query}` }],
    structuredContent: {
      query,
      callId: String(extra._meta?.['threadline/call-id']),
      sawSecret: process.env.THREADLINE_TEST_SECRET !== undefined,
    },
  }),
);
await server.connect(new StdioServerTransport());
