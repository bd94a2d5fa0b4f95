import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import type { JsonObject } from '../core/json.ts';
import {
  type ListedTool,
  ListedToolSchema,
  type ToolServer,
  type ToolServers,
} from '../core/tool-servers.ts';
import { oneLine, type ToolContext, type ToolOutcome } from '../core/tools.ts';
import { outcomeOfCallResult } from './mcp-call-result.ts';

/** A server that could not be reached, or broke the protocol while listing: the caller retries. */
export class ToolServerError extends Error {
  override readonly name = 'ToolServerError';
  constructor(
    readonly server: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`MCP server ${server}: ${message}`, options);
  }
}

export interface McpToolServersOptions {
  /** How long one request to a server may take, in ms; default 20 s, under a tool function's 30 s. */
  requestTimeoutMs?: number;
}

const ListingSchema = z.object({ tools: z.array(ListedToolSchema), nextCursor: z.string().optional() });
/** Where a call's id travels, so that a server can tell a retried call from a new one. */
export const CALL_ID_META = 'threadline/call-id';
/** Listing stops here: a server that pages forever is refused. */
const MAX_PAGES = 20;

/**
 * MCP servers through the SDK's client, over Streamable HTTP or stdio. Each list or call opens a
 * session and closes it again: a Lambda invocation lists once and calls once, and a fresh session
 * sees a changed tool at once. A stdio server gets only the SDK's default environment (PATH, HOME
 * and the like) plus the variables its declaration names, never the function's own secrets.
 */
export class McpToolServers implements ToolServers {
  private readonly requestTimeoutMs: number;

  constructor(options: McpToolServersOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
  }

  async list(server: ToolServer): Promise<ListedTool[]> {
    return this.withClient(server, async (client) => {
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const listing = ListingSchema.safeParse(
          await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: this.requestTimeoutMs }),
        );
        if (!listing.success)
          throw new ToolServerError(server.name, 'listed tools in a shape MCP does not allow');
        tools.push(...listing.data.tools);
        cursor = listing.data.nextCursor;
        if (cursor === undefined) return tools;
      }
      throw new ToolServerError(server.name, `listed more than ${MAX_PAGES} pages of tools`);
    });
  }

  async call(server: ToolServer, tool: string, args: JsonObject, context: ToolContext): Promise<ToolOutcome> {
    return this.withClient(server, async (client) => {
      try {
        const request = { name: tool, arguments: args, _meta: { [CALL_ID_META]: context.callId } };
        const result = await client.callTool(request, undefined, {
          timeout: this.requestTimeoutMs,
        });
        return outcomeOfCallResult(result);
      } catch (error) {
        // A JSON-RPC error is the server refusing this call (unknown tool, bad arguments): the model reads it.
        if (error instanceof McpError) return { ok: false, message: oneLine(error.message) };
        throw new ToolServerError(server.name, `the call to ${tool} failed: ${messageOf(error)}`, {
          cause: error,
        });
      }
    });
  }

  private async withClient<T>(server: ToolServer, use: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ name: 'threadline', version: '0.1.0' });
    try {
      await client.connect(transportFor(server), { timeout: this.requestTimeoutMs });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw new ToolServerError(server.name, `could not connect: ${messageOf(error)}`, { cause: error });
    }
    try {
      return await use(client);
    } catch (error) {
      if (error instanceof ToolServerError) throw error;
      throw new ToolServerError(server.name, messageOf(error), { cause: error });
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

const transportFor = (server: ToolServer): Transport => {
  const { transport } = server;
  if (transport.kind === 'http') {
    return new StreamableHTTPClientTransport(new URL(transport.url), {
      requestInit: { headers: transport.headers ?? {}, redirect: 'error' },
    });
  }
  return new StdioClientTransport({
    command: transport.command,
    args: transport.args,
    ...(transport.env === undefined ? {} : { env: { ...getDefaultEnvironment(), ...transport.env } }),
  });
};

const messageOf = (error: unknown): string => oneLine(error instanceof Error ? error.message : String(error));
