import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';

/** A call the server received, as its tool saw it. */
export interface ReceivedCall {
  tool: string;
  args: Record<string, unknown>;
}

/**
 * A real MCP server (the SDK's own `McpServer` over its Streamable HTTP transport, stateless) on
 * 127.0.0.1, serving a small notes service: `search_notes` reads, `delete_note` changes things,
 * `archive_note` is listed but never named by the test agents. Descriptions can be changed while
 * it runs, as a server that redescribes a tool would.
 */
export class NotesMcpServer {
  readonly calls: ReceivedCall[] = [];
  /** The `threadline/call-id` each call carried in its `_meta`. */
  readonly callIds: unknown[] = [];
  readonly descriptions = {
    search_notes: 'Search notes by text. Read-only.',
    delete_note: 'Delete a note by id. Cannot be undone.',
    archive_note: 'Archive a note by id.',
  };
  private http: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.http = createServer((request, response) => {
      const server = this.build();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      response.on('close', () => {
        void transport.close();
        void server.close();
      });
      server
        .connect(transport)
        .then(() => transport.handleRequest(request, response))
        .catch(() => response.writeHead(500).end());
    });
    const http = this.http;
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    return this;
  }

  async stop(): Promise<void> {
    const http = this.http;
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  private build(): McpServer {
    const server = new McpServer({ name: 'notes', version: '1.0.0' });
    server.registerTool(
      'search_notes',
      { description: this.descriptions.search_notes, inputSchema: { query: z.string().min(1) } },
      async ({ query }, extra) => {
        this.calls.push({ tool: 'search_notes', args: { query } });
        this.callIds.push(extra._meta?.['threadline/call-id']);
        if (query === 'boom') throw new Error('the notes index is rebuilding\nretry later');
        return { content: [{ type: 'text', text: `note-1: ${query} is on page 3` }] };
      },
    );
    server.registerTool(
      'delete_note',
      { description: this.descriptions.delete_note, inputSchema: { noteId: z.string().regex(/^note-\d+$/) } },
      async ({ noteId }) => {
        this.calls.push({ tool: 'delete_note', args: { noteId } });
        return {
          content: [{ type: 'text', text: `deleted ${noteId}` }],
          structuredContent: { deleted: noteId },
        };
      },
    );
    server.registerTool(
      'archive_note',
      { description: this.descriptions.archive_note, inputSchema: { noteId: z.string() } },
      async ({ noteId }) => {
        this.calls.push({ tool: 'archive_note', args: { noteId } });
        return { content: [{ type: 'text', text: `archived ${noteId}` }] };
      },
    );
    return server;
  }
}
