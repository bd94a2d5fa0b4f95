import { McpToolServers } from '../lib/adapters/mcp-tool-servers.ts';
import type { ToolServers } from '../lib/core/tool-servers.ts';
import { once } from './lazy.ts';

/**
 * The MCP client, for the functions that list or call the tools of servers agents name: the step
 * (the model sees them), each tool function (it calls one) and the API (edited arguments are
 * checked against the server's schema). Its own module, so that no other bundle carries the SDK.
 */
export const mcpToolServers: () => ToolServers = once(() => new McpToolServers());
