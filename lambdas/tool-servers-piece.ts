import type { ToolServers } from '../lib/core/tool-servers.ts';
import { once, onceAsync } from './lazy.ts';

/**
 * The MCP client, for the functions that list or call the tools of servers agents name: the step
 * (the model sees them), each tool function (it calls one) and the API (edited arguments are
 * checked against the server's schema). Its own module, so that no other bundle carries the SDK,
 * and imported on the first list or call, so that a function whose agents name no server never
 * evaluates it at cold start. A failed import is tried again on the next call.
 */
export const mcpToolServers: () => ToolServers = once(() => {
  const client = onceAsync(async (): Promise<ToolServers> => {
    const { McpToolServers } = await import('../lib/adapters/mcp-tool-servers.ts');
    return new McpToolServers();
  });
  return {
    list: async (server) => (await client()).list(server),
    call: async (server, tool, args, context) => (await client()).call(server, tool, args, context),
  };
});
