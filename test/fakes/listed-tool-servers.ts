import type { JsonObject } from '../../lib/core/json.ts';
import type { ListedTool, ToolServer, ToolServers } from '../../lib/core/tool-servers.ts';
import type { ToolContext, ToolOutcome } from '../../lib/core/tools.ts';

/** Tool servers held in memory: each lists what it is given and records the calls it receives. */
export class ListedToolServers implements ToolServers {
  readonly calls: { server: string; tool: string; args: JsonObject; callId: string }[] = [];

  constructor(readonly listings: Record<string, ListedTool[]>) {}

  async list(server: ToolServer): Promise<ListedTool[]> {
    const listed = this.listings[server.name];
    if (listed === undefined) throw new Error(`no server ${server.name}`);
    return listed;
  }

  async call(server: ToolServer, tool: string, args: JsonObject, context: ToolContext): Promise<ToolOutcome> {
    this.calls.push({ server: server.name, tool, args, callId: context.callId });
    return { ok: true, result: `${tool} ran` };
  }
}
