import * as z from 'zod';
import type { Agent } from './agent.ts';
import { hashArgs } from './hash.ts';
import { JsonObjectSchema } from './json.ts';
import type { ListedTool, ToolServer, ToolServers } from './tool-servers.ts';
import { describeIssues, type Tool } from './tools.ts';

/**
 * The hash an approval of a server tool is bound to: the server, the tool's name, its description
 * and its input schema. A server that redescribes a tool changes it, and the approval no longer
 * holds.
 */
export const fingerprintOf = (server: string, listed: ListedTool): string =>
  hashArgs({ server, tool: listed.name, description: listed.description, inputSchema: listed.inputSchema });

/**
 * A server's tool as an ordinary `Tool`: the model sees the server's own description and JSON
 * Schema, arguments are checked against that schema here (through zod's `fromJSONSchema`), and a
 * valid call goes to the server through the `ToolServers` port.
 */
export const serverTool = (server: ToolServer, listed: ListedTool, servers: ToolServers): Tool => {
  const { $schema: _dialect, ...inputSchema } = listed.inputSchema;
  const schema = schemaFrom(inputSchema);
  const validate: Tool['validate'] = (args) => {
    if (!schema.ok) return { ok: false, message: schema.message };
    const parsed = schema.type.safeParse(args);
    if (!parsed.success) return { ok: false, message: `invalid arguments: ${describeIssues(parsed.error)}` };
    const json = JsonObjectSchema.safeParse(parsed.data);
    if (!json.success) return { ok: false, message: 'invalid arguments: not a JSON object' };
    return { ok: true, args: json.data };
  };
  return {
    name: listed.name,
    description: listed.description,
    needsApproval: server.tools[listed.name]?.needsApproval ?? true,
    readOnly: server.tools[listed.name]?.readOnly ?? false,
    untrusted: server.tools[listed.name]?.untrusted ?? true,
    uses: {},
    server: server.name,
    fingerprint: fingerprintOf(server.name, listed),
    spec: { name: listed.name, description: listed.description, inputSchema },
    validate,
    run: async (args, context) => {
      const valid = validate(args);
      if (!valid.ok) return valid;
      return servers.call(server, listed.name, valid.args, context);
    },
  };
};

type SchemaOutcome = { ok: true; type: z.ZodType } | { ok: false; message: string };

const schemaFrom = (inputSchema: Record<string, unknown>): SchemaOutcome => {
  try {
    return { ok: true, type: z.fromJSONSchema(inputSchema) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      message: `this tool's input schema cannot be checked here (${reason}): use another tool`,
    };
  }
};

/**
 * The agent with the tools of the servers it names, as each server lists them now. The agent's own
 * tools come first; a tool the agent names that its server no longer lists is left out, so the
 * model is told it does not exist. Agents that name no server come back as they are.
 */
export const withServerTools = async (agent: Agent, servers: ToolServers | undefined): Promise<Agent> => {
  const declared = agent.toolServers ?? [];
  if (declared.length === 0) return agent;
  if (servers === undefined) {
    throw new Error(
      `agent ${agent.name} names MCP servers, and nothing here can reach them (no ToolServers)`,
    );
  }
  const lists = await Promise.all(declared.map((server) => servers.list(server)));
  const extra = declared.flatMap((server, index) =>
    (lists[index] ?? [])
      .filter((listed) => Object.hasOwn(server.tools, listed.name))
      .map((listed) => serverTool(server, listed, servers)),
  );
  return { ...agent, tools: [...agent.tools, ...extra] };
};

/** The tools an agent takes from servers, by name, as the deployment routes them. */
export const serverToolNames = (agent: Pick<Agent, 'toolServers'>): { name: string; server: ToolServer }[] =>
  (agent.toolServers ?? []).flatMap((server) => Object.keys(server.tools).map((name) => ({ name, server })));
