import type { ToolServers } from '../lib/core/tool-servers.ts';
import { once, onceAsync } from './lazy.ts';

/**
 * The MCP client, for the functions that list or call the tools of servers agents name: the step
 * (the model sees them), a server tool's function (it calls one) and the API (edited arguments are
 * checked against the server's schema). Imported on the first list or call, so a function never
 * evaluates it at cold start; a failed import is tried again on the next call.
 *
 * A function that reaches no server is bundled with `THREADLINE_BUNDLED_WITHOUT_TOOL_SERVERS`
 * defined as `"true"` (lib/infra/bundling-options.ts): the branch that imports the client is dead
 * code then, esbuild leaves the SDK out of the bundle, and the function has no client. Unbundled
 * (the local stack, the CLI, tests) the variable is unset and the client is there.
 */
export const mcpToolServers: () => ToolServers | undefined = once(() => {
  // This condition must name the variable literally: esbuild's define replaces exactly this expression.
  if (process.env.THREADLINE_BUNDLED_WITHOUT_TOOL_SERVERS !== 'true') {
    const client = onceAsync(async (): Promise<ToolServers> => {
      const { McpToolServers } = await import('../lib/adapters/mcp-tool-servers.ts');
      return new McpToolServers();
    });
    return {
      list: async (server) => (await client()).list(server),
      call: async (server, tool, args, context) => (await client()).call(server, tool, args, context),
    };
  }
  return undefined;
});
